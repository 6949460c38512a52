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
});
