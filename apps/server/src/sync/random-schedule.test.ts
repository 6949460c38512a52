// A seeded random schedule of 1,200 operations on three devices of one account, with network
// partitions and reconnects: when everyone is back online, every replica equals the server,
// and every saved query holds its last write (the highest stamp any device gave it).
import { describe, expect, it } from 'vitest';
import { checksum, type Device, snapshot } from './sync-harness.ts';
import { useSyncHarness } from './use-sync-harness.ts';

const SEED = Number(process.env.SYNC_SCHEDULE_SEED ?? 20_261_201);
const OPERATIONS = 1_200;

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
function random(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const ctx = useSyncHarness({ liveTimeoutMs: 500 });

describe('a random schedule on three devices', () => {
  it(`converges after ${OPERATIONS} operations with partitions (seed ${SEED})`, {
    timeout: 600_000,
  }, async () => {
    const next = random(SEED);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
    const account = await ctx.harness.account('random');
    const devices: Device[] = [];
    for (const name of ['phone', 'laptop', 'desktop']) {
      const device = await ctx.harness.device(name);
      await (await device.enableSync('random', account.password)).syncNow();
      devices.push(device);
    }
    // Few ids, so devices keep writing the same rows: that is where conflicts are.
    const queryIds = Array.from({ length: 8 }, (_, i) => `q${i}`);
    const connectionIds = Array.from({ length: 3 }, (_, i) => `c${i}`);
    /** The highest stamp each saved query was given by any device: LWW's expected winner. */
    const lastStamp = new Map<string, string>();
    const counts: Record<string, number> = {};
    let historyId = 0;

    const stampOf = async (device: Device, id: string) => {
      const { rows } = await device.pg.query<{ hlc: string }>(
        'select hlc from saved_queries where id = $1',
        [id],
      );
      const hlc = rows[0]?.hlc;
      if (hlc && hlc > (lastStamp.get(id) ?? '')) lastStamp.set(id, hlc);
    };

    for (let op = 0; op < OPERATIONS; op++) {
      const device = pick(devices);
      const roll = next();
      let kind: string;
      if (roll < 0.08) {
        kind = device.network.offline ? 'reconnect' : 'partition';
        device.network.setOffline(!device.network.offline);
        if (!device.network.offline) device.client?.reconnect();
      } else if (roll < 0.38) {
        kind = 'history';
        historyId += 1;
        await device.storage.addToHistory({
          id: `h${historyId}`,
          connectionId: pick(connectionIds),
          query: `select ${historyId}`,
          executionTime: Math.round(next() * 1000) / 10,
          status: next() < 0.9 ? 'success' : 'error',
          executedAt: new Date(),
          ...(next() < 0.1 ? { errorMessage: 'boom' } : {}),
        });
      } else if (roll < 0.68) {
        kind = 'save query';
        const id = pick(queryIds);
        await device.storage.saveQuery({
          id,
          name: `${id} by ${device.name} #${op}`,
          query: `select ${op}`,
          connectionType: 'postgres',
          tags: next() < 0.5 ? [pick(['a', 'b', 'c'])] : [],
          createdAt: new Date(),
          updatedAt: new Date(),
        });
        await stampOf(device, id);
      } else if (roll < 0.8) {
        kind = 'delete query';
        const id = pick(queryIds);
        await device.storage.deleteSavedQuery(id);
        await stampOf(device, id);
      } else if (roll < 0.88) {
        kind = 'preferences';
        await device.storage.preferences.patch({ editorFontSize: 10 + Math.floor(next() * 10) });
      } else if (roll < 0.95) {
        kind = 'save connection';
        const id = pick(connectionIds);
        await device.storage.saveConnection({
          id,
          name: `${id} (${device.name} #${op})`,
          type: 'postgres',
          host: 'db.local',
          port: 5432,
          createdAt: new Date(),
        });
      } else {
        kind = 'delete connection';
        await device.storage.deleteConnection(pick(connectionIds));
      }
      counts[kind] = (counts[kind] ?? 0) + 1;
      // Let the background push and the shapes run between some operations, not all.
      if (next() < 0.15)
        await new Promise((resolve) => setTimeout(resolve, Math.floor(next() * 20)));
    }

    // Everyone back online; push what waited, and let the shapes bring everything.
    for (const device of devices) {
      device.network.setOffline(false);
      device.client?.reconnect();
    }
    for (let round = 0; round < 3; round++) {
      for (const device of devices) await device.client?.syncNow(60_000);
    }
    await expect
      .poll(
        async () => {
          const server = await checksum(ctx.harness.sql, account.id);
          const sums = await Promise.all(devices.map((d) => checksum(d.pg, account.id)));
          return sums.every((sum) => sum === server);
        },
        { timeout: 60_000, interval: 250 },
      )
      .toBe(true);

    const server = await snapshot(ctx.harness.sql, account.id);
    for (const device of devices) expect(await snapshot(device.pg, account.id)).toEqual(server);
    for (const device of devices) expect(device.client?.status.pending).toBe(0);
    // Last-write-wins, checked row by row: the server kept each query's highest stamp.
    const saved = server.saved_queries as { id: string; hlc: string }[];
    for (const [id, stamp] of lastStamp) {
      expect(saved.find((row) => row.id === id)?.hlc, id).toBe(stamp);
    }
    expect(server.query_logs).toHaveLength(counts.history ?? 0);
    // The schedule did what it says: every kind of operation, partitions included.
    expect(Object.keys(counts).sort()).toEqual([
      'delete connection',
      'delete query',
      'history',
      'partition',
      'preferences',
      'reconnect',
      'save connection',
      'save query',
    ]);
    console.log(`seed ${SEED}:`, counts);
  });
});
