// The platform database's pool, transactions and migrations when a connection is lost under
// them, on a real PostgreSQL: backends ended with pg_terminate_backend (only this file's own).
import { createDatabase, type TestDatabase } from '@platform/testing/postgres';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { migrateServerDatabase, openPool, transaction } from './database.ts';
import { isDatabaseUnavailable } from './database-unavailable.ts';

const WAIT = { timeout: 30_000, interval: 25 };
// migrateServerDatabase's lock key (advisory locks are per database: this file's own).
const MIGRATION_LOCK = 8_150_301;

let database: TestDatabase;
let sql: pg.Pool;
let pool: pg.Pool;
let idleErrors: Error[];

beforeAll(async () => {
  database = await createDatabase(inject('postgresUrl'), 'db');
  sql = new pg.Pool({ connectionString: database.url });
  await sql.query('create table notes (id int primary key, body text not null)');
});

afterEach(async () => {
  await pool?.end();
  await sql.query('delete from notes');
});

afterAll(async () => {
  await sql.end();
  await database.drop();
});

function newPool() {
  idleErrors = [];
  pool = openPool(database.url, { onIdleError: (error) => idleErrors.push(error) });
  return pool;
}

async function terminate(pid: number) {
  await sql.query('select pg_terminate_backend($1)', [pid]);
  await vi.waitFor(async () => {
    const { rows } = await sql.query('select 1 from pg_stat_activity where pid = $1', [pid]);
    expect(rows).toEqual([]);
  }, WAIT);
}

const backendPid = async (client: pg.ClientBase) =>
  (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]?.pid as number;

const notes = async () => (await sql.query('select id from notes order by id')).rows;

describe('transaction()', () => {
  it('rejects with the loss when its backend is terminated between two statements, writing nothing', async () => {
    newPool();
    let lostPid = 0;
    const failure = await transaction(pool, async (client) => {
      await client.query("insert into notes values (1, 'first')");
      lostPid = await backendPid(client);
      await terminate(lostPid);
      await client.query("insert into notes values (2, 'second')");
    }).catch((error: unknown) => error);

    expect(isDatabaseUnavailable(failure)).toBe(true);
    expect(await notes()).toEqual([]);
    // The broken client was destroyed, not pooled: the next transaction gets a live backend.
    const next = await transaction(pool, backendPid);
    expect(next).not.toBe(lostPid);
  });

  it('rejects with the loss when its backend is terminated during a statement', async () => {
    newPool();
    const holder = await sql.connect();
    try {
      await holder.query('begin');
      await holder.query('lock table notes in exclusive mode');
      const running = transaction(pool, (client) =>
        client.query("insert into notes values (3, 'waits')"),
      ).catch((error: unknown) => error);
      const holderPid = await backendPid(holder);
      const waiting = await vi.waitFor(async () => {
        const { rows } = await sql.query<{ pid: number }>(
          'select pid from pg_stat_activity where $1 = any(pg_blocking_pids(pid))',
          [holderPid],
        );
        if (!rows[0]) throw new Error('the insert does not wait yet');
        return rows[0].pid;
      }, WAIT);
      await terminate(waiting);
      expect(isDatabaseUnavailable(await running)).toBe(true);
    } finally {
      await holder.query('rollback');
      holder.release();
    }
    expect(await notes()).toEqual([]);
    expect(await transaction(pool, (client) => client.query('select 1 as one'))).toMatchObject({
      rows: [{ one: 1 }],
    });
  });

  it('rolls back on an ordinary error and keeps the connection, which is still good', async () => {
    newPool();
    let firstPid = 0;
    const failure = await transaction(pool, async (client) => {
      firstPid = await backendPid(client);
      await client.query("insert into notes values (4, 'kept?')");
      await client.query("insert into notes values (4, 'duplicate')");
    }).catch((error: unknown) => error);

    expect(failure).toMatchObject({ code: '23505' });
    expect(isDatabaseUnavailable(failure)).toBe(false);
    expect(await notes()).toEqual([]);
    expect(await transaction(pool, backendPid)).toBe(firstPid);
  });
});

describe('openPool()', () => {
  it('drops an idle connection whose backend was terminated, says so, and reconnects on the next query', async () => {
    newPool();
    const idlePid = await transaction(pool, backendPid);
    await terminate(idlePid);
    await vi.waitFor(() => expect(idleErrors).toHaveLength(1), WAIT);
    expect(isDatabaseUnavailable(idleErrors[0])).toBe(true);

    const { rows } = await pool.query<{ pid: number }>('select pg_backend_pid() as pid');
    expect(rows[0]?.pid).not.toBe(idlePid);
  });
});

describe('migrateServerDatabase()', () => {
  it('rejects with the loss, and the process goes on, when its connection dies while it waits for the migration lock', async () => {
    newPool();
    const holder = await sql.connect();
    try {
      await holder.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
      const migrating = migrateServerDatabase(pool).catch((error: unknown) => error);
      const waiting = await vi.waitFor(async () => {
        const { rows } = await sql.query<{ pid: number }>(
          `select pid from pg_locks
            where locktype = 'advisory' and objid = $1 and not granted
              and database = (select oid from pg_database where datname = current_database())`,
          [MIGRATION_LOCK],
        );
        if (!rows[0]) throw new Error('the migration does not wait for the lock yet');
        return rows[0].pid;
      }, WAIT);
      await terminate(waiting);
      expect(isDatabaseUnavailable(await migrating)).toBe(true);
    } finally {
      await holder.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]);
      holder.release();
    }
    const { rows } = await pool.query("select to_regclass('platform_users') as t");
    expect(rows).toEqual([{ t: null }]);
  });
});
