// Who may make the server connect, and how often: sessions in sync mode and off loopback,
// viewers read-only by their session, rate limits per session and per address. Real
// PostgreSQL; the query target is the test server seen through a relay on another port, since
// the platform database's own server is refused (query-targets.test.ts).
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, type TestDatabase } from '@platform/testing/postgres';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ServerOptions } from '../app.ts';
import { type TcpRelay, tcpRelay } from '../query/test-relay.ts';
import { modeServer, postJson, sessionCookie } from '../test-support.ts';

let platform: TestDatabase;
let target: TestDatabase;
let relay: TcpRelay;
let connection: { connectionString: string };
const cookies = { admin: '', user: '', viewer: '' };
const servers: FastifyInstance[] = [];
const marker = join(tmpdir(), `platform-viewer-${randomBytes(6).toString('hex')}`);

/** A server on the shared platform database; accounts made once stay valid on every one. */
function server(options: Partial<ServerOptions> = {}, mode: 'sync' | 'browser-only' = 'sync') {
  return modeServer(servers, mode === 'sync' ? platform.url : null, options);
}

const post = postJson;

async function count(): Promise<number> {
  const client = new pg.Client({ connectionString: target.url });
  await client.connect();
  try {
    return (await client.query('select count(*)::int as n from notes')).rows[0].n;
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  const postgresUrl = inject('postgresUrl');
  platform = await createDatabase(postgresUrl, 'access');
  target = await createDatabase(postgresUrl, 'access_target');
  const url = new URL(postgresUrl);
  relay = await tcpRelay({ host: url.hostname, port: Number(url.port) });
  connection = { connectionString: relay.via(target.url) };
  const setupClient = new pg.Client({ connectionString: target.url });
  await setupClient.connect();
  await setupClient.query('create table notes (body text)');
  await setupClient.end();

  const app = await server();
  const setup = await post(app, '/api/auth/setup', {
    username: 'root',
    password: 'correct horse battery',
  });
  expect(setup.statusCode).toBe(201);
  cookies.admin = sessionCookie(setup);
  for (const [username, role] of [
    ['uma', 'user'],
    ['vera', 'viewer'],
  ] as const) {
    const created = await post(
      app,
      '/api/accounts',
      { username, password: 'correct horse battery', role },
      { cookie: cookies.admin },
    );
    expect(created.statusCode).toBe(201);
    const login = await post(app, '/api/auth/login', {
      username,
      password: 'correct horse battery',
    });
    expect(login.statusCode).toBe(200);
    cookies[role === 'user' ? 'user' : 'viewer'] = sessionCookie(login);
  }
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((app) => app.close()));
});

afterAll(async () => {
  await relay?.close();
  await target?.drop();
  await platform?.drop();
});

describe('in sync mode', () => {
  it('answers 401 to a request without a session, on both endpoints', async () => {
    const app = await server();
    const query = await post(app, '/api/query', { connection, sql: 'select 1' });
    const test = await post(app, '/api/connections/test', { connection });
    for (const response of [query, test]) {
      expect(response.statusCode).toBe(401);
      expect(response.json().error).toMatchObject({ kind: 'unauthorized', reason: 'missing' });
    }
  });

  it('answers 401 to a forged session', async () => {
    const app = await server();
    const response = await post(
      app,
      '/api/query',
      { connection, sql: 'select 1' },
      { cookie: 'platform_session=not-a-token' },
    );
    expect(response.statusCode).toBe(401);
  });

  it('runs a user’s SQL read-write, as asked', async () => {
    const app = await server();
    const response = await post(
      app,
      '/api/query',
      { connection, sql: "insert into notes values ('by uma'); delete from notes" },
      { cookie: cookies.user },
    );
    expect(response.statusCode).toBe(200);
    expect(response.json().readOnly).toBe(false);
    const test = await post(app, '/api/connections/test', { connection }, { cookie: cookies.user });
    expect(test.json()).toMatchObject({ ok: true });
  });

  describe('a viewer', () => {
    it('runs read-only whatever the body says, and is told so', async () => {
      const app = await server();
      const read = await post(
        app,
        '/api/query',
        { connection, sql: 'select count(*) from notes', readOnly: false },
        { cookie: cookies.viewer },
      );
      expect(read.statusCode).toBe(200);
      expect(read.json()).toMatchObject({ readOnly: true, results: [{ rows: [['0']] }] });

      const write = await post(
        app,
        '/api/query',
        { connection, sql: "insert into notes values ('by vera')", readOnly: false },
        { cookie: cookies.viewer },
      );
      expect(write.statusCode).toBe(400);
      expect(write.json().error).toMatchObject({ kind: 'sql', code: '25006' });
      expect(await count()).toBe(0);
    });

    it('cannot COPY … TO PROGRAM, even asking for read-write', async () => {
      const app = await server();
      const response = await post(
        app,
        '/api/query',
        { connection, sql: `copy (select 1) to program 'touch ${marker}'`, readOnly: false },
        { cookie: cookies.viewer },
      );
      expect(response.statusCode).toBe(400);
      expect(response.json().error.message).toContain('COPY');
      expect(existsSync(marker)).toBe(false);
    });
  });

  it('limits connection attempts per session, and tells when to retry', async () => {
    const app = await server({
      query: { rateLimit: { perSession: 2, perAddress: 100, windowMs: 60_000 } },
    });
    for (let attempt = 0; attempt < 2; attempt++) {
      const allowed = await post(
        app,
        '/api/connections/test',
        { connection },
        { cookie: cookies.user },
      );
      expect(allowed.statusCode).toBe(200);
    }
    const limited = await post(
      app,
      '/api/query',
      { connection, sql: 'select 1' },
      { cookie: cookies.user },
    );
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.kind).toBe('rate-limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Another session from the same address is not held back by this one.
    const other = await post(
      app,
      '/api/connections/test',
      { connection },
      { cookie: cookies.admin },
    );
    expect(other.statusCode).toBe(200);
  });

  it('limits connection attempts per address, whichever session makes them', async () => {
    const app = await server({
      query: { rateLimit: { perSession: 100, perAddress: 2, windowMs: 60_000 } },
    });
    const from = { remoteAddress: '203.0.113.7' };
    expect(
      (await post(app, '/api/connections/test', { connection }, { ...from, cookie: cookies.user }))
        .statusCode,
    ).toBe(200);
    expect(
      (await post(app, '/api/connections/test', { connection }, { ...from, cookie: cookies.admin }))
        .statusCode,
    ).toBe(200);
    const limited = await post(
      app,
      '/api/query',
      { connection, sql: 'select 1' },
      { ...from, cookie: cookies.viewer },
    );
    expect(limited.statusCode).toBe(429);
    // Anonymous floods from there are cut off too, before any session lookup.
    const anonymous = await post(app, '/api/query', { connection, sql: 'select 1' }, from);
    expect(anonymous.statusCode).toBe(429);
    const elsewhere = await post(
      app,
      '/api/connections/test',
      { connection },
      { remoteAddress: '198.51.100.9', cookie: cookies.viewer },
    );
    expect(elsewhere.statusCode).toBe(200);
  });
});

describe('off loopback', () => {
  it('refuses the query endpoints without accounts, saying how to fix it', async () => {
    const app = await server({ host: '0.0.0.0' }, 'browser-only');
    for (const response of [
      await post(app, '/api/query', { connection, sql: 'select 1' }),
      await post(app, '/api/connections/test', { connection }),
    ]) {
      expect(response.statusCode).toBe(503);
      const { error } = response.json();
      expect(error).toMatchObject({ kind: 'unavailable', reason: 'sessions-unavailable' });
      expect(error.message).toContain('DATABASE_URL');
      expect(error.message).toContain('HOST=127.0.0.1');
    }
  });

  it('needs a session in sync mode', async () => {
    const app = await server({ host: '0.0.0.0', query: { targets: ['127.0.0.1/32'] } });
    const anonymous = await post(app, '/api/query', { connection, sql: 'select 1' });
    expect(anonymous.statusCode).toBe(401);
    const user = await post(
      app,
      '/api/query',
      { connection, sql: 'select 1' },
      { cookie: cookies.user },
    );
    expect(user.statusCode).toBe(200);
  });
});

describe('browser-only on loopback', () => {
  it('needs no session, as before', async () => {
    const app = await server({}, 'browser-only');
    const response = await post(app, '/api/query', { connection, sql: 'select 1 as one' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ readOnly: false, results: [{ rows: [[1]] }] });
  });
});
