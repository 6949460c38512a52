import { describe, expect, it } from 'vitest';
import type { EditorTab } from '../tabs/tabsState.ts';
import {
  normalizedJson,
  pendingWrites,
  pickActiveConnection,
  readWorkspace,
  SAVE_DELAY_MS,
  SAVE_MAX_WAIT_MS,
  saveDelay,
  tabsToRestore,
  workspaceOf,
} from './workspaceState.ts';

const tab = (id: string, connectionId: string, extra: Partial<EditorTab> = {}): EditorTab => ({
  id,
  name: `Tab ${id}`,
  sql: `select '${id}'`,
  connectionId,
  ...extra,
});

describe('readWorkspace', () => {
  it("reads the real studio's tab manager state onto the connection", () => {
    const read = readWorkspace(
      {
        activeTabId: 'q2',
        tabs: [
          { id: 'default', name: 'Query 1', query: 'select 1', type: 'sql' },
          { id: 'q2', name: 'Users', query: 'db.users.find({})', type: 'mongodb' },
        ],
      },
      'mongo-1',
    );
    expect(read).toEqual({
      activeId: 'q2',
      tabs: [
        { id: 'default', name: 'Query 1', sql: 'select 1', connectionId: 'mongo-1' },
        {
          id: 'q2',
          name: 'Users',
          sql: 'db.users.find({})',
          connectionId: 'mongo-1',
          type: 'mongodb',
        },
      ],
    });
  });

  it('skips what it cannot use and falls back to the first tab', () => {
    const read = readWorkspace(
      {
        activeTabId: 'nope',
        tabs: [
          null,
          { name: 'no id', query: 'x' },
          { id: 'a', name: '  ', query: 'select 1', savedId: 'sq-1' },
          { id: 'a', name: 'twice', query: 'select 2' },
          { id: 'b', name: 'no query', query: 42 },
        ],
      },
      'pg',
    );
    expect(read.tabs).toEqual([
      { id: 'a', name: 'Query', sql: 'select 1', connectionId: 'pg', savedId: 'sq-1' },
    ]);
    expect(read.activeId).toBe('a');
    expect(readWorkspace(null, 'pg')).toEqual({ tabs: [], activeId: null });
    expect(readWorkspace({ tabs: 'garbage' }, 'pg')).toEqual({ tabs: [], activeId: null });
  });
});

describe('workspaceOf', () => {
  const tabs = [tab('1', 'pg'), tab('2', 'demo'), tab('3', 'pg', { savedId: 's1', type: 'redis' })];

  it("writes one connection's tabs in the real studio's format, in tab-bar order", () => {
    expect(workspaceOf(tabs, 'pg', '3')).toEqual({
      activeTabId: '3',
      tabs: [
        { id: '1', name: 'Tab 1', query: "select '1'", type: 'sql' },
        { id: '3', name: 'Tab 3', query: "select '3'", type: 'redis', savedId: 's1' },
      ],
    });
  });

  it('takes its first tab as active when the given one is elsewhere, and none when empty', () => {
    expect(workspaceOf(tabs, 'pg', '2').activeTabId).toBe('1');
    expect(workspaceOf(tabs, 'mysql', '1')).toEqual({ activeTabId: '', tabs: [] });
  });

  it('reads back what it wrote', () => {
    const written = workspaceOf(tabs, 'pg', '3');
    const read = readWorkspace(JSON.parse(JSON.stringify(written)), 'pg');
    expect(read.tabs).toEqual([tabs[0], tabs[2]]);
    expect(read.activeId).toBe('3');
  });
});

describe('pendingWrites', () => {
  it('writes each hydrated connection whose tabs changed, and only those', () => {
    const tabs = [tab('1', 'pg'), tab('2', 'demo')];
    const lastActive = new Map([
      ['pg', '1'],
      ['demo', '2'],
    ]);
    const written = new Map([['demo', JSON.stringify(workspaceOf(tabs, 'demo', '2'))]]);

    const writes = pendingWrites(tabs, ['pg', 'demo', 'mysql'], lastActive, written);

    expect(writes.map((w) => w.connectionId)).toEqual(['pg', 'mysql']);
    // A connection whose last tab moved away is written empty, so its tabs do not come back.
    expect(writes[1]?.workspace).toEqual({ activeTabId: '', tabs: [] });
    expect(JSON.parse(writes[0]?.json ?? '')).toEqual(writes[0]?.workspace);
  });

  it('owes nothing right after a restore of an unchanged workspace', () => {
    const saved = {
      activeTabId: 'b',
      tabs: [
        { id: 'a', name: 'A', query: 'select 1', type: 'sql' },
        { id: 'b', name: 'B', query: 'select 2', type: 'sql', extra: 'dropped' },
      ],
    };
    const { tabs, activeId } = readWorkspace(saved, 'pg');
    const written = new Map([['pg', normalizedJson(saved, 'pg')]]);
    expect(pendingWrites(tabs, ['pg'], new Map([['pg', activeId ?? '']]), written)).toEqual([]);
  });

  it('never writes a connection whose saved tabs were not read', () => {
    expect(pendingWrites([tab('1', 'pg')], [], new Map(), new Map())).toEqual([]);
  });
});

describe('pickActiveConnection', () => {
  const ids = ['demo', 'pg-1', 'mysql-1'];

  it('takes the saved active connection when it exists, the demo included', () => {
    expect(pickActiveConnection('mysql-1', ids)).toBe('mysql-1');
    expect(pickActiveConnection('demo', ids)).toBe('demo');
  });

  it('falls back to the first stored connection, then the demo', () => {
    expect(pickActiveConnection(null, ids)).toBe('pg-1');
    expect(pickActiveConnection('deleted', ids)).toBe('pg-1');
    expect(pickActiveConnection(null, ['demo'])).toBe('demo');
  });
});

describe('tabsToRestore', () => {
  it('restores the saved tabs of the active connection', () => {
    const saved = { activeTabId: 'x', tabs: [{ id: 'x', name: 'X', query: 'select 1' }] };
    expect(tabsToRestore(saved, 'pg', 'new')).toEqual({
      tabs: [{ id: 'x', name: 'X', sql: 'select 1', connectionId: 'pg' }],
      activeId: 'x',
    });
  });

  it('opens one empty tab on a connection with nothing saved, and keeps the starter on the demo', () => {
    expect(tabsToRestore(null, 'pg', 'new')).toEqual({
      tabs: [{ id: 'new', name: 'Query 1', sql: '', connectionId: 'pg' }],
      activeId: 'new',
    });
    expect(tabsToRestore(null, 'demo', 'new')).toBeNull();
    expect(tabsToRestore({ activeTabId: 'default', tabs: [] }, 'demo', 'new')).toBeNull();
  });
});

describe('saveDelay', () => {
  it('waits 500 ms after a change, as the real tab manager does', () => {
    expect(saveDelay(1_000, 1_000)).toBe(SAVE_DELAY_MS);
    expect(saveDelay(1_000, 1_400)).toBe(SAVE_DELAY_MS);
  });

  it('never puts a write off more than 2 s after the first change waiting', () => {
    expect(saveDelay(1_000, 1_000 + SAVE_MAX_WAIT_MS - 200)).toBe(200);
    expect(saveDelay(1_000, 1_000 + SAVE_MAX_WAIT_MS)).toBe(0);
    expect(saveDelay(1_000, 1_000 + SAVE_MAX_WAIT_MS + 5_000)).toBe(0);
  });
});
