import type { SavedQuery } from '@platform/storage';
import { useEffect, useState } from 'react';
import { useStorage } from '../storage/StorageContext.tsx';

/** Saved queries, read-only for now (editing them comes later): click one to open it. */
export function SavedPanel({ onOpen }: { onOpen(query: SavedQuery): void }) {
  const state = useStorage();
  const storage = state.phase === 'ready' ? state.storage : null;
  const [queries, setQueries] = useState<SavedQuery[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!storage) return;
    const load = () =>
      storage.getSavedQueries().then(setQueries, (e: unknown) => setError(String(e)));
    void load();
    return storage.subscribe(({ table }) => {
      if (table === 'saved_queries') void load();
    });
  }, [storage]);

  if (state.phase === 'error') return <div className="panel-note error">{state.message}</div>;
  if (!queries) return <div className="panel-note">{error ?? 'Opening saved queries…'}</div>;
  if (queries.length === 0) return <div className="panel-note">No saved queries yet.</div>;
  return (
    <div className="history-list">
      {queries.map((q) => (
        <div key={q.id} className="history-item">
          <button type="button" className="history-open" onClick={() => onOpen(q)}>
            <strong>{q.name}</strong>
            <code className="history-query">{q.query}</code>
            {q.tags && q.tags.length > 0 && (
              <span className="history-meta">{q.tags.join(', ')}</span>
            )}
          </button>
        </div>
      ))}
    </div>
  );
}
