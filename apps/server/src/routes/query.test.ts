import { createDatabase, type TestDatabase } from '@platform/testing/postgres';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { postJson, testServer } from '../test-support.ts';

let database: TestDatabase;
let app: FastifyInstance;
let connection: { connectionString: string };

beforeAll(async () => {
  database = await createDatabase(inject('postgresUrl'), 'server');
  connection = { connectionString: database.url };
  app = await testServer();
});

afterAll(async () => {
  await app?.close();
  await database?.drop();
});

async function count(table: string): Promise<number> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const { rows } = await client.query(`select count(*)::int as n from ${table}`);
    return rows[0].n;
  } finally {
    await client.end();
  }
}

describe('POST /api/query', () => {
  it('returns typed values in a JSON-safe form', async () => {
    const response = await postJson(app, '/api/query', {
      connection,
      sql: `select timestamptz '2024-05-06 07:08:09.123456+02' as at,
                   9007199254740993::int8 as big, 12345678901234567890.123::numeric as exact,
                   '\\xdeadbeef'::bytea as bytes, '{"a": [1, true, null]}'::jsonb as doc,
                   array['x', null, 'y,z']::text[] as tags, null::text as nothing,
                   42 as answer, 'NaN'::float8 as nan, date '2024-02-29' as day,
                   timestamp '2024-02-29 23:30:00' as local_time, true as yes`,
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.durationMs).toBeGreaterThanOrEqual(0);
    expect(body.results).toHaveLength(1);
    const [result] = body.results;
    expect(result.command).toBe('SELECT');
    expect(result.rowCount).toBe(1);
    expect(result.truncated).toBe(false);
    expect(result.columns.map((column: { name: string }) => column.name)).toEqual([
      'at',
      'big',
      'exact',
      'bytes',
      'doc',
      'tags',
      'nothing',
      'answer',
      'nan',
      'day',
      'local_time',
      'yes',
    ]);
    expect(result.columns.map((column: { type: string }) => column.type)).toEqual([
      'timestamptz',
      'bigint',
      'decimal',
      'bytes',
      'json',
      'array',
      'text',
      'number',
      'number',
      'date',
      'timestamp',
      'boolean',
    ]);
    expect(result.columns[0].dataTypeID).toBe(1184);
    expect(result.rows).toEqual([
      [
        '2024-05-06T05:08:09.123456Z',
        '9007199254740993',
        '12345678901234567890.123',
        '\\xdeadbeef',
        { a: [1, true, null] },
        ['x', null, 'y,z'],
        null,
        42,
        'NaN',
        '2024-02-29',
        '2024-02-29 23:30:00',
        true,
      ],
    ]);
  });

  it('returns one result set per statement', async () => {
    const response = await postJson(app, '/api/query', {
      connection,
      sql: 'create table pets (name text); insert into pets values ($$rex$$), ($$tom$$); select name from pets order by name',
    });
    expect(response.statusCode).toBe(200);
    const { results } = response.json();
    expect(results.map((result: { command: string }) => result.command)).toEqual([
      'CREATE',
      'INSERT',
      'SELECT',
    ]);
    expect(results[1].rowCount).toBe(2);
    expect(results[1].columns).toEqual([]);
    expect(results[2].rows).toEqual([['rex'], ['tom']]);
  });

  it('reports a SQL error with its SQLSTATE and 1-based position', async () => {
    const sql = 'select 1;\nselect * from no_such_table';
    const response = await postJson(app, '/api/query', { connection, sql });
    expect(response.statusCode).toBe(400);
    const { error } = response.json();
    expect(error).toMatchObject({
      kind: 'sql',
      code: '42P01',
      message: 'relation "no_such_table" does not exist',
      position: sql.indexOf('no_such_table') + 1,
      detail: null,
    });
  });

  it('cuts rows beyond maxRows, counting them all', async () => {
    const response = await postJson(app, '/api/query', {
      connection,
      sql: 'select g from generate_series(1, 1000) g',
      maxRows: 3,
    });
    expect(response.statusCode).toBe(200);
    const [result] = response.json().results;
    expect(result.rows).toEqual([[1], [2], [3]]);
    expect(result.truncated).toBe(true);
    expect(result.rowCount).toBe(1000);
  });

  it('shares maxRows across result sets', async () => {
    const response = await postJson(app, '/api/query', {
      connection,
      sql: 'select 1 union all select 2; select 3',
      maxRows: 2,
    });
    const results = response.json().results;
    expect(results.map((result: { rows: unknown[] }) => result.rows)).toEqual([[[1], [2]], []]);
    expect(results.map((result: { truncated: boolean }) => result.truncated)).toEqual([
      false,
      true,
    ]);
  });

  it('stops a statement that runs past timeoutMs with SQLSTATE 57014', async () => {
    const response = await postJson(app, '/api/query', {
      connection,
      sql: 'select pg_sleep(5)',
      timeoutMs: 200,
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ kind: 'sql', code: '57014' });
  });

  describe('read-only', () => {
    beforeAll(async () => {
      await postJson(app, '/api/query', { connection, sql: 'create table notes (body text)' });
    });

    it('reads', async () => {
      const response = await postJson(app, '/api/query', {
        connection,
        sql: 'select count(*) from notes; select 2 as two',
        readOnly: true,
      });
      expect(response.statusCode).toBe(200);
      expect(response.json().results.map((result: { rows: unknown[] }) => result.rows)).toEqual([
        [['0']],
        [[2]],
      ]);
    });

    it('refuses insert and create table with 25006, writing nothing', async () => {
      for (const sql of ["insert into notes values ('sneaky')", 'create table intruder (id int)']) {
        const response = await postJson(app, '/api/query', { connection, sql, readOnly: true });
        expect(response.statusCode).toBe(400);
        expect(response.json().error).toMatchObject({ kind: 'sql', code: '25006' });
      }
      expect(await count('notes')).toBe(0);
      const tables = await postJson(app, '/api/query', {
        connection,
        sql: "select to_regclass('intruder') is null",
      });
      expect(tables.json().results[0].rows).toEqual([[true]]);
    });

    it('cannot be escaped by ending the transaction first', async () => {
      for (const sql of [
        "commit; insert into notes values ('after commit')",
        "rollback; insert into notes values ('after rollback')",
        "set default_transaction_read_only = off; end; insert into notes values ('x')",
      ]) {
        const response = await postJson(app, '/api/query', { connection, sql, readOnly: true });
        expect(response.statusCode).toBe(400);
        expect(response.json().error.code).toBe('25006');
      }
      expect(await count('notes')).toBe(0);
    });

    it('reports positions in the whole SQL text', async () => {
      const sql = "select 'é';\nselect nope";
      const response = await postJson(app, '/api/query', { connection, sql, readOnly: true });
      expect(response.json().error).toMatchObject({
        code: '42703',
        position: sql.indexOf('nope') + 1,
      });
    });
  });

  it('answers 502 for a wrong password, without echoing it', async () => {
    const url = new URL(database.url);
    const password = 'wr0ng-p4ssw0rd-s3cret';
    const response = await postJson(app, '/api/query', {
      connection: {
        host: url.hostname,
        port: Number(url.port),
        user: url.username,
        database: database.name,
        password,
      },
      sql: 'select 1',
    });
    expect(response.statusCode).toBe(502);
    expect(response.json().error).toMatchObject({ kind: 'connection', code: '28P01' });
    expect(response.body).not.toContain(password);
  });

  it('answers 502 when nothing listens at the address', async () => {
    const response = await postJson(app, '/api/query', {
      connection: { host: '127.0.0.1', port: 1, user: 'nobody' },
      sql: 'select 1',
    });
    expect(response.statusCode).toBe(502);
    expect(response.json().error).toMatchObject({ kind: 'connection', code: 'ECONNREFUSED' });
  });

  it('answers 422 for an invalid body, naming what is wrong', async () => {
    const response = await postJson(app, '/api/query', {
      connection: { host: 'db', password: 'hunter2-secret', port: 'five' },
      sql: '',
      maxRows: 5_000_000,
    });
    expect(response.statusCode).toBe(422);
    const { error } = response.json();
    expect(error.kind).toBe('validation');
    expect(error.issues.map((issue: { path: string }) => issue.path)).toEqual(
      expect.arrayContaining(['sql', 'maxRows']),
    );
    expect(response.body).not.toContain('hunter2-secret');
  });

  it('answers 400 for malformed JSON', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/query',
      headers: { host: '127.0.0.1:4310', 'content-type': 'application/json' },
      payload: '{"sql": ',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.kind).toBe('request');
  });
});

describe('POST /api/connections/test', () => {
  it('answers ok with the server version', async () => {
    const response = await postJson(app, '/api/connections/test', { connection });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ ok: true, serverVersion: expect.stringMatching(/^\d+/) });
  });

  it('answers 502 with the connection error for an unknown database', async () => {
    const url = new URL(database.url);
    url.pathname = '/no_such_database';
    const response = await postJson(app, '/api/connections/test', {
      connection: { connectionString: url.toString() },
    });
    expect(response.statusCode).toBe(502);
    expect(response.json().error).toMatchObject({ kind: 'connection', code: '3D000' });
    expect(response.body).not.toContain(decodeURIComponent(url.password));
  });
});
