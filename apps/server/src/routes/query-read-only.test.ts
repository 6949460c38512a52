// Read-only runs against a real PostgreSQL, connected as its superuser: the attacks
// (COPY … TO PROGRAM, COPY … TO a file, dblink_exec, pg_terminate_backend, pg_reload_conf) and
// their disguises are refused before anything is sent, and the server shows nothing happened.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, type TestDatabase } from '@platform/testing/postgres';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { postJson, testServer } from '../test-support.ts';

let database: TestDatabase;
let app: FastifyInstance;
let connection: { connectionString: string };
/** A session of the database the attacks try to kill; it must still answer afterwards. */
let victim: pg.Client;
let victimPid: number;
let confLoadedAt: string;
const marker = join(tmpdir(), `platform-read-only-${randomBytes(6).toString('hex')}`);

async function scalar<T>(sql: string): Promise<T> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const { rows } = await client.query<[T]>({ text: sql, rowMode: 'array' });
    return rows[0]?.[0] as T;
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  database = await createDatabase(inject('postgresUrl'), 'readonly');
  connection = { connectionString: database.url };
  app = await testServer();
  const setup = await postJson(app, '/api/query', {
    connection,
    sql: 'create table notes (body text); create extension dblink',
  });
  expect(setup.statusCode).toBe(200);
  victim = new pg.Client({ connectionString: database.url });
  victim.on('error', () => {});
  await victim.connect();
  victimPid = (await victim.query('select pg_backend_pid() as pid')).rows[0].pid;
  confLoadedAt = await scalar<string>('select pg_conf_load_time()::text');
});

afterAll(async () => {
  await victim?.end().catch(() => {});
  await app?.close();
  await database?.drop();
});

describe('a read-only run', () => {
  const dblinkTarget = () => {
    const url = new URL(database.url);
    return (
      `host=${url.hostname} port=${url.port} dbname=${database.name} ` +
      `user=${decodeURIComponent(url.username)} password=${decodeURIComponent(url.password)}`
    );
  };

  it.each<[string, () => string, string]>([
    ['COPY … TO PROGRAM', () => `copy (select 1) to program 'touch ${marker}-program'`, 'COPY'],
    ['COPY … TO a file', () => `copy notes to '${marker}-file'`, 'COPY'],
    [
      'dblink_exec',
      () => `select dblink_exec('${dblinkTarget()}', 'insert into notes values (''dblink'')')`,
      'dblink_exec()',
    ],
    [
      'dblink_exec in a sub-select',
      () =>
        `select (select dblink_exec('${dblinkTarget()}', 'insert into notes values (''sub'')'))`,
      'dblink_exec()',
    ],
    [
      'pg_terminate_backend',
      () => `select pg_terminate_backend(${victimPid})`,
      'pg_terminate_backend()',
    ],
    [
      'pg_terminate_backend in FROM',
      () => `select * from pg_terminate_backend(${victimPid})`,
      'pg_terminate_backend()',
    ],
    [
      'pg_terminate_backend in a CTE',
      () => `with x as (select pg_terminate_backend(${victimPid})) select * from x`,
      'pg_terminate_backend()',
    ],
    [
      'pg_terminate_backend in WHERE, upper case, after a comment',
      () => `/* hi */ SELECT pid FROM pg_stat_activity WHERE PG_TERMINATE_BACKEND(pid)`,
      'pg_terminate_backend()',
    ],
    [
      'pg_catalog.pg_terminate_backend after a harmless statement',
      () => `select 1; select pg_catalog.pg_terminate_backend(${victimPid})`,
      'pg_terminate_backend()',
    ],
    ['pg_reload_conf()', () => 'select pg_reload_conf()', 'pg_reload_conf()'],
    [
      'pg_reload_conf() in a subquery in FROM',
      () => 'select * from (select pg_reload_conf()) as s',
      'pg_reload_conf()',
    ],
    [
      'pg_reload_conf() behind a line comment',
      () => 'select 1 -- pg_reload_conf() is just a comment here\n, pg_reload_conf()',
      'pg_reload_conf()',
    ],
  ])('refuses %s, naming what and why, before connecting', async (_, sql, name) => {
    const response = await postJson(app, '/api/query', { connection, sql: sql(), readOnly: true });
    expect(response.statusCode).toBe(400);
    const { error } = response.json();
    expect(error).toMatchObject({ kind: 'sql', code: '25006' });
    expect(error.message.toLowerCase()).toContain(name.toLowerCase());
  });

  it('left no trace of those attacks on the server', async () => {
    expect(existsSync(`${marker}-program`)).toBe(false);
    expect(existsSync(`${marker}-file`)).toBe(false);
    expect(await scalar<number>('select count(*)::int from notes')).toBe(0);
    expect((await victim.query('select 1 as alive')).rows).toEqual([{ alive: 1 }]);
    expect(await scalar<string>('select pg_conf_load_time()::text')).toBe(confLoadedAt);
  });

  it('still reads, inside a read-only transaction, and says it ran read-only', async () => {
    const response = await postJson(app, '/api/query', {
      connection,
      sql: "select current_setting('transaction_read_only'); explain analyze select 1; show datestyle",
      readOnly: true,
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.readOnly).toBe(true);
    expect(body.results[0].rows).toEqual([['on']]);
    expect(body.results.map((result: { command: string }) => result.command)).toEqual([
      'SELECT',
      'EXPLAIN',
      'SHOW',
    ]);
  });

  it('lexes strings the way its check did, whatever the database sets', async () => {
    // With standard_conforming_strings off, `'\'` would open a string the parser saw closed.
    const other = await createDatabase(inject('postgresUrl'), 'readonly_scs');
    try {
      await postJson(app, '/api/query', {
        connection,
        sql: `alter database "${other.name}" set standard_conforming_strings = off`,
      });
      const response = await postJson(app, '/api/query', {
        connection: { connectionString: other.url },
        sql: "show standard_conforming_strings; select '\\' as backslash",
        readOnly: true,
      });
      expect(response.statusCode).toBe(200);
      expect(response.json().results.map((result: { rows: unknown }) => result.rows)).toEqual([
        [['on']],
        [['\\']],
      ]);
    } finally {
      await other.drop();
    }
  });

  it('is answered as read-write when not asked for, on a browser-only server', async () => {
    const response = await postJson(app, '/api/query', { connection, sql: 'select 1' });
    expect(response.json().readOnly).toBe(false);
  });
});
