import type { SavedQueryRecord, SavedQuerySearch } from '@platform/storage';

export interface SavedFilters {
  /** Matched against name, description and query text by storage. */
  search: string;
  /** Every one of these must be on a query for it to show. */
  tags: string[];
  /** Only queries saved for the active connection's database type, as the real studio lists. */
  onlyType: boolean;
}

export interface TagCount {
  tag: string;
  count: number;
}

/**
 * The Saved panel's list. Like history, each load carries the `generation` it was asked for, so
 * a slow search answered after the user typed more (or toggled a tag) is dropped, not shown.
 */
export interface SavedListState {
  filters: SavedFilters;
  /** The active connection's database type, for `onlyType`. */
  connectionType: string | null;
  items: SavedQueryRecord[] | null;
  tagCounts: TagCount[];
  loading: boolean;
  error: string | null;
  generation: number;
}

export type SavedAction =
  | { type: 'search'; search: string }
  | { type: 'toggleTag'; tag: string }
  | { type: 'clearTags' }
  | { type: 'onlyType'; on: boolean }
  /** The user switched connection: with `onlyType`, the list is of the new one's type. */
  | { type: 'connectionType'; connectionType: string | null }
  /** Storage changed (here or in another browser tab): load again with the same filters. */
  | { type: 'refresh' }
  | { type: 'request' }
  | { type: 'loaded'; generation: number; items: SavedQueryRecord[]; tagCounts: TagCount[] }
  | { type: 'failed'; generation: number; message: string }
  | { type: 'removed'; id: string };

export const initialSavedState: SavedListState = {
  filters: { search: '', tags: [], onlyType: false },
  connectionType: null,
  items: null,
  tagCounts: [],
  loading: false,
  error: null,
  generation: 0,
};

export function savedReducer(state: SavedListState, action: SavedAction): SavedListState {
  switch (action.type) {
    case 'search':
      if (action.search === state.filters.search) return state;
      return withFilters(state, { ...state.filters, search: action.search });
    case 'toggleTag': {
      const on = state.filters.tags.includes(action.tag);
      const tags = on
        ? state.filters.tags.filter((t) => t !== action.tag)
        : [...state.filters.tags, action.tag];
      return withFilters(state, { ...state.filters, tags });
    }
    case 'clearTags':
      if (state.filters.tags.length === 0) return state;
      return withFilters(state, { ...state.filters, tags: [] });
    case 'onlyType':
      if (action.on === state.filters.onlyType) return state;
      return withFilters(state, { ...state.filters, onlyType: action.on });
    case 'connectionType':
      if (action.connectionType === state.connectionType) return state;
      return state.filters.onlyType
        ? withFilters({ ...state, connectionType: action.connectionType }, state.filters)
        : { ...state, connectionType: action.connectionType };
    case 'refresh':
      return { ...state, generation: state.generation + 1, error: null };
    case 'request':
      return { ...state, loading: true, error: null };
    case 'loaded':
      if (action.generation !== state.generation) return state;
      return { ...state, items: action.items, tagCounts: action.tagCounts, loading: false };
    case 'failed':
      if (action.generation !== state.generation) return state;
      return { ...state, loading: false, error: action.message };
    case 'removed':
      return state.items
        ? { ...state, items: state.items.filter((item) => item.id !== action.id) }
        : state;
  }
}

/** New filters start a new generation but keep the shown items until the new list lands. */
function withFilters(state: SavedListState, filters: SavedFilters): SavedListState {
  return { ...state, filters, generation: state.generation + 1, error: null };
}

/** The `savedQueries.list` request for the current filters (and the active connection's type). */
export function searchRequest(
  filters: SavedFilters,
  connectionType: string | null = null,
): SavedQuerySearch {
  const text = filters.search.trim();
  return {
    ...(text ? { text } : {}),
    ...(filters.tags.length > 0 ? { tags: [...filters.tags] } : {}),
    ...(filters.onlyType && connectionType ? { connectionType } : {}),
  };
}

/** Whether anything narrows the list (the empty state then says "no matching"). */
export function isSavedFiltered(filters: SavedFilters): boolean {
  return filters.search.trim() !== '' || filters.tags.length > 0 || filters.onlyType;
}

/**
 * Chips to show: every tag in use (most used first, as storage orders them), plus any selected
 * tag no query carries any more (deleted elsewhere) so it can still be unselected.
 */
export function tagChips(
  state: Pick<SavedListState, 'filters' | 'tagCounts'>,
): (TagCount & { selected: boolean })[] {
  const selected = new Set(state.filters.tags);
  const chips = state.tagCounts.map((c) => ({ ...c, selected: selected.has(c.tag) }));
  for (const tag of state.filters.tags) {
    if (!state.tagCounts.some((c) => c.tag === tag)) chips.push({ tag, count: 0, selected: true });
  }
  return chips;
}

export type SavePlan = { kind: 'create'; id: string } | { kind: 'update'; id: string };

/**
 * Saving a tab that was saved before (or opened from a saved query) updates that query; any
 * other save creates one. `newId` is passed in so this stays pure.
 */
export function planSave(savedId: string | null | undefined, newId: string): SavePlan {
  return savedId ? { kind: 'update', id: savedId } : { kind: 'create', id: newId };
}

/** The tab already showing a saved query, if any: opening it again focuses that tab. */
export function tabShowing<T extends { id: string; savedId?: string }>(
  tabs: readonly T[],
  savedId: string,
): T | undefined {
  return tabs.find((t) => t.savedId === savedId);
}
