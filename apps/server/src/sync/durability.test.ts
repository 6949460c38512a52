// What must survive: the outbox across a restart of the browser, a push whose answer is lost,
// a server killed in the middle of a push, and a device clock an hour off.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryCryptoKeyStore, MemoryKeyValueStore } from '@platform/storage';
import { SyncServerApi } from '@platform/sync';
import { startElectricDouble } from '@platform/testing/electric-double';
import { createDatabase } from '@platform/testing/postgres';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { migrateServerDatabase, openPool } from '../db/database.ts';
import { TEST_JWT_SECRET } from '../test-support.ts';
import { checksum, type Device, DeviceNetwork } from './sync-harness.ts';
import { useSyncHarness } from './use-sync-harness.ts';

const ctx = useSyncHarness();

const SOON = { timeout: 30_000, interval: 100 };

async function outboxSize(device: Device): Promise<number> {
  const { rows } = await device.pg.query<{ n: number }>(
    'select count(*)::int as n from sync_outbox',
  );
  return rows[0]?.n ?? 0;
}

async function addHistory(device: Device, ids: string[]) {
  for (const id of ids) {
    await device.storage.addToHistory({
      id,
      connectionId: 'demo',
      query: `select '${id}'`,
      executionTime: 1,
      status: 'success',
      executedAt: new Date(),
    });
  }
}

async function serverCount(sql: pg.Pool, table: string, userId: string): Promise<number> {
  const { rows } = await sql.query(`select count(*)::int as n from ${table} where user_id = $1`, [
    userId,
  ]);
  return rows[0].n;
}

describe('the outbox', () => {
  it('keeps unsent changes across a restart of the browser, and sends them afterwards', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'sync-device-'));
    const localStorage = new MemoryKeyValueStore();
    const cryptoKeys = new MemoryCryptoKeyStore();
    try {
      const account = await ctx.harness.account('restart');
      const before = await ctx.harness.device('before', { dataDir, localStorage, cryptoKeys });
      await (await before.enableSync('restart', account.password)).syncNow();
      before.network.setOffline(true);
      await addHistory(before, ['o1', 'o2', 'o3']);
      await before.storage.saveQuery({
        id: 'o-saved',
        name: 'Offline work',
        query: 'select 1',
        connectionType: 'postgres',
        createdAt: new Date(),
        updatedAt: new Date(),
      });
      expect(await outboxSize(before)).toBe(4);
      await before.close(); // the tab closes with four changes unsent

      const after = await ctx.harness.device('after', { dataDir, localStorage, cryptoKeys });
      after.network.cookie = before.network.cookie; // the browser kept its session cookie
      expect((await after.storage.currentUser()).id).toBe(account.id);
      expect(await outboxSize(after)).toBe(4);
      const client = await after.startSync();
      await client.syncNow();

      expect(await outboxSize(after)).toBe(0);
      expect(await serverCount(ctx.harness.sql, 'query_logs', account.id)).toBe(3);
      expect(await checksum(after.pg, account.id)).toBe(
        await checksum(ctx.harness.sql, account.id),
      );
      await after.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('applies a push whose answer was lost once, when it is sent again', async () => {
    const account = await ctx.harness.account('lossy');
    const device = await ctx.harness.device('lossy');
    const client = await device.enableSync('lossy', account.password);
    await client.syncNow();
    await client.stop();
    await addHistory(
      device,
      Array.from({ length: 30 }, (_, i) => `l${i}`),
    );
    const mutationsBefore = await ctx.harness.sql.query(
      'select count(*)::int as n from sync_mutations where user_id = $1',
      [account.id],
    );

    // The server applies the batch, but the answer never reaches the device.
    device.network.loseResponsesTo = '/api/sync/push';
    await device.startSync();
    await expect.poll(() => serverCount(ctx.harness.sql, 'query_logs', account.id), SOON).toBe(30);
    expect(await outboxSize(device)).toBe(30);
    device.network.loseResponsesTo = null;
    await device.client?.syncNow();

    expect(await outboxSize(device)).toBe(0);
    expect(await serverCount(ctx.harness.sql, 'query_logs', account.id)).toBe(30);
    const mutationsAfter = await ctx.harness.sql.query(
      'select count(*)::int as n from sync_mutations where user_id = $1',
      [account.id],
    );
    // Each mutation recorded once, however often it was sent.
    expect(mutationsAfter.rows[0].n - mutationsBefore.rows[0].n).toBe(30);
    await device.close();
  });
});

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** apps/server as `pnpm start` runs it, in its own process, so it can be killed for real. */
function startServerProcess(env: Record<string, string>): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, '../main.ts')],
      {
        // tsx is the server package's dependency: resolved from its folder.
        cwd: join(import.meta.dirname, '../..'),
        env: { ...process.env, LOG_LEVEL: 'warn', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    const started = setInterval(async () => {
      try {
        const response = await fetch(`http://127.0.0.1:${env.PORT}/api/sync/status`);
        if (response.ok) {
          clearInterval(started);
          resolve(child);
        }
      } catch {
        // Not listening yet.
      }
    }, 100);
    child.stdout?.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    child.on('exit', (code) => {
      clearInterval(started);
      reject(new Error(`the server exited (${code}) before it listened:\n${output}`));
    });
  });
}

describe('a server killed in the middle of a push', () => {
  it('loses and duplicates nothing: the device sends again, and each change lands once', {
    timeout: 240_000,
  }, async () => {
    const database = await createDatabase(inject('postgresUrl'), 'killed');
    const sql = new pg.Pool({ connectionString: database.url });
    const migrator = openPool(database.url);
    await migrateServerDatabase(migrator).finally(() => migrator.end());
    const electric = await startElectricDouble({ databaseUrl: database.url, liveTimeoutMs: 1_000 });
    const port = await freePort();
    const env = {
      PORT: String(port),
      DATABASE_URL: database.url,
      JWT_SECRET: TEST_JWT_SECRET,
      ELECTRIC_URL: electric.url,
      MIGRATE_ON_START: '0',
    };
    let server = await startServerProcess(env);
    const url = `http://127.0.0.1:${port}`;
    const network = new DeviceNetwork();
    const api = new SyncServerApi(url, network.fetch);
    const device = await ctx.harness.device('victim');
    try {
      const session = await api.setup({ username: 'victim', password: 'a long test password' });
      const { enableSync, SyncClient } = await import('@platform/sync');
      await enableSync(device.storage, api, session);
      const ids = Array.from({ length: 1_500 }, (_, i) => `k${i}`);
      await addHistory(device, ids);
      const client = new SyncClient({
        bridge: await device.storage.syncBridge(),
        serverUrl: url,
        fetch: network.fetch,
        retry: { initialMs: 100, maxMs: 500 },
        shapeBackoff: { initialDelay: 100, maxDelay: 500, multiplier: 1.5 },
      });

      // Kill the server while it holds a push's transaction open (its per-user lock).
      const pushing = client.start();
      await expect
        .poll(
          async () => {
            const { rows } = await sql.query(
              `select count(*)::int as n from pg_locks where locktype = 'advisory' and granted
                 and pid <> pg_backend_pid()`,
            );
            return rows[0].n > 0;
          },
          { timeout: 30_000, interval: 2 },
        )
        .toBe(true);
      server.kill('SIGKILL');
      await new Promise((resolve) => server.once('exit', resolve));
      await pushing;
      const landed = await serverCount(sql, 'query_logs', session.user.id);

      server = await startServerProcess(env);
      await expect
        .poll(async () => (await outboxSize(device)) === 0 && client.status.state === 'synced', {
          timeout: 120_000,
          interval: 200,
        })
        .toBe(true);

      const { rows } = await sql.query(
        `select count(*)::int as n, count(distinct id)::int as ids from query_logs where user_id = $1`,
        [session.user.id],
      );
      expect(rows[0]).toEqual({ n: 1_500, ids: 1_500 });
      const mutations = await sql.query(
        `select count(*)::int as n from sync_mutations where user_id = $1 and result->>'status' = 'applied'`,
        [session.user.id],
      );
      // The 1,500 history entries, each applied once (the fresh profile's row was not sent).
      expect(mutations.rows[0].n).toBe(1_500);
      expect(await checksum(device.pg, session.user.id)).toBe(await checksum(sql, session.user.id));
      // The kill did interrupt a push: not everything had landed before it.
      expect(landed).toBeLessThan(1_500);
      await client.stop();
    } finally {
      server.kill('SIGKILL');
      await device.close();
      await electric.close();
      await sql.end();
      await database.drop();
    }
  });
});

describe('a device clock an hour off', () => {
  /**
   * A device stamps with its clock plus the offset it measured against the server. Starting a
   * device's offset an hour wrong while it is offline is exactly what a clock that jumped an
   * hour since its last exchange amounts to.
   */
  async function skew(device: Device, ms: number) {
    await device.pg.query('update sync_clock set offset_ms = offset_ms + $1', [ms]);
  }

  async function pair(name: string) {
    const account = await ctx.harness.account(name);
    const a = await ctx.harness.device(`${name}-a`);
    const b = await ctx.harness.device(`${name}-b`);
    await (await a.enableSync(name, account.password)).syncNow();
    await (await b.enableSync(name, account.password)).syncNow();
    // An id of this pair's own: the other pair's account has its 'doc' on the server.
    await a.storage.saveQuery({
      id: `doc-${name}`,
      name: 'Original',
      query: 'select 1',
      connectionType: 'postgres',
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    await a.client?.syncNow();
    await expect.poll(async () => (await b.storage.getSavedQueries()).length, SOON).toBe(1);
    return { account, a, b };
  }

  const rename = (device: Device, name: string) =>
    device.storage.saveQuery({
      id: `doc-${device.name.replace(/-[ab]$/, '')}`,
      name,
      query: 'select 1',
      connectionType: 'postgres',
      createdAt: new Date(),
      updatedAt: new Date(),
    });

  it('ahead: its earlier edit does not beat a later one from a correct device', async () => {
    const { account, a, b } = await pair('ahead');
    a.network.setOffline(true);
    await skew(a, 3_600_000);
    await rename(a, 'A, earlier, clock an hour ahead');
    // Later by more than two devices' clock offsets can disagree (each known within half a
    // round trip): the order the spec is about is the one the writes were made in.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await rename(b, 'B, later');
    await b.client?.syncNow();

    a.network.setOffline(false);
    await a.client?.syncNow();
    await b.client?.syncNow();

    for (const device of [a, b]) {
      expect((await device.storage.getSavedQueries())[0]?.name).toBe('B, later');
    }
    expect(await checksum(a.pg, account.id)).toBe(await checksum(ctx.harness.sql, account.id));
    // And the device's clock is right again: its offset was corrected.
    const { rows } = await a.pg.query<{ offset_ms: number }>('select offset_ms from sync_clock');
    expect(Math.abs(Number(rows[0]?.offset_ms))).toBeLessThan(1_000);
    await a.close();
    await b.close();
  });

  it('behind: its later edit beats an earlier one from a correct device', async () => {
    const { account, a, b } = await pair('behind');
    a.network.setOffline(true);
    await skew(a, -3_600_000);
    await rename(b, 'B, earlier');
    await b.client?.syncNow();
    // Later by more than two devices' clock offsets can disagree (each known within half a
    // round trip): the order the spec is about is the one the writes were made in.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await rename(a, 'A, later, clock an hour behind');

    a.network.setOffline(false);
    await a.client?.syncNow();
    await b.client?.syncNow();

    for (const device of [a, b]) {
      expect((await device.storage.getSavedQueries())[0]?.name).toBe(
        'A, later, clock an hour behind',
      );
    }
    expect(await checksum(b.pg, account.id)).toBe(await checksum(ctx.harness.sql, account.id));
    await a.close();
    await b.close();
  });
});
