import type { SavedQueryRecord } from '@platform/storage';
import { describe, expect, it } from 'vitest';
import { initialTabs, tabsReducer } from '../tabs/tabsState.ts';
import {
  initialSavedState,
  isSavedFiltered,
  planSave,
  savedReducer,
  searchRequest,
  tabShowing,
  tagChips,
} from './savedState.ts';

const query = (id: string, tags: string[] = []): SavedQueryRecord => ({
  id,
  name: `Query ${id}`,
  query: `select '${id}'`,
  description: null,
  connectionType: null,
  tags,
  createdAt: new Date(0),
  updatedAt: new Date(0),
  extra: null,
});

describe('savedReducer', () => {
  it("filters by the active connection's type when asked, following connection switches", () => {
    let s = savedReducer(initialSavedState, { type: 'connectionType', connectionType: 'mysql' });
    expect(searchRequest(s.filters, s.connectionType)).toEqual({});
    expect(s.generation).toBe(0);

    s = savedReducer(s, { type: 'onlyType', on: true });
    expect(s.generation).toBe(1);
    expect(searchRequest(s.filters, s.connectionType)).toEqual({ connectionType: 'mysql' });
    expect(isSavedFiltered(s.filters)).toBe(true);

    // Another connection of another type: the list reloads for it.
    s = savedReducer(s, { type: 'connectionType', connectionType: 'postgres' });
    expect(s.generation).toBe(2);
    expect(searchRequest(s.filters, s.connectionType)).toEqual({ connectionType: 'postgres' });
    expect(savedReducer(s, { type: 'connectionType', connectionType: 'postgres' })).toBe(s);
    expect(savedReducer(s, { type: 'onlyType', on: true })).toBe(s);

    s = savedReducer(s, { type: 'onlyType', on: false });
    expect(searchRequest(s.filters, s.connectionType)).toEqual({});
    expect(isSavedFiltered(s.filters)).toBe(false);
  });

  it('toggles tags (every selected one must match) and builds the list request', () => {
    let s = savedReducer(initialSavedState, { type: 'toggleTag', tag: 'reports' });
    s = savedReducer(s, { type: 'toggleTag', tag: 'daily' });
    s = savedReducer(s, { type: 'search', search: '  orders ' });
    expect(searchRequest(s.filters)).toEqual({ text: 'orders', tags: ['reports', 'daily'] });
    s = savedReducer(s, { type: 'toggleTag', tag: 'reports' });
    expect(s.filters.tags).toEqual(['daily']);
    s = savedReducer(s, { type: 'clearTags' });
    s = savedReducer(s, { type: 'search', search: ' ' });
    expect(searchRequest(s.filters)).toEqual({});
  });

  it('drops answers to older filters and keeps items shown while reloading', () => {
    const loaded = savedReducer(initialSavedState, {
      type: 'loaded',
      generation: 0,
      items: [query('a')],
      tagCounts: [],
    });
    const searching = savedReducer(loaded, { type: 'search', search: 'x' });
    expect(searching.generation).toBe(1);
    expect(searching.items?.map((q) => q.id)).toEqual(['a']);
    const stale = savedReducer(searching, {
      type: 'loaded',
      generation: 0,
      items: [query('stale')],
      tagCounts: [],
    });
    expect(stale).toBe(searching);
    expect(savedReducer(searching, { type: 'failed', generation: 0, message: 'x' })).toBe(
      searching,
    );
    // The same search again (debounce firing with unchanged text) does not reload.
    expect(savedReducer(searching, { type: 'search', search: 'x' })).toBe(searching);
  });

  it('refreshes with the same filters and removes deleted items at once', () => {
    const loaded = savedReducer(initialSavedState, {
      type: 'loaded',
      generation: 0,
      items: [query('a'), query('b')],
      tagCounts: [],
    });
    const refreshed = savedReducer(loaded, { type: 'refresh' });
    expect(refreshed.generation).toBe(1);
    expect(refreshed.filters).toBe(loaded.filters);
    expect(savedReducer(loaded, { type: 'removed', id: 'a' }).items?.map((q) => q.id)).toEqual([
      'b',
    ]);
  });

  it('shows every tag in use plus selected tags no longer in use', () => {
    const s = savedReducer(
      {
        ...initialSavedState,
        tagCounts: [
          { tag: 'reports', count: 3 },
          { tag: 'daily', count: 1 },
        ],
      },
      { type: 'toggleTag', tag: 'gone' },
    );
    expect(tagChips(savedReducer(s, { type: 'toggleTag', tag: 'daily' }))).toEqual([
      { tag: 'reports', count: 3, selected: false },
      { tag: 'daily', count: 1, selected: true },
      { tag: 'gone', count: 0, selected: true },
    ]);
  });
});

describe('saving a tab', () => {
  it('updates the saved query a tab came from, and creates one otherwise', () => {
    expect(planSave('s1', 'new')).toEqual({ kind: 'update', id: 's1' });
    expect(planSave(undefined, 'new')).toEqual({ kind: 'create', id: 'new' });
    expect(planSave(null, 'new')).toEqual({ kind: 'create', id: 'new' });
  });

  it('remembers the saved id on the tab, so the next save is an update', () => {
    let tabs = initialTabs('t1', 'demo', 'select 1');
    expect(planSave(tabs.tabs[0]?.savedId, 'n1').kind).toBe('create');
    tabs = tabsReducer(tabs, { type: 'saved', id: 't1', savedId: 's1', name: 'Totals' });
    expect(tabs.tabs[0]).toMatchObject({ savedId: 's1', name: 'Totals' });
    expect(planSave(tabs.tabs[0]?.savedId, 'n2')).toEqual({ kind: 'update', id: 's1' });
  });

  it('finds the tab already showing a saved query', () => {
    let tabs = initialTabs('t1', 'demo');
    tabs = tabsReducer(tabs, { type: 'add', id: 't2', connectionId: 'demo', savedId: 's1' });
    expect(tabShowing(tabs.tabs, 's1')?.id).toBe('t2');
    expect(tabShowing(tabs.tabs, 's2')).toBeUndefined();
  });
});
