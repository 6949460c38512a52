import type { HistoryEntry } from '@platform/storage';
import { describe, expect, it } from 'vitest';
import { historyReducer, initialHistoryState, PAGE_SIZE, pageRequest } from './historyState.ts';

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
});
