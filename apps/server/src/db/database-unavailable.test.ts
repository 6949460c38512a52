// Which errors say "the platform database is unavailable" (a 503 to retry) and which are faults
// of the request or the server (they keep their own answers): errors thrown by a real PostgreSQL
// and a real pg, not hand-made look-alikes.
import { createServer } from 'node:net';
import { createDatabase, type TestDatabase } from '@platform/testing/postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { HttpError } from '../http-errors.ts';
import {
  DATABASE_UNAVAILABLE,
  databaseUnavailable,
  isDatabaseUnavailable,
} from './database-unavailable.ts';

let database: TestDatabase;
let sql: pg.Pool;

beforeAll(async () => {
  database = await createDatabase(inject('postgresUrl'), 'unavailable');
  sql = new pg.Pool({ connectionString: database.url });
});

afterAll(async () => {
  await sql.end();
  await database.drop();
});

const failureOf = (work: () => Promise<unknown>) =>
  work().then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as { port: number };
  await new Promise((closed) => server.close(closed));
  return port;
}

/** A client whose backend was terminated while it ran `select pg_sleep(…)`. */
async function terminatedDuringQuery() {
  const client = new pg.Client({ connectionString: database.url });
  const emitted: Error[] = [];
  client.on('error', (error) => emitted.push(error));
  await client.connect();
  const pid = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]?.pid;
  const running = failureOf(() => client.query('select pg_sleep(60)'));
  await vi.waitFor(
    async () => {
      const { rows } = await sql.query(
        "select 1 from pg_stat_activity where pid = $1 and state = 'active'",
        [pid],
      );
      expect(rows).toHaveLength(1);
    },
    { timeout: 30_000, interval: 25 },
  );
  await sql.query('select pg_terminate_backend($1)', [pid]);
  const during = await running;
  await vi.waitFor(() => expect(emitted.length).toBeGreaterThan(0), {
    timeout: 30_000,
    interval: 25,
  });
  const after = await failureOf(() => client.query('select 1'));
  await client.end();
  return { during, emitted, after };
}

describe('isDatabaseUnavailable', () => {
  it('is true for a refused connection', async () => {
    const pool = new pg.Pool({
      host: '127.0.0.1',
      port: await closedPort(),
      user: 'x',
      password: 'x',
    });
    try {
      const refused = await failureOf(() => pool.query('select 1'));
      expect(refused).toMatchObject({ code: 'ECONNREFUSED' });
      expect(isDatabaseUnavailable(refused)).toBe(true);
    } finally {
      await pool.end();
    }
  });

  it('is true for a terminated backend: the statement running, the connection, and later queries on it', async () => {
    const { during, emitted, after } = await terminatedDuringQuery();
    expect(during).toMatchObject({ code: '57P01' });
    expect(isDatabaseUnavailable(during)).toBe(true);
    for (const error of emitted) expect(isDatabaseUnavailable(error)).toBe(true);
    expect(isDatabaseUnavailable(after)).toBe(true);
  });

  it('is true when no connection is free within the connect timeout', async () => {
    const pool = new pg.Pool({
      connectionString: database.url,
      max: 1,
      connectionTimeoutMillis: 100,
    });
    const busy = await pool.connect();
    try {
      const timedOut = await failureOf(() => pool.connect());
      expect(isDatabaseUnavailable(timedOut)).toBe(true);
    } finally {
      busy.release();
      await pool.end();
    }
  });

  it('is false for what the SQL or the request got wrong, so real faults keep their own answers', async () => {
    await sql.query('create table if not exists t (id int primary key)');
    await sql.query('insert into t values (1) on conflict do nothing');
    const mistakes = [
      await failureOf(() => sql.query('select * from no_such_table')),
      await failureOf(() => sql.query('selec 1')),
      await failureOf(() => sql.query('insert into t values (1)')),
      await failureOf(() => sql.query("select 'x'::int")),
      new HttpError(409, 'conflict', 'taken'),
      new Error('something else'),
      null,
      'a string',
    ];
    expect(mistakes.slice(0, 4).map((e) => (e as { code?: string }).code)).toEqual([
      '42P01',
      '42601',
      '23505',
      '22P02',
    ]);
    for (const mistake of mistakes) expect(isDatabaseUnavailable(mistake)).toBe(false);
  });
});

describe('databaseUnavailable', () => {
  it('gives a 503 with its reason and a message for people, and the cause to log', async () => {
    const { during } = await terminatedDuringQuery();
    const unavailable = databaseUnavailable(during);
    expect(unavailable?.error).toMatchObject({
      status: 503,
      kind: 'unavailable',
      reason: DATABASE_UNAVAILABLE,
    });
    expect(unavailable?.error.message).toMatch(/database is unavailable.*try again/);
    expect(unavailable?.cause).toMatchObject({ code: '57P01' });
    expect(databaseUnavailable(new Error('something else'))).toBeNull();
  });
});
