import type { HistoryEntry } from '@platform/storage';
import { describe, expect, it } from 'vitest';
import {
  historyReducer,
  initialHistoryState,
  isFiltered,
  listRequest,
  PAGE_SIZE,
  pageRequest,
  type SortKey,
} from './historyState.ts';

const entry = (id: string): HistoryEntry => ({
  id,
  connectionId: 'demo',
  connectionName: 'Demo',
  tabName: 'Query 1',
  query: `select '${id}'`,
  rowCount: 1,
  executionTimeMs: 1,
  status: 'success',
  errorMessage: null,
  executedAt: new Date(0),
  extra: null,
});

describe('historyReducer', () => {
  it('appends pages, drops duplicates, and is done on the last page', () => {
    let s = historyReducer(initialHistoryState, { type: 'request' });
    expect(s.loading).toBe(true);
    s = historyReducer(s, {
      type: 'loaded',
      generation: 0,
      replace: true,
      items: [entry('a'), entry('b')],
      nextCursor: 'c1',
    });
    expect(pageRequest(s, false)).toEqual({ limit: PAGE_SIZE, cursor: 'c1' });
    s = historyReducer(s, {
      type: 'loaded',
      generation: 0,
      replace: false,
      items: [entry('b'), entry('c')],
      nextCursor: null,
    });
    expect(s.items.map((i) => i.id)).toEqual(['a', 'b', 'c']);
    expect(s.done).toBe(true);
    expect(s.loading).toBe(false);
  });

  it('starts over when the filters change and ignores pages of older filters', () => {
    const loaded = historyReducer(initialHistoryState, {
      type: 'loaded',
      generation: 0,
      replace: true,
      items: [entry('a')],
      nextCursor: 'c1',
    });
    const filtered = historyReducer(loaded, { type: 'filters', filters: { status: 'error' } });
    expect(filtered.items).toEqual([]);
    expect(filtered.generation).toBe(1);
    const late = historyReducer(filtered, {
      type: 'loaded',
      generation: 0,
      replace: false,
      items: [entry('stale')],
      nextCursor: null,
    });
    expect(late).toBe(filtered);
    expect(historyReducer(filtered, { type: 'failed', generation: 0, message: 'x' })).toBe(
      filtered,
    );
  });

  it('builds list requests from the filters', () => {
    const s = historyReducer(initialHistoryState, {
      type: 'filters',
      filters: { search: '  orders ', status: 'error' },
    });
    expect(pageRequest(s, true)).toEqual({
      limit: PAGE_SIZE,
      cursor: null,
      search: 'orders',
      status: 'error',
    });
  });

  it('filters by connection (in the all-connections view) and by a time range ending now', () => {
    const now = new Date('2026-11-25T12:00:00Z');
    const s = historyReducer(initialHistoryState, {
      type: 'filters',
      filters: { view: 'all', connectionId: 'conn-1', range: 'day' },
    });
    expect(pageRequest(s, true, now)).toEqual({
      limit: PAGE_SIZE,
      cursor: null,
      connectionId: 'conn-1',
      from: new Date('2026-11-24T12:00:00Z'),
    });
    expect(isFiltered(s.filters)).toBe(true);
    expect(isFiltered(initialHistoryState.filters)).toBe(false);
  });

  it('takes a custom range in local time, the "to" minute included whole', () => {
    const s = historyReducer(initialHistoryState, {
      type: 'filters',
      filters: { range: 'custom', from: '2026-11-01T08:00', to: '2026-11-02T17:30' },
    });
    const request = pageRequest(s, true);
    expect(request.from).toEqual(new Date(2026, 10, 1, 8, 0));
    expect(request.to).toEqual(new Date(2026, 10, 2, 17, 30, 59, 999));
  });

  it('leaves a custom bound open when it is empty or not a date', () => {
    const s = historyReducer(initialHistoryState, {
      type: 'filters',
      filters: { range: 'custom', from: '', to: 'garbage' },
    });
    const request = pageRequest(s, true);
    expect(request).not.toHaveProperty('from');
    expect(request).not.toHaveProperty('to');
  });

  it('refreshes as many entries as are shown, keeping them until the new page lands', () => {
    const items = Array.from({ length: 120 }, (_, i) => entry(`e${i}`));
    const loaded = historyReducer(initialHistoryState, {
      type: 'loaded',
      generation: 0,
      replace: true,
      items,
      nextCursor: 'c',
    });
    const refreshing = historyReducer(loaded, { type: 'refresh' });
    expect(refreshing.items).toHaveLength(120);
    expect(pageRequest(refreshing, true).limit).toBe(120);
  });

  it('removes one entry or all of them', () => {
    const loaded = historyReducer(initialHistoryState, {
      type: 'loaded',
      generation: 0,
      replace: true,
      items: [entry('a'), entry('b')],
      nextCursor: 'c',
    });
    expect(historyReducer(loaded, { type: 'removed', id: 'a' }).items.map((i) => i.id)).toEqual([
      'b',
    ]);
    expect(historyReducer(loaded, { type: 'cleared' })).toMatchObject({ items: [], done: true });
  });

  describe('views and sorting', () => {
    const onDemo = historyReducer(initialHistoryState, { type: 'activeConnection', id: 'demo' });

    it("shows the active connection's history by default, and every connection's on request", () => {
      expect(pageRequest(onDemo, true)).toEqual({
        limit: PAGE_SIZE,
        cursor: null,
        connectionId: 'demo',
      });
      const all = historyReducer(onDemo, {
        type: 'filters',
        filters: { view: 'all', connectionId: 'pg-1' },
      });
      expect(pageRequest(all, true)).toEqual({
        limit: PAGE_SIZE,
        cursor: null,
        connectionId: 'pg-1',
      });
      const everything = historyReducer(all, { type: 'filters', filters: { connectionId: 'all' } });
      expect(pageRequest(everything, true)).toEqual({ limit: PAGE_SIZE, cursor: null });
      // The view is not a filter; the connection filter of the global view is.
      expect(isFiltered(onDemo.filters)).toBe(false);
      expect(isFiltered(all.filters)).toBe(true);
    });

    it('starts over when the active connection changes in its view, not in the global one', () => {
      const loaded = historyReducer(onDemo, {
        type: 'loaded',
        generation: onDemo.generation,
        replace: true,
        items: [entry('a')],
        nextCursor: 'c1',
      });
      const switched = historyReducer(loaded, { type: 'activeConnection', id: 'pg-1' });
      expect(switched.items).toEqual([]);
      expect(switched.generation).toBe(loaded.generation + 1);
      expect(pageRequest(switched, true).connectionId).toBe('pg-1');
      expect(historyReducer(switched, { type: 'activeConnection', id: 'pg-1' })).toBe(switched);

      const global = historyReducer(loaded, { type: 'filters', filters: { view: 'all' } });
      const unchanged = historyReducer(global, { type: 'activeConnection', id: 'mysql-1' });
      expect(unchanged.generation).toBe(global.generation);
      expect(unchanged.activeConnectionId).toBe('mysql-1');
      // Back in its view, the list is of the connection active now.
      const back = historyReducer(unchanged, { type: 'filters', filters: { view: 'connection' } });
      expect(pageRequest(back, true).connectionId).toBe('mysql-1');
    });

    it('sends the order chosen, and none for newest first (the request it always was)', () => {
      const sortOf = (sort: SortKey) =>
        pageRequest(historyReducer(onDemo, { type: 'filters', filters: { sort } }), false).sort;
      expect(sortOf('longest')).toEqual({ field: 'executionTime', direction: 'desc' });
      expect(sortOf('shortest')).toEqual({ field: 'executionTime', direction: 'asc' });
      expect(sortOf('most-rows')).toEqual({ field: 'rowCount', direction: 'desc' });
      expect(sortOf('fewest-rows')).toEqual({ field: 'rowCount', direction: 'asc' });
      expect(sortOf('oldest')).toEqual({ field: 'executedAt', direction: 'asc' });
      expect(pageRequest(onDemo, false)).not.toHaveProperty('sort');
    });

    it('exports what the view, filters and order select, without paging', () => {
      const now = new Date('2026-11-25T12:00:00Z');
      const s = historyReducer(onDemo, {
        type: 'filters',
        filters: { sort: 'most-rows', status: 'success', search: ' orders ', range: 'hour' },
      });
      expect(listRequest(s, now)).toEqual({
        search: 'orders',
        status: 'success',
        connectionId: 'demo',
        from: new Date('2026-11-25T11:00:00Z'),
        sort: { field: 'rowCount', direction: 'desc' },
      });
    });
  });
});
