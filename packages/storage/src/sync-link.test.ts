// What sync mode asks of the storage: every local write stamped and, for a syncing profile,
// queued in the same transaction; a profile linked to a server account with its data; deletes
// that leave tombstones while syncing, and nothing queued for what only concerns this device.
import { encodeText, setSyncApplying, studioDocumentId } from '@platform/schema/browser';
import { describe, expect, it } from 'vitest';
import { ConflictError } from './errors.ts';
import { testStorage, useTestStorage } from './test-support/shared-database.ts';

const ctx = useTestStorage();

const ACCOUNT = { id: 'acct-1', username: 'ada', email: 'ada@example.com', role: 'user' } as const;
const STAMP = /^\d{21}[0-9a-f]{16}$/;

async function rows<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  return (await ctx.database.pg.query<T>(sql, params)).rows;
}
const outbox = () =>
  rows<{ table_name: string; row_id: string; user_id: string; op: string; hlc: string }>(
    'select table_name, row_id, user_id, op, hlc from sync_outbox order by seq',
  );

const saved = (id: string, name = 'Report') => ({
  id,
  name,
  query: 'select 1',
  connectionType: 'postgres' as const,
  createdAt: new Date(),
  updatedAt: new Date(),
});
const chart = (id: string, name = 'Chart') => ({
  id,
  name,
  chartType: 'bar',
  xAxis: 'x',
  yAxis: ['y'],
  createdAt: new Date('2026-11-30T12:00:00Z'),
});
const masking = (enabled: boolean) => ({
  enabled,
  patterns: [],
  roleSettings: {
    admin: { canToggle: true, canReveal: true },
    user: { canToggle: false, canReveal: false },
  },
});
const documents = () =>
  rows<{ id: string; user_id: string; kind: string; key: string; doc: unknown }>(
    'select id, user_id, kind, key, doc from studio_documents order by kind, key',
  );

const history = (id: string) => ({
  id,
  connectionId: 'demo',
  query: `select '${id}'`,
  executionTime: 1,
  status: 'success' as const,
  executedAt: new Date(),
});

describe('local writes', () => {
  it('are stamped with an increasing clock, and queued for nobody while no profile syncs', async () => {
    await ctx.storage.saveQuery(saved('q1'));
    await ctx.storage.saveQuery(saved('q1', 'Renamed'));
    await ctx.storage.addToHistory(history('h1'));

    const stamps = await rows<{ hlc: string }>(
      `select hlc from saved_queries union all select hlc from query_logs`,
    );
    expect(stamps.every((s) => STAMP.test(s.hlc))).toBe(true);
    expect((stamps[1]?.hlc ?? '') > (stamps[0]?.hlc ?? '')).toBe(true);
    expect(await outbox()).toEqual([]);
  });

  it('of a syncing profile are queued in the same transaction, one entry per row', async () => {
    await ctx.storage.linkSyncAccount(ACCOUNT, 'http://sync.example');
    await ctx.database.pg.exec('delete from sync_outbox');

    await ctx.storage.saveQuery(saved('q1'));
    await ctx.storage.saveQuery(saved('q1', 'Renamed'));
    await ctx.storage.addToHistory(history('h1'));
    await ctx.storage.deleteSavedQuery('q1');

    const queued = await outbox();
    expect(queued.map((e) => [e.table_name, e.row_id, e.op])).toEqual([
      ['saved_queries', 'q1', 'upsert'],
      ['query_logs', 'h1', 'upsert'],
    ]);
    // The delete was a tombstone: the row's newest stamp is the one queued.
    const [row] = await rows<{ hlc: string; deleted: boolean }>(
      `select hlc, deleted_at is not null as deleted from saved_queries where id = 'q1'`,
    );
    expect(row?.deleted).toBe(true);
    expect(queued[0]?.hlc).toBe(row?.hlc);
    expect(await ctx.storage.getSavedQueries()).toEqual([]);
  });

  it('that fail leave neither the row nor an outbox entry', async () => {
    await ctx.storage.linkSyncAccount(ACCOUNT, 'http://sync.example');
    await ctx.database.pg.exec('delete from sync_outbox');

    await expect(
      ctx.storage.saveQuery({ ...saved('bad'), name: 42 as unknown as string }),
    ).rejects.toThrow();

    expect(await outbox()).toEqual([]);
  });

  it('made as sync bookkeeping (SYNC_APPLYING_SETTING on) are neither restamped nor queued', async () => {
    await ctx.storage.linkSyncAccount(ACCOUNT, 'http://sync.example');
    await ctx.database.pg.exec('delete from sync_outbox');
    await ctx.database.pg.transaction(async (tx) => {
      await tx.query(setSyncApplying(true));
      await tx.query(
        `insert into saved_queries (id, user_id, name, query, hlc) values ('r1', $1, 'From the server', 'select 2', 'given')`,
        [ACCOUNT.id],
      );
    });
    expect(await rows(`select hlc from saved_queries where id = 'r1'`)).toEqual([{ hlc: 'given' }]);
    expect(await outbox()).toEqual([]);
  });
});

describe('linkSyncAccount', () => {
  it("makes the current profile the account's copy here, with its rows, secrets and sync on", async () => {
    await ctx.storage.saveQuery(saved('q1'));
    await ctx.storage.addToHistory(history('h1'));
    await ctx.storage.saveConnection({
      id: 'c1',
      name: 'Warehouse',
      type: 'postgres',
      host: 'db',
      password: 'hunter2',
      createdAt: new Date(),
    });

    const me = await ctx.storage.linkSyncAccount(ACCOUNT, 'http://sync.example');

    expect(me).toMatchObject({ id: 'acct-1', username: 'ada', role: 'user' });
    expect((await ctx.storage.currentUser()).id).toBe('acct-1');
    expect(await ctx.storage.users.list()).toHaveLength(1);
    expect((await ctx.storage.getSavedQueries()).map((q) => q.id)).toEqual(['q1']);
    expect((await ctx.storage.getConnections())[0]?.password).toBe('hunter2');
    expect(await ctx.storage.syncConfig.get()).toMatchObject({
      syncEnabled: true,
      syncUrl: 'http://sync.example',
    });
    // Everything it owns is queued for upload, each with its own stamp.
    expect((await outbox()).map((e) => `${e.table_name}:${e.row_id}`).sort()).toEqual([
      'connections:c1',
      'query_logs:h1',
      'saved_queries:q1',
    ]);
  });

  it("keeps the account's preferences when this profile's were never touched", async () => {
    await ctx.storage.linkSyncAccount(ACCOUNT, 'http://sync.example');
    const [profile] = await rows<{ hlc: string; preferences: object }>(
      `select hlc, preferences from platform_users`,
    );
    // Unstamped: the server's copy of the row, whatever it holds, is newer.
    expect(profile).toEqual({ hlc: '', preferences: {} });
    expect((await outbox()).some((e) => e.table_name === 'platform_users')).toBe(false);
  });

  it('uploads preferences that were changed here', async () => {
    await ctx.storage.preferences.patch({ theme: 'dark' });
    await ctx.storage.linkSyncAccount(ACCOUNT, 'http://sync.example');
    expect(await ctx.storage.preferences.get()).toMatchObject({ theme: 'dark' });
    expect((await outbox()).some((e) => e.table_name === 'platform_users')).toBe(true);
  });

  it('queues nothing twice when linked again', async () => {
    await ctx.storage.saveQuery(saved('q1'));
    await ctx.storage.linkSyncAccount(ACCOUNT, 'http://sync.example');
    const first = await outbox();

    await ctx.storage.linkSyncAccount(ACCOUNT, 'http://sync.example');

    expect(await outbox()).toEqual(first);
  });

  it('moves the studio documents with the profile, each under the id it has as the account’s', async () => {
    await ctx.storage.saveChart(chart('ch-1'));
    await ctx.storage.setActiveConnectionId('c1');
    await ctx.storage.saveWorkspaceTabs('conn\u0000', { activeTabId: 't', tabs: [] });
    const before = {
      charts: await ctx.storage.getSavedCharts(),
      active: await ctx.storage.getActiveConnectionId(),
      tabs: await ctx.storage.getWorkspaceTabs('conn\u0000'),
    };

    await ctx.storage.linkSyncAccount(ACCOUNT, 'http://sync.example');

    const moved = await documents();
    expect(moved.map((d) => [d.kind, d.user_id])).toEqual([
      ['active_connection_id', 'acct-1'],
      ['saved_chart', 'acct-1'],
      ['workspace_tabs', 'acct-1'],
    ]);
    // The id the database checks, of the new owner (the key in its stored form).
    for (const d of moved) expect(d.id).toBe(studioDocumentId('acct-1', d.kind, d.key));
    expect(moved[2]?.key).toBe(encodeText('conn\u0000'));
    expect(await ctx.storage.getSavedCharts()).toEqual(before.charts);
    expect(await ctx.storage.getActiveConnectionId()).toBe(before.active);
    expect(await ctx.storage.getWorkspaceTabs('conn\u0000')).toEqual(before.tabs);
    // Queued for upload under their new ids, like every other row.
    const queued = (await outbox()).filter((e) => e.table_name === 'studio_documents');
    expect(queued.map((e) => e.row_id).sort()).toEqual(moved.map((d) => d.id).sort());
  });

  it('keeps the later of two copies of a document when the account is on this device already', async () => {
    // The account's copy here, from an earlier session of it on this device.
    await ctx.storage.users.create({ id: 'acct-1', username: 'ada', role: 'user' });
    const other = testStorage(ctx.database).storage;
    await other.switchUser('acct-1');
    // Older than this profile's masking config, newer than its active connection.
    await other.saveMaskingConfig(masking(false));
    await ctx.storage.saveMaskingConfig(masking(true));
    await ctx.storage.setActiveConnectionId('mine');
    await other.setActiveConnectionId('theirs');
    await other.saveChart(chart('only-theirs'));
    await other.close();

    await ctx.storage.linkSyncAccount(ACCOUNT, 'http://sync.example');

    const kept = await documents();
    expect(kept.map((d) => [d.kind, d.user_id])).toEqual([
      ['active_connection_id', 'acct-1'],
      ['masking_config', 'acct-1'],
      ['saved_chart', 'acct-1'],
    ]);
    expect((await ctx.storage.getMaskingConfig()).enabled).toBe(true);
    expect(await ctx.storage.getActiveConnectionId()).toBe('theirs');
    expect((await ctx.storage.getSavedCharts()).map((c) => c.id)).toEqual(['only-theirs']);
    // One entry per surviving document, none for the copies that lost.
    const queued = (await outbox()).filter((e) => e.table_name === 'studio_documents');
    expect(queued.map((e) => e.row_id).sort()).toEqual(kept.map((d) => d.id).sort());
  });

  it('refuses, changing nothing, when another profile here has the account’s name', async () => {
    await ctx.storage.users.create({ username: 'ADA', role: 'user' });
    await ctx.storage.saveQuery(saved('q1'));

    await expect(
      ctx.storage.linkSyncAccount(ACCOUNT, 'http://sync.example'),
    ).rejects.toBeInstanceOf(ConflictError);

    expect((await ctx.storage.currentUser()).id).toBe('local-admin');
    expect(await outbox()).toEqual([]);
    expect((await ctx.storage.syncConfig.get()).syncEnabled).toBe(false);
  });
});

describe('while a profile syncs', () => {
  it('removing another profile from this device queues nothing for the server', async () => {
    const other = testStorage(ctx.database).storage;
    await ctx.storage.users.create({ id: 'synced', username: 'remote', role: 'user' });
    await other.switchUser('synced');
    await other.linkSyncAccount({ ...ACCOUNT, id: 'synced', username: 'remote' }, 'http://s');
    await other.addToHistory(history('h-synced'));
    await other.close();
    await ctx.database.pg.exec('delete from sync_outbox');

    await ctx.storage.users.delete('synced');

    expect(await outbox()).toEqual([]);
    expect(await rows(`select id from sync_config`)).toEqual([]);
  });

  it('forgetSyncedData drops the copy and what waited, to download it all again', async () => {
    await ctx.storage.linkSyncAccount(ACCOUNT, 'http://sync.example');
    await ctx.storage.saveQuery(saved('q1'));
    await ctx.storage.addToHistory(history('h1'));
    await ctx.storage.saveChart(chart('ch-1'));
    await ctx.storage.saveMaskingConfig(masking(false));

    await ctx.storage.forgetSyncedData();

    expect(await ctx.storage.getSavedQueries()).toEqual([]);
    expect(await ctx.storage.getHistory()).toEqual([]);
    expect(await ctx.storage.getSavedCharts()).toEqual([]);
    expect(await documents()).toEqual([]);
    expect(await outbox()).toEqual([]);
    expect((await ctx.storage.currentUser()).id).toBe('acct-1');
    expect(await ctx.storage.syncConfig.get()).toMatchObject({ syncEnabled: true });
  });

  it('turning sync off stops queueing, and deletes are real again', async () => {
    await ctx.storage.linkSyncAccount(ACCOUNT, 'http://sync.example');
    await ctx.storage.syncConfig.set({ syncEnabled: false });
    await ctx.database.pg.exec('delete from sync_outbox');

    await ctx.storage.saveQuery(saved('q1'));
    await ctx.storage.deleteSavedQuery('q1');

    expect(await outbox()).toEqual([]);
    expect(await rows(`select id from saved_queries`)).toEqual([]);
  });
});
