import type { HistoryEntry } from '@platform/storage';

export type StatusFilter = 'all' | 'success' | 'error';

export interface HistoryFilters {
  search: string;
  status: StatusFilter;
}

/**
 * The history panel's list: pages loaded so far and the filters they were loaded with. Every
 * request carries the `generation` it was made for, so a page that arrives after the filters
 * changed (a slow search overtaken by typing) is dropped instead of mixed in.
 */
export interface HistoryListState {
  filters: HistoryFilters;
  items: HistoryEntry[];
  /** Cursor of the next page; null once the last page is in. */
  cursor: string | null;
  done: boolean;
  loading: boolean;
  error: string | null;
  generation: number;
}

export type HistoryAction =
  | { type: 'filters'; filters: Partial<HistoryFilters> }
  /** Reload from the first page with the same filters (another tab wrote, or storage opened). */
  | { type: 'refresh' }
  | { type: 'request' }
  | {
      type: 'loaded';
      generation: number;
      /** True when this page replaces the list (a refresh) rather than extending it. */
      replace: boolean;
      items: HistoryEntry[];
      nextCursor: string | null;
    }
  | { type: 'failed'; generation: number; message: string }
  | { type: 'removed'; id: string }
  | { type: 'cleared' };

export const PAGE_SIZE = 50;

export const initialHistoryState: HistoryListState = {
  filters: { search: '', status: 'all' },
  items: [],
  cursor: null,
  done: false,
  loading: false,
  error: null,
  generation: 0,
};

export function historyReducer(state: HistoryListState, action: HistoryAction): HistoryListState {
  switch (action.type) {
    case 'filters':
      return {
        ...initialHistoryState,
        filters: { ...state.filters, ...action.filters },
        generation: state.generation + 1,
      };
    case 'refresh':
      return { ...state, generation: state.generation + 1, loading: false, error: null };
    case 'request':
      return { ...state, loading: true, error: null };
    case 'loaded':
      if (action.generation !== state.generation) return state;
      return {
        ...state,
        items: action.replace ? action.items : dedupe([...state.items, ...action.items]),
        cursor: action.nextCursor,
        done: action.nextCursor === null,
        loading: false,
      };
    case 'failed':
      if (action.generation !== state.generation) return state;
      return { ...state, loading: false, error: action.message };
    case 'removed':
      return { ...state, items: state.items.filter((item) => item.id !== action.id) };
    case 'cleared':
      return { ...state, items: [], cursor: null, done: true };
  }
}

/** Entries added while paging shift later pages; an id seen already is not shown twice. */
function dedupe(items: HistoryEntry[]): HistoryEntry[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    if (seen.has(item.id)) return false;
    seen.add(item.id);
    return true;
  });
}

/** The `history.list` request for the next page (or, with `refresh`, the first again). */
export function pageRequest(state: HistoryListState, refresh: boolean) {
  const { search, status } = state.filters;
  return {
    // A refresh reloads as many entries as are shown, so the list does not jump back to 50.
    limit: refresh ? Math.min(500, Math.max(PAGE_SIZE, state.items.length)) : PAGE_SIZE,
    cursor: refresh ? null : state.cursor,
    ...(search.trim() ? { search: search.trim() } : {}),
    ...(status !== 'all' ? { status } : {}),
  };
}
