// Sync mode's platform database: the pool, migrations at start, transactions. Every client the
// pool hands out has an 'error' listener for as long as it lives: a connection that drops (a
// killed Postgres, `pg_terminate_backend`, a reset network) must fail the request using it, never
// emit an unhandled 'error' that ends the process. A client that lost its connection is destroyed,
// never returned to the pool; the pool opens new connections on demand once Postgres is back.
import { resolve } from 'node:path';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { isDatabaseUnavailable } from './database-unavailable.ts';

/** `drizzle/server` of this repository: what `pnpm db:migrate` applies. */
export const SERVER_MIGRATIONS = resolve(import.meta.dirname, '../../../../drizzle/server');

// An arbitrary key: two servers starting at once must not both run the migrations.
const MIGRATION_LOCK = 8_150_301;

/** How the pool bounds waiting on a database that is down or silent. */
export interface PoolOptions {
  /** Connecting, or waiting for a free client, gives up after this long (default 10 s). */
  connectTimeoutMs?: number;
  /**
   * A query without an answer for this long fails (default 60 s): a Postgres that stopped
   * answering, or a network that drops packets without a reset, must not hang requests.
   */
  queryTimeoutMs?: number;
  /** Told when an idle client loses its connection; the pool has already dropped it. */
  onIdleError?: (error: Error) => void;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
export const DEFAULT_QUERY_TIMEOUT_MS = 60_000;
// Postgres ends a session left idle inside a transaction (a request stuck in Node) after this,
// so it cannot hold row and advisory locks for ever.
const IDLE_IN_TRANSACTION_TIMEOUT_MS = 60_000;

/**
 * The platform database of sync mode. Every query goes through the pool; `pg` returns
 * timestamptz as Date and jsonb as objects, which is what the routes send on.
 */
export function openPool(databaseUrl: string, options: PoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    query_timeout: options.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS,
    idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_TIMEOUT_MS,
    // Notices a peer that vanished without a reset while the client sits idle.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  });
  // pg-pool listens for errors only while a client is idle; once checked out, a client that
  // loses its connection emits 'error' to nobody, and Node ends the process. This listener stays
  // for the client's whole life; the queries running on it fail with the error anyway.
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  // An idle client losing its connection: the pool removes it, the next query reconnects.
  pool.on('error', (error) => options.onIdleError?.(error));
  return pool;
}

/**
 * A client of the pool with its connection watched: `lost()` is the error that broke it, if one
 * did, and `release()` destroys a broken client (or one given an error) instead of pooling it.
 */
async function checkOut(pool: pg.Pool) {
  const client = await pool.connect();
  let lost: Error | null = null;
  const onError = (error: Error) => {
    lost ??= error;
  };
  client.on('error', onError);
  return {
    client,
    lost: () => lost,
    release(broken: Error | null) {
      client.off('error', onError);
      client.release(lost ?? broken ?? undefined);
    },
  };
}

const asError = (value: unknown) => (value instanceof Error ? value : new Error(String(value)));

/**
 * Applies the server migrations, exactly as `pnpm db:migrate` (drizzle-kit) would: the same
 * files and the same `drizzle.__drizzle_migrations` record, so either can follow the other.
 */
export async function migrateServerDatabase(
  pool: pg.Pool,
  migrationsFolder = SERVER_MIGRATIONS,
): Promise<void> {
  const { client, lost, release } = await checkOut(pool);
  let broken: Error | null = null;
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await migrate(drizzle(client), { migrationsFolder });
    } finally {
      // A lost connection has released the session's lock already; unlocking would only fail.
      if (!lost()) await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } catch (error) {
    broken = asError(lost() ?? error);
    throw broken;
  } finally {
    release(broken);
  }
}

/** Anything that runs a query: the pool, or one client inside a transaction. */
export type Queryable = pg.Pool | pg.ClientBase;

/**
 * Runs `fn` in a transaction on one client of the pool. If the connection is lost on the way,
 * the error that broke it is thrown, whatever `fn` made of it, so the request is answered as
 * "database unavailable"; Postgres rolls back a transaction whose connection is gone.
 */
export async function transaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>) {
  const { client, lost, release } = await checkOut(pool);
  let broken: Error | null = null;
  try {
    await client.query('begin');
    const result = await fn(client);
    await client.query('commit');
    return result;
  } catch (error) {
    const cause = lost() ?? error;
    if (isDatabaseUnavailable(cause)) {
      // Gone, or stuck on a query that never answered: a rollback would fail or wait behind it.
      broken = asError(cause);
    } else {
      await client.query('rollback').catch((rollbackError: unknown) => {
        broken = asError(rollbackError);
      });
    }
    throw cause;
  } finally {
    release(broken);
  }
}
