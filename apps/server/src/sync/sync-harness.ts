// Test support for the end-to-end sync specs: the real server (in sync mode, on a real
// PostgreSQL), Electric's test double on the same database, and devices: each a real
// @platform/storage on its own PGlite, syncing through @platform/sync with its own cookie jar
// and a network that can be cut.
import { createHash, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { PGlite, type PGliteInterface } from '@electric-sql/pglite';
import { browserMigrations } from '@platform/schema/browser-migrations';
import {
  createStorage,
  type DatabaseHandle,
  MemoryCryptoKeyStore,
  MemoryKeyValueStore,
  type PlatformStorage,
  platformExtensions,
} from '@platform/storage';
import { migrate } from '@platform/storage/migrator';
import { enableSync, SyncClient, SyncServerApi } from '@platform/sync';
import { rowJson, SYNCED, SYNCED_TABLES } from '@platform/sync/protocol';
import { type ElectricDouble, startElectricDouble } from '@platform/testing/electric-double';
import { createDatabase, type TestDatabase } from '@platform/testing/postgres';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { buildServer } from '../app.ts';
import { migrateServerDatabase, openPool } from '../db/database.ts';
import { TEST_JWT_SECRET } from '../test-support.ts';

/** A browser's network: its own cookies, and a switch that cuts it off. */
export class DeviceNetwork {
  cookie = '';
  #offline = false;
  readonly #inFlight = new Set<AbortController>();
  /** Answers to requests whose path starts with this are lost after the server acted on them. */
  loseResponsesTo: string | null = null;

  get offline(): boolean {
    return this.#offline;
  }

  /** What the browser's `online` event does (the studio reconnects its sync client). */
  onOnline: (() => void) | null = null;

  /** Cuts the device off (requests in flight fail too) or reconnects it. */
  setOffline(offline: boolean): void {
    const was = this.#offline;
    this.#offline = offline;
    if (offline) for (const controller of this.#inFlight) controller.abort();
    else if (was) this.onOnline?.();
  }

  readonly fetch: typeof fetch = async (input, init) => {
    if (this.#offline) throw new TypeError('fetch failed: the device is offline');
    const controller = new AbortController();
    const outer = init?.signal;
    if (outer?.aborted) controller.abort();
    outer?.addEventListener('abort', () => controller.abort(), { once: true });
    this.#inFlight.add(controller);
    try {
      const headers = new Headers(init?.headers);
      if (this.cookie) headers.set('cookie', this.cookie);
      const response = await fetch(input, { ...init, headers, signal: controller.signal });
      const set = response.headers.get('set-cookie');
      if (set?.startsWith('platform_session=')) this.cookie = set.split(';')[0] ?? '';
      const path = new URL(String(input instanceof Request ? input.url : input)).pathname;
      if (this.loseResponsesTo && path.startsWith(this.loseResponsesTo)) {
        await response.arrayBuffer().catch(() => {});
        throw new TypeError('fetch failed: the answer was lost on the way');
      }
      return response;
    } catch (error) {
      if (controller.signal.aborted && !outer?.aborted) {
        throw new TypeError('fetch failed: the device went offline');
      }
      throw error;
    } finally {
      this.#inFlight.delete(controller);
    }
  };
}

export interface Device {
  readonly name: string;
  readonly storage: PlatformStorage;
  readonly network: DeviceNetwork;
  readonly api: SyncServerApi;
  readonly pg: PGliteInterface;
  client: SyncClient | null;
  /** Logs in on the server and turns sync on for the current profile. */
  enableSync(username: string, password: string): Promise<SyncClient>;
  /** Starts the sync client of the current (already linked) profile. */
  startSync(): Promise<SyncClient>;
  close(): Promise<void>;
}

export interface DeviceOptions {
  dataDir?: string;
  localStorage?: MemoryKeyValueStore;
  cryptoKeys?: MemoryCryptoKeyStore;
}

export interface SyncHarness {
  readonly database: TestDatabase;
  readonly sql: pg.Pool;
  readonly electric: ElectricDouble;
  readonly app: FastifyInstance;
  readonly url: string;
  /** An account on the server (an admin makes it), with its password. */
  account(
    username: string,
    role?: 'admin' | 'user' | 'viewer',
  ): Promise<{ id: string; password: string }>;
  /**
   * A device: a fresh in-memory replica, or a database in `dataDir` (a directory, reopened by
   * another device with the same one) with the `localStorage` it had.
   */
  device(name: string, options?: DeviceOptions): Promise<Device>;
  close(): Promise<void>;
}

const PASSWORD = 'a long test password';

/** A migrated PGlite to clone devices from: a fresh one takes seconds here, a clone one. */
let template: Promise<PGlite> | null = null;
async function freshReplica(): Promise<PGliteInterface> {
  template ??= (async () => {
    const pglite = await PGlite.create({ extensions: platformExtensions });
    await migrate(pglite, browserMigrations);
    return pglite;
  })();
  const clone = await (await template).clone();
  // Each database has its own clock node id; a clone would share the template's.
  await clone.query('update sync_clock set node_id = $1', [randomBytes(8).toString('hex')]);
  return clone;
}

export async function closeTemplate(): Promise<void> {
  const pending = template;
  template = null;
  await (await pending)?.close();
}

export function memoryHandle(pglite: PGliteInterface): DatabaseHandle {
  return {
    pg: pglite,
    location: { kind: 'memory', dataDir: 'memory://', durability: 'volatile', flushWindowMs: null },
    flush: async () => {},
    close: () => pglite.close(),
  };
}

export interface HarnessOptions {
  liveTimeoutMs?: number;
}

export async function startSyncHarness(
  postgresUrl: string,
  options: HarnessOptions = {},
): Promise<SyncHarness> {
  const database = await createDatabase(postgresUrl, 'sync');
  const sql = new pg.Pool({ connectionString: database.url });
  // Electric serves the tables the migrations make: migrate, start it, then the server.
  const migrator = openPool(database.url);
  await migrateServerDatabase(migrator).finally(() => migrator.end());
  const electric = await startElectricDouble({
    databaseUrl: database.url,
    liveTimeoutMs: options.liveTimeoutMs ?? 2_000,
  });
  const app = await buildServer({
    port: 0,
    webRoot: '/nonexistent',
    // A 500 in a sync spec should say why.
    logger: { level: 'error' },
    sync: {
      databaseUrl: database.url,
      jwtSecret: TEST_JWT_SECRET,
      electricUrl: electric.url,
      loginRateLimit: { max: 10_000, windowMs: 60_000 },
    },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const devices: Device[] = [];
  let adminCookie: string | null = null;

  const admin = new DeviceNetwork();
  const adminApi = new SyncServerApi(url, admin.fetch);

  return {
    database,
    sql,
    electric,
    app,
    url,
    async account(username, role = 'user') {
      if (!adminCookie) {
        await adminApi.setup({ username: 'harness-admin', password: PASSWORD });
        adminCookie = admin.cookie;
      }
      const account = await adminApi.createAccount({ username, password: PASSWORD, role });
      return { id: account.id, password: PASSWORD };
    },
    async device(name, options = {}) {
      const network = new DeviceNetwork();
      const api = new SyncServerApi(url, network.fetch);
      const db = options.dataDir ? null : memoryHandle(await freshReplica());
      const storage = createStorage({
        ...(db ? { database: db } : { dataDir: options.dataDir }),
        localStorage: options.localStorage ?? new MemoryKeyValueStore(),
        cryptoKeys: options.cryptoKeys ?? new MemoryCryptoKeyStore(),
        importLegacyData: false,
      });
      await storage.open();
      const pglite = (await storage.syncBridge()).db as PGliteInterface;
      let unsubscribe: (() => void) | null = null;
      const device: Device = {
        name,
        storage,
        network,
        api,
        pg: pglite,
        client: null,
        async enableSync(username, password) {
          const session = await api.login(username, password);
          await enableSync(storage, api, session);
          return device.startSync();
        },
        async startSync() {
          await device.client?.stop();
          unsubscribe?.();
          const client = new SyncClient({
            bridge: await storage.syncBridge(),
            serverUrl: url,
            fetch: network.fetch,
            retry: { initialMs: 50, maxMs: 400 },
            shapeBackoff: { initialDelay: 50, maxDelay: 400, multiplier: 1.5 },
            pushDelayMs: 5,
          });
          unsubscribe = storage.subscribe(() => client.notifyLocalChange());
          // As apps/web does on the browser's `online` event.
          network.onOnline = () => client.reconnect();
          device.client = client;
          await client.start();
          return client;
        },
        async close() {
          unsubscribe?.();
          await device.client?.stop();
          await storage.close();
          await db?.close();
        },
      };
      devices.push(device);
      return device;
    },
    async close() {
      for (const device of devices.splice(0)) await device.close().catch(() => {});
      // Connections of aborted long polls stay half-open until Node's header timeout (60 s).
      app.server.closeAllConnections();
      await app.close();
      await electric.close();
      await sql.end();
      await database.drop();
    },
  };
}

/** Normalised rows of one user, table by table: timestamps as ISO, per-database columns out. */
async function userRows(
  query: (text: string, params: unknown[]) => Promise<{ rows: { row: Record<string, unknown> }[] }>,
  userId: string,
) {
  const tables: Record<string, unknown[]> = {};
  for (const table of SYNCED_TABLES) {
    const owner = SYNCED[table].owner;
    const { rows } = await query(
      `select ${rowJson(table, 't')} as row from "${table}" t where "${owner}" = $1 order by id`,
      [userId],
    );
    tables[table] = rows.map(({ row }) =>
      Object.fromEntries(
        Object.entries(row).map(([key, value]) => [
          key,
          key.endsWith('_at') && typeof value === 'string' ? new Date(value).toISOString() : value,
        ]),
      ),
    );
  }
  return tables;
}

/** A checksum of everything of `userId` that sync carries, comparable between PGlite and PostgreSQL. */
export async function checksum(
  db: { query: (text: string, params: unknown[]) => Promise<{ rows: unknown[] }> },
  userId: string,
): Promise<string> {
  const rows = await userRows(db.query.bind(db) as Parameters<typeof userRows>[0], userId);
  return createHash('sha256').update(JSON.stringify(rows)).digest('hex');
}

/** The same rows, for a readable failure when checksums differ. */
export async function snapshot(
  db: { query: (text: string, params: unknown[]) => Promise<{ rows: unknown[] }> },
  userId: string,
) {
  return userRows(db.query.bind(db) as Parameters<typeof userRows>[0], userId);
}
