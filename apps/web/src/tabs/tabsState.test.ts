import { describe, expect, it } from 'vitest';
import { initialTabs, tabsReducer } from './tabsState.ts';

describe('tabsReducer', () => {
  it('adds numbered tabs and activates them', () => {
    let s = initialTabs('t1', 'demo');
    s = tabsReducer(s, { type: 'add', id: 't2', connectionId: 'demo' });
    s = tabsReducer(s, {
      type: 'add',
      id: 't3',
      connectionId: 'pg',
      sql: 'select 1',
      name: 'Mine',
    });
    expect(s.tabs.map((t) => t.name)).toEqual(['Query 1', 'Query 2', 'Mine']);
    expect(s.activeId).toBe('t3');
  });

  it('closing the active tab activates its neighbour; closing the last leaves an empty one', () => {
    let s = initialTabs('t1', 'demo');
    s = tabsReducer(s, { type: 'add', id: 't2', connectionId: 'demo' });
    s = tabsReducer(s, { type: 'close', id: 't2', newId: 'n1', connectionId: 'demo' });
    expect(s.activeId).toBe('t1');
    s = tabsReducer(s, { type: 'close', id: 't1', newId: 'n2', connectionId: 'demo' });
    expect(s.tabs).toEqual([{ id: 'n2', name: 'Query 3', sql: '', connectionId: 'demo' }]);
    expect(s.activeId).toBe('n2');
  });

  it('renames (ignoring blank names), edits and reconnects one tab', () => {
    let s = initialTabs('t1', 'demo');
    s = tabsReducer(s, { type: 'rename', id: 't1', name: '  Orders  ' });
    s = tabsReducer(s, { type: 'rename', id: 't1', name: '   ' });
    s = tabsReducer(s, { type: 'edit', id: 't1', sql: 'select 2' });
    s = tabsReducer(s, { type: 'connect', id: 't1', connectionId: 'pg' });
    expect(s.tabs[0]).toEqual({ id: 't1', name: 'Orders', sql: 'select 2', connectionId: 'pg' });
  });

  describe('restore', () => {
    const saved = [
      { id: 'a', name: 'Orders', sql: 'select 1', connectionId: 'pg' },
      { id: 'b', name: 'Query 4', sql: 'select 2', connectionId: 'pg' },
    ];

    it('replaces the untouched starter tab and activates the saved active tab', () => {
      const s = tabsReducer(initialTabs('t1', 'demo', 'starter'), {
        type: 'restore',
        tabs: saved,
        activeId: 'b',
      });
      expect(s.tabs).toEqual(saved);
      expect(s.activeId).toBe('b');
      expect(s.changed).toBe(false);
      // New tabs are numbered after the restored ones.
      const next = tabsReducer(s, { type: 'add', id: 'c', connectionId: 'pg' });
      expect(next.tabs.at(-1)?.name).toBe('Query 5');
      expect(next.changed).toBe(true);
    });

    it('falls back to the first restored tab when the saved active one is not among them', () => {
      const s = tabsReducer(initialTabs('t1', 'demo'), {
        type: 'restore',
        tabs: saved,
        activeId: 'gone',
      });
      expect(s.activeId).toBe('a');
    });

    it('adds behind the open tabs, keeping the active one, once the user changed anything', () => {
      let s = tabsReducer(initialTabs('t1', 'demo'), { type: 'edit', id: 't1', sql: 'typed' });
      expect(s.changed).toBe(true);
      s = tabsReducer(s, { type: 'restore', tabs: saved, activeId: 'b' });
      expect(s.tabs.map((t) => t.id)).toEqual(['t1', 'a', 'b']);
      expect(s.tabs[0]?.sql).toBe('typed');
      expect(s.activeId).toBe('t1');
      // A tab open already is not added twice.
      expect(tabsReducer(s, { type: 'restore', tabs: saved, activeId: 'a' })).toBe(s);
    });

    it('always adds when told to, even to untouched tabs', () => {
      const s = tabsReducer(initialTabs('t1', 'demo'), {
        type: 'restore',
        tabs: saved,
        activeId: 'b',
        add: true,
      });
      expect(s.tabs.map((t) => t.id)).toEqual(['t1', 'a', 'b']);
      expect(s.activeId).toBe('t1');
    });

    it('leaves the tabs as they are when there is nothing to restore', () => {
      const start = initialTabs('t1', 'demo', 'starter');
      expect(tabsReducer(start, { type: 'restore', tabs: [], activeId: null })).toBe(start);
    });

    it('counts activating the tab already active as no change', () => {
      const start = initialTabs('t1', 'demo');
      expect(tabsReducer(start, { type: 'activate', id: 't1' })).toBe(start);
    });
  });
});
