import { useEffect, useState } from 'react';
import type { QueryOutcome } from '../query/types.ts';
import { ResultsGrid } from './ResultsGrid.tsx';

export interface ResultsPanelProps {
  outcome: QueryOutcome | null;
  running: boolean;
}

const ms = (value: number) => (value < 10 ? value.toFixed(1) : Math.round(value).toString());

/** The last run of the active tab: one tab per statement that returned something, or the error. */
export function ResultsPanel({ outcome, running }: ResultsPanelProps) {
  const [selected, setSelected] = useState(0);
  // A new run shows its last result, as psql would print last.
  useEffect(() => {
    setSelected(outcome?.ok ? Math.max(0, outcome.results.length - 1) : 0);
  }, [outcome]);

  if (!outcome) {
    return (
      <section className="results empty" data-testid="results">
        {running ? 'Running…' : 'Run a query (Ctrl+Enter) to see its results here.'}
      </section>
    );
  }

  if (!outcome.ok) {
    const { error } = outcome;
    return (
      <section className="results" data-testid="results">
        <div className="results-bar">
          <span className="badge badge-error">
            {error.kind === 'unsupported' ? 'Not run' : 'Error'}
          </span>
          <span className="muted">{ms(outcome.durationMs)} ms</span>
          {running && <span className="muted">Running…</span>}
        </div>
        <div className="query-error" role="alert" data-testid="query-error">
          <strong>{error.code ? `${error.code}: ` : ''}</strong>
          {error.message}
          {error.position !== null && (
            <span className="muted"> (at character {error.position})</span>
          )}
          {error.detail && <div className="muted">Detail: {error.detail}</div>}
          {error.hint && <div className="muted">Hint: {error.hint}</div>}
        </div>
      </section>
    );
  }

  const result = outcome.results[Math.min(selected, outcome.results.length - 1)];
  return (
    <section className="results" data-testid="results">
      <div className="results-bar">
        {outcome.results.length > 1 &&
          outcome.results.map((r, i) => (
            <button
              key={i}
              type="button"
              className={`result-tab${i === selected ? ' active' : ''}`}
              onClick={() => setSelected(i)}
            >
              {i + 1}. {r.command}
            </button>
          ))}
        {result && (
          <span data-testid="row-count">
            {result.command} · {result.rowCount ?? 0} {result.rowCount === 1 ? 'row' : 'rows'}
            {result.truncated && ` (showing the first ${result.rows.length})`}
          </span>
        )}
        <span className="muted" data-testid="duration">
          {ms(outcome.durationMs)} ms
        </span>
        {running && <span className="muted">Running…</span>}
      </div>
      {result && result.columns.length > 0 ? (
        <ResultsGrid result={result} />
      ) : (
        <div className="results empty">
          {result ? `${result.command} completed.` : 'The script ran no statement.'}
        </div>
      )}
    </section>
  );
}
