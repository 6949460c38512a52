// Sync end to end, in Node: devices (real storage on real PGlite) ⇄ the real server (real
// PostgreSQL) ⇄ Electric's test double. What a user of two browsers relies on.
import { describe, expect, it } from 'vitest';
import { checksum, type Device, snapshot } from './sync-harness.ts';
import { useSyncHarness } from './use-sync-harness.ts';

const ctx = useSyncHarness();

const SOON = { timeout: 30_000, interval: 100 };

/** Waits until the device and the server hold exactly the same data of the user. */
async function converged(userId: string, ...devices: Device[]) {
  await expect
    .poll(async () => {
      const server = await checksum(ctx.harness.sql, userId);
      const local = await Promise.all(devices.map((d) => checksum(d.pg, userId)));
      return local.every((sum) => sum === server);
    }, SOON)
    .toBe(true);
  const server = await snapshot(ctx.harness.sql, userId);
  for (const device of devices) expect(await snapshot(device.pg, userId)).toEqual(server);
}

async function outbox(device: Device): Promise<number> {
  const { rows } = await device.pg.query<{ n: number }>(
    'select count(*)::int as n from sync_outbox',
  );
  return rows[0]?.n ?? 0;
}

describe('sync between devices', () => {
  it('uploads a browser-only profile when sync is turned on, and a new browser gets it all back', async () => {
    const account = await ctx.harness.account('ada');
    const laptop = await ctx.harness.device('laptop');
    // Weeks of browser-only use before sync existed for this person.
    await laptop.storage.addToHistory({
      id: 'h-old',
      connectionId: 'demo',
      query: 'select 1',
      executionTime: 2,
      status: 'success',
      executedAt: new Date('2026-10-01T10:00:00Z'),
    });
    await laptop.storage.saveQuery({
      id: 'q-report',
      name: 'Monthly report',
      query: 'select * from orders',
      connectionType: 'postgres',
      tags: ['finance'],
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    await laptop.storage.saveConnection({
      id: 'c-warehouse',
      name: 'Warehouse',
      type: 'postgres',
      host: 'db.internal',
      port: 5432,
      user: 'analyst',
      password: 'hunter2',
      createdAt: new Date(),
    });
    await laptop.storage.preferences.patch({ theme: 'dark', editorFontSize: 16 });

    const client = await laptop.enableSync('ada', account.password);
    await client.syncNow();

    // The profile is now the account here, with its data, and the server has all of it.
    expect((await laptop.storage.currentUser()).id).toBe(account.id);
    await converged(account.id, laptop);
    expect((await laptop.storage.getConnections())[0]?.password).toBe('hunter2');
    const { rows } = await ctx.harness.sql.query(
      'select count(*)::int as n from connections where user_id = $1',
      [account.id],
    );
    expect(rows[0].n).toBe(1);
    // The password never left the device: the server's row has no password anywhere.
    const serverRows = JSON.stringify(await snapshot(ctx.harness.sql, account.id));
    expect(serverRows).not.toContain('hunter2');

    // A new browser: its untouched default profile becomes the account, and nothing of it wins.
    const desktop = await ctx.harness.device('desktop');
    const second = await desktop.enableSync('ada', account.password);
    await second.syncNow();
    await converged(account.id, laptop, desktop);
    expect((await desktop.storage.getSavedQueries()).map((q) => q.name)).toEqual([
      'Monthly report',
    ]);
    expect((await desktop.storage.getHistory()).map((h) => h.id)).toEqual(['h-old']);
    expect(await desktop.storage.preferences.get()).toMatchObject({
      theme: 'dark',
      editorFontSize: 16,
    });
    // The connection came without its password: that stays in the first browser's vault.
    expect((await desktop.storage.getConnections())[0]).toMatchObject({ name: 'Warehouse' });
    expect((await desktop.storage.getConnections())[0]?.password).toBeUndefined();

    // Turning sync on again uploads nothing twice.
    const mutationsBefore = await ctx.harness.sql.query(
      'select count(*)::int as n from sync_mutations',
    );
    await client.stop();
    await laptop.enableSync('ada', account.password);
    await laptop.client?.syncNow();
    await converged(account.id, laptop, desktop);
    const counts = await ctx.harness.sql.query(
      `select (select count(*) from query_logs where user_id = $1)::int as history,
              (select count(*) from saved_queries where user_id = $1)::int as saved`,
      [account.id],
    );
    expect(counts.rows[0]).toEqual({ history: 1, saved: 1 });
    const mutationsAfter = await ctx.harness.sql.query(
      'select count(*)::int as n from sync_mutations',
    );
    // Re-sent rows were answered "already there", not applied again.
    expect(mutationsAfter.rows[0].n).toBeGreaterThanOrEqual(mutationsBefore.rows[0].n);
    expect(await outbox(laptop)).toBe(0);

    await laptop.close();
    await desktop.close();
  });

  it('brings a change on one device to the other, live', async () => {
    const account = await ctx.harness.account('bob');
    const a = await ctx.harness.device('a');
    const b = await ctx.harness.device('b');
    await (await a.enableSync('bob', account.password)).syncNow();
    await (await b.enableSync('bob', account.password)).syncNow();

    await a.storage.saveQuery({
      id: 'live-1',
      name: 'From A',
      query: 'select 42',
      connectionType: 'postgres',
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    await expect
      .poll(async () => (await b.storage.getSavedQueries()).map((q) => q.name), SOON)
      .toEqual(['From A']);
    await b.storage.deleteSavedQuery('live-1');
    await expect.poll(async () => (await a.storage.getSavedQueries()).length, SOON).toBe(0);
    // The delete travelled as a tombstone: the row is there, deleted, on every copy.
    const { rows } = await ctx.harness.sql.query(
      'select deleted_at is not null as deleted from saved_queries where id = $1',
      ['live-1'],
    );
    expect(rows).toEqual([{ deleted: true }]);
    await converged(account.id, a, b);
    await a.close();
    await b.close();
  });

  it('converges concurrent offline edits of one row to the last write, on both devices', async () => {
    const account = await ctx.harness.account('cleo');
    const a = await ctx.harness.device('a');
    const b = await ctx.harness.device('b');
    await (await a.enableSync('cleo', account.password)).syncNow();
    await (await b.enableSync('cleo', account.password)).syncNow();
    const base = {
      query: 'select 1',
      connectionType: 'postgres' as const,
      createdAt: new Date(),
      updatedAt: new Date(),
    };
    await a.storage.saveQuery({ id: 'doc', name: 'Original', ...base });
    await a.client?.syncNow();
    await expect.poll(async () => (await b.storage.getSavedQueries()).length, SOON).toBe(1);

    a.network.setOffline(true);
    b.network.setOffline(true);
    await a.storage.saveQuery({ id: 'doc', name: 'Edited on A', ...base });
    await a.storage.addToHistory({
      id: 'ha',
      connectionId: 'demo',
      query: 'a',
      executionTime: 1,
      status: 'success',
      executedAt: new Date(),
    });
    // Later by more than two devices' clock offsets can disagree (each known within half a
    // round trip): the order the spec is about is the one the writes were made in.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await b.storage.saveQuery({ id: 'doc', name: 'Edited on B, later', ...base });
    await b.storage.addToHistory({
      id: 'hb',
      connectionId: 'demo',
      query: 'b',
      executionTime: 1,
      status: 'success',
      executedAt: new Date(),
    });
    // Offline, each keeps working and shows its own edit.
    expect((await a.storage.getSavedQueries())[0]?.name).toBe('Edited on A');
    expect(a.client?.status.pending).toBeGreaterThan(0);

    // B comes back first, then A: A's older edit must not win for arriving last.
    b.network.setOffline(false);
    await b.client?.syncNow();
    a.network.setOffline(false);
    await a.client?.syncNow();

    await converged(account.id, a, b);
    expect((await a.storage.getSavedQueries())[0]?.name).toBe('Edited on B, later');
    expect((await b.storage.getHistory()).map((h) => h.id).sort()).toEqual(['ha', 'hb']);
    await a.close();
    await b.close();
  });

  it('never brings a deleted row back with an older edit from another device', async () => {
    const account = await ctx.harness.account('dan');
    const a = await ctx.harness.device('a');
    const b = await ctx.harness.device('b');
    await (await a.enableSync('dan', account.password)).syncNow();
    await (await b.enableSync('dan', account.password)).syncNow();
    const base = {
      query: 'select 1',
      connectionType: 'postgres' as const,
      createdAt: new Date(),
      updatedAt: new Date(),
    };
    await a.storage.saveQuery({ id: 'gone', name: 'Soon deleted', ...base });
    await a.client?.syncNow();
    await expect.poll(async () => (await b.storage.getSavedQueries()).length, SOON).toBe(1);

    b.network.setOffline(true);
    await b.storage.saveQuery({ id: 'gone', name: 'Edited before the delete', ...base });
    // Later by more than two devices' clock offsets can disagree (each known within half a
    // round trip): the order the spec is about is the one the writes were made in.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await a.storage.deleteSavedQuery('gone');
    await a.client?.syncNow();
    b.network.setOffline(false);
    await b.client?.syncNow();

    await converged(account.id, a, b);
    expect(await b.storage.getSavedQueries()).toEqual([]);
    expect(await a.storage.getSavedQueries()).toEqual([]);
    await a.close();
    await b.close();
  });

  it('resumes each shape from where it stood after a restart, without downloading everything again', async () => {
    const account = await ctx.harness.account('eve');
    const a = await ctx.harness.device('a');
    const client = await a.enableSync('eve', account.password);
    for (let i = 0; i < 20; i++) {
      await a.storage.addToHistory({
        id: `r${i}`,
        connectionId: 'demo',
        query: `select ${i}`,
        executionTime: 1,
        status: 'success',
        executedAt: new Date(),
      });
    }
    await client.syncNow();
    await client.stop();
    const { rows: positions } = await a.pg.query<{ table_name: string; offset: string }>(
      'select table_name, "offset" from sync_shapes order by table_name',
    );
    expect(positions.map((p) => p.table_name)).toEqual([
      'connections',
      'platform_users',
      'query_logs',
      'saved_queries',
      'studio_documents',
    ]);

    const before = ctx.harness.electric.requests.length;
    const restarted = await a.startSync();
    await restarted.syncNow();
    const asked = ctx.harness.electric.requests.slice(before);
    // No request of the restarted client started a shape over (offset -1).
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.filter((r) => r.url.searchParams.get('offset') === '-1')).toEqual([]);
    await a.close();
  });
});
