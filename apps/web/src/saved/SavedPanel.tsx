import type { SavedQueryRecord } from '@platform/storage';
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { typeLabel } from '../connections/types.ts';
import { useStorage } from '../storage/StorageContext.tsx';
import {
  initialSavedState,
  isSavedFiltered,
  savedReducer,
  searchRequest,
  tagChips,
} from './savedState.ts';

const SEARCH_DEBOUNCE_MS = 250;

export interface SavedPanelProps {
  /** The active connection's database type: "only <type> queries" lists those. */
  connectionType: string;
  onOpen(query: SavedQueryRecord): void;
  onEdit(query: SavedQueryRecord): void;
}

function formatWhen(date: Date): string {
  const sameDay = date.toDateString() === new Date().toDateString();
  return sameDay
    ? date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
    : date.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'short' });
}

/** Saved queries: search, every-tag filter, open, edit, delete; live across browser tabs. */
export function SavedPanel({ connectionType, onOpen, onEdit }: SavedPanelProps) {
  const storageState = useStorage();
  const storage = storageState.phase === 'ready' ? storageState.storage : null;
  const viewer = storageState.phase === 'ready' && storageState.user.role === 'viewer';
  const [state, dispatch] = useReducer(savedReducer, connectionType, (type) => ({
    ...initialSavedState,
    connectionType: type,
  }));
  const latest = useRef(state);
  latest.current = state;
  const [search, setSearch] = useState('');
  const [confirming, setConfirming] = useState<string | null>(null);

  const load = useCallback(async () => {
    const s = latest.current;
    if (!storage) return;
    dispatch({ type: 'request' });
    try {
      // Tag counts are over all queries, not the filtered ones: chips must not vanish on click.
      const [items, tagCounts] = await Promise.all([
        storage.savedQueries.list(searchRequest(s.filters, s.connectionType)),
        storage.savedQueries.tags(),
      ]);
      dispatch({ type: 'loaded', generation: s.generation, items, tagCounts });
    } catch (error) {
      dispatch({ type: 'failed', generation: s.generation, message: String(error) });
    }
  }, [storage]);

  useEffect(() => {
    void load();
  }, [load, state.generation]);

  useEffect(() => {
    dispatch({ type: 'connectionType', connectionType });
  }, [connectionType]);

  // Saves and deletes from this tab or any other browser tab.
  useEffect(() => {
    if (!storage) return;
    return storage.subscribe(({ table }) => {
      if (table === 'saved_queries') dispatch({ type: 'refresh' });
    });
  }, [storage]);

  useEffect(() => {
    const timer = setTimeout(() => dispatch({ type: 'search', search }), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [search]);

  const remove = async (id: string) => {
    setConfirming(null);
    if (!storage) return;
    dispatch({ type: 'removed', id });
    await storage.savedQueries.delete(id).catch((error: unknown) => {
      dispatch({ type: 'failed', generation: latest.current.generation, message: String(error) });
      dispatch({ type: 'refresh' });
    });
  };

  if (storageState.phase === 'loading') {
    return <div className="panel-note">Opening saved queries…</div>;
  }
  if (storageState.phase === 'error') {
    return (
      <div className="panel-note error">Saved queries are unavailable: {storageState.message}</div>
    );
  }

  const chips = tagChips(state);
  const filtered = isSavedFiltered(state.filters);
  const readOnlyTitle = 'Viewers cannot change saved queries';
  return (
    <div className="history" data-testid="saved-panel">
      <div className="panel-tools">
        <input
          type="search"
          placeholder="Search name, description, SQL…"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          aria-label="Search saved queries"
        />
      </div>
      <div className="panel-tools">
        <label className="inline">
          <input
            type="checkbox"
            checked={state.filters.onlyType}
            onChange={(e) => dispatch({ type: 'onlyType', on: e.currentTarget.checked })}
          />
          Only {typeLabel(connectionType)} queries
        </label>
      </div>
      {chips.length > 0 && (
        <fieldset className="tag-filter" aria-label="Filter by tag">
          {chips.map((c) => (
            <button
              key={c.tag}
              type="button"
              className={`chip tag-chip${c.selected ? ' selected' : ''}`}
              aria-pressed={c.selected}
              data-testid="tag-filter"
              onClick={() => dispatch({ type: 'toggleTag', tag: c.tag })}
            >
              {c.tag} <span className="muted">{c.count}</span>
            </button>
          ))}
        </fieldset>
      )}
      {state.error && <div className="panel-note error">{state.error}</div>}
      <div className="history-list">
        {state.items?.map((q) => (
          <div key={q.id} className="history-item" data-testid="saved-item">
            <button
              type="button"
              className="history-open"
              onClick={() => onOpen(q)}
              title="Open in a tab"
            >
              <strong className="saved-name">{q.name}</strong>
              {q.description && <span className="saved-description">{q.description}</span>}
              <span className="history-meta">
                {q.connectionType && (
                  <span className="type-badge" data-testid="saved-type">
                    {typeLabel(q.connectionType)}
                  </span>
                )}
                {(q.tags ?? []).length > 0 && `${(q.tags ?? []).map((t) => `#${t}`).join(' ')} · `}
                {formatWhen(q.updatedAt)}
              </span>
            </button>
            {confirming === q.id ? (
              <span className="saved-confirm">
                <button type="button" className="danger" onClick={() => remove(q.id)}>
                  Delete
                </button>
                <button type="button" onClick={() => setConfirming(null)}>
                  Cancel
                </button>
              </span>
            ) : (
              <>
                <button
                  type="button"
                  className="icon-button"
                  aria-label={`Edit ${q.name}`}
                  title={viewer ? readOnlyTitle : 'Edit name, description and tags'}
                  disabled={viewer}
                  onClick={() => onEdit(q)}
                >
                  ✎
                </button>
                <button
                  type="button"
                  className="icon-button"
                  aria-label={`Delete ${q.name}`}
                  title={viewer ? readOnlyTitle : 'Delete'}
                  disabled={viewer}
                  onClick={() => setConfirming(q.id)}
                >
                  ×
                </button>
              </>
            )}
          </div>
        ))}
        {!state.items && <div className="panel-note">Loading…</div>}
        {state.items?.length === 0 && (
          <div className="panel-note">
            {filtered ? 'No matching saved queries.' : 'No saved queries yet: Ctrl+S saves a tab.'}
          </div>
        )}
      </div>
    </div>
  );
}
