import { resolve } from 'node:path';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';

/** `drizzle/server` of this repository: what `pnpm db:migrate` applies. */
export const SERVER_MIGRATIONS = resolve(import.meta.dirname, '../../../../drizzle/server');

// An arbitrary key: two servers starting at once must not both run the migrations.
const MIGRATION_LOCK = 8_150_301;

/**
 * The platform database of sync mode. Every query goes through the pool; `pg` returns
 * timestamptz as Date and jsonb as objects, which is what the routes send on.
 */
export function openPool(databaseUrl: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  // An idle client losing its connection must not take the process down; the next query reconnects.
  pool.on('error', () => {});
  return pool;
}

/**
 * Applies the server migrations, exactly as `pnpm db:migrate` (drizzle-kit) would: the same
 * files and the same `drizzle.__drizzle_migrations` record, so either can follow the other.
 */
export async function migrateServerDatabase(
  pool: pg.Pool,
  migrationsFolder = SERVER_MIGRATIONS,
): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      await migrate(drizzle(client), { migrationsFolder });
    } finally {
      await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    client.release();
  }
}

/** Anything that runs a query: the pool, or one client inside a transaction. */
export type Queryable = pg.Pool | pg.ClientBase;

/** Runs `fn` in a transaction on one client of the pool. */
export async function transaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>) {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const result = await fn(client);
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
