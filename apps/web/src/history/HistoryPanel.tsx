import type { HistoryEntry } from '@platform/storage';
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { connectionLabel, type StudioConnection } from '../connections/types.ts';
import { describe } from '../storage/describe.ts';
import { useStorage } from '../storage/StorageContext.tsx';
import { downloadText, type ExportFormat, historyFile, historyFileName } from './exportHistory.ts';
import {
  type HistoryView,
  historyReducer,
  initialHistoryState,
  isFiltered,
  listRequest,
  pageRequest,
  SORTS,
  type SortKey,
  type StatusFilter,
  type TimeRange,
} from './historyState.ts';

const SEARCH_DEBOUNCE_MS = 250;
/** Load the next page when the list is scrolled this close to its end. */
const LOAD_AHEAD_PX = 240;

export interface HistoryPanelProps {
  /** The connections to filter by (the demo and the profile's own). */
  connections: StudioConnection[];
  /** The active tab's connection: the one whose history the default view shows. */
  activeConnection: StudioConnection;
  onOpen(entry: HistoryEntry): void;
}

const VIEWS: { value: HistoryView; label: string }[] = [
  { value: 'connection', label: 'This connection' },
  { value: 'all', label: 'All connections' },
];

const RANGES: { value: TimeRange; label: string }[] = [
  { value: 'any', label: 'Any time' },
  { value: 'hour', label: 'Last hour' },
  { value: 'day', label: 'Last 24 hours' },
  { value: 'week', label: 'Last 7 days' },
  { value: 'month', label: 'Last 30 days' },
  { value: 'custom', label: 'Between…' },
];

function formatWhen(date: Date): string {
  const sameDay = date.toDateString() === new Date().toDateString();
  return sameDay
    ? date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' })
    : date.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' });
}

/**
 * Query history of the active connection or of all, newest first or sorted by duration or rows,
 * paged from storage as the list scrolls, live across tabs, exported whole as CSV or JSON.
 */
export function HistoryPanel({ connections, activeConnection, onOpen }: HistoryPanelProps) {
  const storageState = useStorage();
  const storage = storageState.phase === 'ready' ? storageState.storage : null;
  const [state, dispatch] = useReducer(historyReducer, activeConnection.id, (id) => ({
    ...initialHistoryState,
    activeConnectionId: id,
  }));
  const latest = useRef(state);
  latest.current = state;
  const [search, setSearch] = useState('');
  const [confirmClear, setConfirmClear] = useState(false);
  const [exporting, setExporting] = useState<ExportFormat | null>(null);
  const list = useRef<HTMLDivElement>(null);

  useEffect(() => {
    dispatch({ type: 'activeConnection', id: activeConnection.id });
  }, [activeConnection.id]);

  const load = useCallback(
    async (refresh: boolean) => {
      const s = latest.current;
      if (!storage || (!refresh && (s.loading || s.done))) return;
      dispatch({ type: 'request' });
      try {
        const request = pageRequest(s, refresh);
        const started = performance.now();
        const page = await storage.history.list(request);
        // `pnpm bench` reads these: a page of history, as the panel asks for it.
        performance.measure('studio:history-page', {
          start: started,
          detail: { search: request.search ?? null, items: page.items.length },
        });
        dispatch({
          type: 'loaded',
          generation: s.generation,
          replace: refresh,
          items: page.items,
          nextCursor: page.nextCursor,
        });
      } catch (error) {
        dispatch({ type: 'failed', generation: s.generation, message: String(error) });
      }
    },
    [storage],
  );

  // First page whenever storage opens, the filters change, or a refresh is asked for.
  useEffect(() => {
    void load(true);
  }, [load, state.generation]);

  // Entries written by this tab or any other: reload what is shown.
  useEffect(() => {
    if (!storage) return;
    return storage.subscribe(({ table }) => {
      if (table === 'query_logs') dispatch({ type: 'refresh' });
    });
  }, [storage]);

  useEffect(() => {
    const timer = setTimeout(() => {
      if (search !== latest.current.filters.search)
        dispatch({ type: 'filters', filters: { search } });
    }, SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [search]);

  const loadMoreIfNearEnd = useCallback(() => {
    const el = list.current;
    if (el && el.scrollTop + el.clientHeight >= el.scrollHeight - LOAD_AHEAD_PX) void load(false);
  }, [load]);

  // A page that does not fill the panel gives no scroll event: check again after each load.
  useEffect(() => {
    if (!state.loading) loadMoreIfNearEnd();
  }, [state.items.length, state.loading, loadMoreIfNearEnd]);

  const remove = async (id: string) => {
    if (!storage) return;
    dispatch({ type: 'removed', id });
    await storage.history.delete(id).catch((error: unknown) => {
      dispatch({ type: 'failed', generation: latest.current.generation, message: String(error) });
    });
  };

  const clearAll = async () => {
    setConfirmClear(false);
    if (!storage) return;
    dispatch({ type: 'cleared' });
    await storage.history.clear().catch((error: unknown) => {
      dispatch({ type: 'failed', generation: latest.current.generation, message: String(error) });
    });
  };

  // Every entry the view and filters select, not only the pages loaded, in the order shown.
  const exportAs = async (format: ExportFormat) => {
    if (!storage) return;
    setExporting(format);
    try {
      const items = await storage.history.exportItems(listRequest(latest.current));
      const file = historyFile(format, items);
      downloadText(file.content, file.type, historyFileName(format));
    } catch (error) {
      dispatch({ type: 'failed', generation: latest.current.generation, message: describe(error) });
    } finally {
      setExporting(null);
    }
  };

  if (storageState.phase === 'loading') {
    return <div className="panel-note">Opening history…</div>;
  }
  if (storageState.phase === 'error') {
    return <div className="panel-note error">History is unavailable: {storageState.message}</div>;
  }

  const view = state.filters.view;
  return (
    <div className="history" data-testid="history-panel">
      <div className="panel-tools">
        <fieldset className="segmented grow" aria-label="History view">
          {VIEWS.map((v) => (
            <button
              key={v.value}
              type="button"
              aria-pressed={view === v.value}
              className={view === v.value ? 'active' : ''}
              onClick={() => dispatch({ type: 'filters', filters: { view: v.value } })}
            >
              {v.label}
            </button>
          ))}
        </fieldset>
      </div>
      <div className="panel-tools">
        <input
          type="search"
          placeholder="Search queries…"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          aria-label="Search history"
        />
        <select
          value={state.filters.status}
          aria-label="Status"
          onChange={(e) =>
            dispatch({ type: 'filters', filters: { status: e.target.value as StatusFilter } })
          }
        >
          <option value="all">All</option>
          <option value="success">Success</option>
          <option value="error">Errors</option>
        </select>
      </div>
      <div className="panel-tools">
        <select
          className="grow"
          value={state.filters.sort}
          aria-label="Sort history"
          onChange={(e) =>
            dispatch({ type: 'filters', filters: { sort: e.target.value as SortKey } })
          }
        >
          {(Object.keys(SORTS) as SortKey[]).map((key) => (
            <option key={key} value={key}>
              {SORTS[key].label}
            </option>
          ))}
        </select>
        <select
          value={state.filters.range}
          aria-label="Time range"
          onChange={(e) =>
            dispatch({ type: 'filters', filters: { range: e.target.value as TimeRange } })
          }
        >
          {RANGES.map((r) => (
            <option key={r.value} value={r.value}>
              {r.label}
            </option>
          ))}
        </select>
      </div>
      {view === 'all' && (
        <div className="panel-tools">
          <select
            className="grow"
            value={state.filters.connectionId}
            aria-label="Connection filter"
            onChange={(e) =>
              dispatch({ type: 'filters', filters: { connectionId: e.target.value } })
            }
          >
            <option value="all">All connections</option>
            {connections.map((c) => (
              <option key={c.id} value={c.id}>
                {connectionLabel(c)}
              </option>
            ))}
          </select>
        </div>
      )}
      {state.filters.range === 'custom' && (
        <div className="panel-tools">
          <input
            type="datetime-local"
            aria-label="From"
            value={state.filters.from}
            onChange={(e) => dispatch({ type: 'filters', filters: { from: e.target.value } })}
          />
          <span className="muted">–</span>
          <input
            type="datetime-local"
            aria-label="To"
            value={state.filters.to}
            onChange={(e) => dispatch({ type: 'filters', filters: { to: e.target.value } })}
          />
        </div>
      )}
      <div className="panel-tools">
        <span className="muted">{exporting ? 'Exporting…' : 'Export'}</span>
        <button
          type="button"
          aria-label="Export CSV"
          onClick={() => void exportAs('csv')}
          disabled={exporting !== null || state.items.length === 0}
          title="Every entry of this view and these filters, in this order, as CSV"
        >
          CSV
        </button>
        <button
          type="button"
          aria-label="Export JSON"
          onClick={() => void exportAs('json')}
          disabled={exporting !== null || state.items.length === 0}
          title="Every entry of this view and these filters, in this order, as the studio's JSON"
        >
          JSON
        </button>
        <span className="spacer" />
        {confirmClear ? (
          <>
            <span className="muted">Clear all history?</span>
            <button type="button" className="danger" onClick={clearAll}>
              Clear
            </button>
            <button type="button" onClick={() => setConfirmClear(false)}>
              Cancel
            </button>
          </>
        ) : (
          <button
            type="button"
            onClick={() => setConfirmClear(true)}
            disabled={state.items.length === 0}
          >
            Clear all…
          </button>
        )}
      </div>
      {state.error && <div className="panel-note error">{state.error}</div>}
      <div className="history-list" ref={list} onScroll={loadMoreIfNearEnd}>
        {state.items.map((entry) => (
          <div key={entry.id} className="history-item" data-testid="history-item">
            <button
              type="button"
              className="history-open"
              onClick={() => onOpen(entry)}
              title="Open in a new tab"
            >
              <code className="history-query">{entry.query}</code>
              <span className="history-meta">
                <span className={`dot ${entry.status}`} title={entry.status} />
                {formatWhen(entry.executedAt)}
                {entry.executionTimeMs !== null && ` · ${Math.round(entry.executionTimeMs)} ms`}
                {entry.status === 'success'
                  ? ` · ${entry.rowCount ?? 0} rows`
                  : ` · ${entry.errorMessage ?? 'error'}`}
                {` · ${entry.connectionName ?? entry.connectionId ?? '—'}`}
              </span>
            </button>
            <button
              type="button"
              className="icon-button"
              aria-label="Delete entry"
              title="Delete"
              onClick={() => remove(entry.id)}
            >
              ×
            </button>
          </div>
        ))}
        {state.loading && <div className="panel-note">Loading…</div>}
        {!state.loading && state.items.length === 0 && (
          <div className="panel-note">
            {isFiltered(state.filters) ? 'No matching queries.' : 'No queries yet.'}
            {view === 'connection' && (
              <span className="muted">
                {' '}
                (on {activeConnection.name}; “All connections” shows every one)
              </span>
            )}
          </div>
        )}
      </div>
    </div>
  );
}
