import type { HistoryEntry, HistoryPageRequest } from '@platform/storage';

export type StatusFilter = 'all' | 'success' | 'error';

/** The real studio's two views: the active connection's history, or every connection's. */
export type HistoryView = 'connection' | 'all';

/** An order storage can list by (`history.list`'s `sort`). */
export type HistorySort = NonNullable<HistoryPageRequest['sort']>;

/** The orders the panel offers: by time, duration or rows, each way. */
export type SortKey = 'newest' | 'oldest' | 'longest' | 'shortest' | 'most-rows' | 'fewest-rows';

export const SORTS: Record<SortKey, { label: string; sort: HistorySort }> = {
  newest: { label: 'Newest first', sort: { field: 'executedAt', direction: 'desc' } },
  oldest: { label: 'Oldest first', sort: { field: 'executedAt', direction: 'asc' } },
  longest: { label: 'Longest first', sort: { field: 'executionTime', direction: 'desc' } },
  shortest: { label: 'Shortest first', sort: { field: 'executionTime', direction: 'asc' } },
  'most-rows': { label: 'Most rows first', sort: { field: 'rowCount', direction: 'desc' } },
  'fewest-rows': { label: 'Fewest rows first', sort: { field: 'rowCount', direction: 'asc' } },
};

/** Time ranges offered by the panel; `custom` uses `from`/`to` (datetime-local values). */
export type TimeRange = 'any' | 'hour' | 'day' | 'week' | 'month' | 'custom';

const RANGE_MS: Record<Exclude<TimeRange, 'any' | 'custom'>, number> = {
  hour: 3_600_000,
  day: 86_400_000,
  week: 7 * 86_400_000,
  month: 30 * 86_400_000,
};

export interface HistoryFilters {
  search: string;
  status: StatusFilter;
  /** The active connection's history, or all of it (then narrowed by `connectionId`). */
  view: HistoryView;
  /** In the `all` view: a connection id, or `all`. */
  connectionId: string;
  sort: SortKey;
  range: TimeRange;
  /** `YYYY-MM-DDTHH:mm` in local time, as an `<input type="datetime-local">` gives it; '' for open. */
  from: string;
  to: string;
}

/**
 * The history panel's list: pages loaded so far and the filters they were loaded with. Every
 * request carries the `generation` it was made for, so a page that arrives after the filters
 * changed (a slow search overtaken by typing) is dropped instead of mixed in.
 */
export interface HistoryListState {
  filters: HistoryFilters;
  /** The active tab's connection: what the `connection` view shows. */
  activeConnectionId: string | null;
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
  /** The user switched connection: the `connection` view starts over on the new one. */
  | { type: 'activeConnection'; id: string | null }
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
  filters: {
    search: '',
    status: 'all',
    view: 'connection',
    connectionId: 'all',
    sort: 'newest',
    range: 'any',
    from: '',
    to: '',
  },
  activeConnectionId: null,
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
        activeConnectionId: state.activeConnectionId,
        generation: state.generation + 1,
      };
    case 'activeConnection':
      if (action.id === state.activeConnectionId) return state;
      if (state.filters.view !== 'connection') return { ...state, activeConnectionId: action.id };
      return {
        ...initialHistoryState,
        filters: state.filters,
        activeConnectionId: action.id,
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

/**
 * Whether any filter narrows the list (the empty state then says "no matching"). The view is not
 * one: it says which history is shown.
 */
export function isFiltered(filters: HistoryFilters): boolean {
  return (
    filters.search.trim() !== '' ||
    filters.status !== 'all' ||
    (filters.view === 'all' && filters.connectionId !== 'all') ||
    filters.range !== 'any'
  );
}

/** The connection the list is narrowed to, if any: the active one in its view. */
function connectionOf(state: HistoryListState): string | null {
  if (state.filters.view === 'connection') return state.activeConnectionId;
  return state.filters.connectionId !== 'all' ? state.filters.connectionId : null;
}

/**
 * What the filters and view select, in the chosen order, without paging: the request of
 * `history.exportItems`, and the base of every page's. The default order is not sent, so those
 * requests are the ones the panel always made.
 */
export function listRequest(state: HistoryListState, now = new Date()) {
  const { search, status, sort } = state.filters;
  const connectionId = connectionOf(state);
  return {
    ...(search.trim() ? { search: search.trim() } : {}),
    ...(status !== 'all' ? { status } : {}),
    ...(connectionId !== null ? { connectionId } : {}),
    ...timeBounds(state.filters, now),
    ...(sort !== 'newest' ? { sort: SORTS[sort].sort } : {}),
  };
}

/** A datetime-local value as a Date in local time; null when empty or not a date. */
function localTime(value: string): Date | null {
  if (!value) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** The inclusive time bounds a range stands for, relative to `now` for the "last …" ones. */
export function timeBounds(filters: HistoryFilters, now: Date): { from?: Date; to?: Date } {
  if (filters.range === 'any') return {};
  if (filters.range === 'custom') {
    const from = localTime(filters.from);
    // A "to" minute includes that whole minute, as people read it.
    const to = localTime(filters.to);
    return {
      ...(from ? { from } : {}),
      ...(to ? { to: new Date(to.getTime() + 59_999) } : {}),
    };
  }
  return { from: new Date(now.getTime() - RANGE_MS[filters.range]) };
}

/** The `history.list` request for the next page (or, with `refresh`, the first again). */
export function pageRequest(state: HistoryListState, refresh: boolean, now = new Date()) {
  return {
    // A refresh reloads as many entries as are shown, so the list does not jump back to 50.
    limit: refresh ? Math.min(500, Math.max(PAGE_SIZE, state.items.length)) : PAGE_SIZE,
    cursor: refresh ? null : state.cursor,
    ...listRequest(state, now),
  };
}
