// The read path's gatekeeper: GET /api/sync/shape in front of Electric (here its test double,
// on the same real PostgreSQL), driven by @electric-sql/client as the browser drives it.
import type { AddressInfo } from 'node:net';
import {
  ELECTRIC_PROTOCOL_QUERY_PARAMS,
  isChangeMessage,
  type Message,
  type Row,
  ShapeStream,
} from '@electric-sql/client';
import { type ElectricDouble, startElectricDouble } from '@platform/testing/electric-double';
import { createDatabase, type TestDatabase } from '@platform/testing/postgres';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildServer } from '../app.ts';
import { PORT, TEST_JWT_SECRET, testServer } from '../test-support.ts';

const ELECTRIC_SECRET = 'electric-secret-for-tests';

let database: TestDatabase;
let sql: pg.Pool;
let electric: ElectricDouble;
let app: FastifyInstance;
let base: string;
const sessions: Record<'ada' | 'bob', { id: string; cookie: string }> = {} as never;
const streams: AbortController[] = [];

async function post(url: string, body: unknown, cookie?: string) {
  return fetch(`${base}${url}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  });
}

function cookieOf(response: Response): string {
  const header = response.headers.get('set-cookie') ?? '';
  return header.split(';')[0] ?? '';
}

beforeAll(async () => {
  database = await createDatabase(inject('postgresUrl'), 'shapes');
  sql = new pg.Pool({ connectionString: database.url });
  electric = await startElectricDouble({
    databaseUrl: database.url,
    secret: ELECTRIC_SECRET,
    liveTimeoutMs: 1_000,
  });
  app = await buildServer({
    port: 0,
    webRoot: '/nonexistent',
    sync: {
      databaseUrl: database.url,
      jwtSecret: TEST_JWT_SECRET,
      electricUrl: electric.url,
      electricSecret: ELECTRIC_SECRET,
    },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

  const setup = await post('/api/auth/setup', { username: 'ada', password: 'ada password 1' });
  sessions.ada = {
    id: ((await setup.json()) as { user: { id: string } }).user.id,
    cookie: cookieOf(setup),
  };
  const made = await post(
    '/api/accounts',
    { username: 'bob', password: 'bob password 1', role: 'user' },
    sessions.ada.cookie,
  );
  const bobId = ((await made.json()) as { account: { id: string } }).account.id;
  const login = await post('/api/auth/login', { username: 'bob', password: 'bob password 1' });
  sessions.bob = { id: bobId, cookie: cookieOf(login) };
  await sql.query(
    `insert into saved_queries (id, user_id, name, query) values
       ('ada-1', $1, 'Ada''s', 'select 1'), ('bob-1', $2, 'Bob''s', 'select 2')`,
    [sessions.ada.id, sessions.bob.id],
  );
});

afterEach(() => {
  for (const controller of streams.splice(0)) controller.abort();
});

afterAll(async () => {
  await app?.close();
  await electric?.close();
  await sql?.end();
  await database?.drop();
});

/** A ShapeStream through the proxy with a session cookie, as the browser's sync client runs it. */
function shape(table: string, cookie: string, params: Record<string, string> = {}) {
  const controller = new AbortController();
  streams.push(controller);
  const stream = new ShapeStream<Row>({
    url: `${base}/api/sync/shape`,
    params: { table, ...params } as never,
    signal: controller.signal,
    fetchClient: (input, init) =>
      fetch(input, { ...init, headers: { ...(init?.headers as object), cookie } }),
  });
  const messages: Message<Row>[] = [];
  const errors: unknown[] = [];
  stream.subscribe(
    (batch) => {
      messages.push(...batch);
    },
    (error) => errors.push(error),
  );
  return { stream, messages, errors };
}

const ids = (messages: Message<Row>[]) =>
  messages.filter(isChangeMessage).map((m) => String(m.value.id));
const soon = { timeout: 15_000, interval: 50 };

describe('GET /api/sync/shape', () => {
  it("gives a user their own rows only, live, and never another user's", async () => {
    const { messages, errors } = shape('saved_queries', sessions.bob.cookie);
    await expect.poll(() => ids(messages), soon).toEqual(['bob-1']);

    await sql.query(
      `insert into saved_queries (id, user_id, name, query) values
         ('ada-2', $1, 'Ada again', 'select 3'), ('bob-2', $2, 'Bob again', 'select 4')`,
      [sessions.ada.id, sessions.bob.id],
    );
    await expect.poll(() => ids(messages), soon).toEqual(['bob-1', 'bob-2']);
    expect(errors).toEqual([]);

    // What reached Electric: the server's filter and secret, the client's protocol parameters.
    const asked = electric.requests.filter(
      (r) => r.url.searchParams.get('table') === 'saved_queries',
    );
    for (const { url } of asked) {
      expect(url.searchParams.get('where')).toBe('user_id = $1');
      expect(url.searchParams.get('params[1]')).toBe(sessions.bob.id);
      expect(url.searchParams.get('secret')).toBe(ELECTRIC_SECRET);
      expect(url.searchParams.get('replica')).toBe('full');
      expect(url.searchParams.get('columns')).toContain('"hlc"');
    }
    expect(asked.some((r) => r.url.searchParams.get('live') === 'true')).toBe(true);
  });

  it("serves studio documents the same way: the user's own, every synced column, json as JSON", async () => {
    const doc = { tabs: [{ query: 'select 1\u0000' }] };
    await sql.query(
      `insert into studio_documents (id, user_id, kind, key, doc)
       select md5(u || chr(31) || 'workspace_tabs' || chr(31) || 'c1'), u, 'workspace_tabs', 'c1', $3::json
         from unnest(array[$1, $2]) as u`,
      [sessions.ada.id, sessions.bob.id, JSON.stringify(doc)],
    );
    const { messages, errors } = shape('studio_documents', sessions.bob.cookie);
    await expect.poll(() => messages.filter(isChangeMessage).length, soon).toBe(1);

    const [only] = messages.filter(isChangeMessage);
    expect(only?.value).toMatchObject({ user_id: sessions.bob.id, kind: 'workspace_tabs', doc });
    expect(Object.keys(only?.value ?? {}).sort()).toEqual([
      'created_at',
      'deleted_at',
      'doc',
      'hlc',
      'id',
      'key',
      'kind',
      'position',
      'updated_at',
      'user_id',
    ]);
    const asked = electric.requests.filter(
      (r) => r.url.searchParams.get('table') === 'studio_documents',
    );
    expect(asked.length).toBeGreaterThan(0);
    for (const { url } of asked) {
      expect(url.searchParams.get('where')).toBe('user_id = $1');
      expect(url.searchParams.get('params[1]')).toBe(sessions.bob.id);
    }
    expect(errors).toEqual([]);
  });

  it('shows a user their own account, and an admin every account', async () => {
    const bob = shape('platform_users', sessions.bob.cookie);
    const ada = shape('platform_users', sessions.ada.cookie);
    await expect.poll(() => ids(bob.messages), soon).toEqual([sessions.bob.id]);
    await expect
      .poll(() => ids(ada.messages).sort(), soon)
      .toEqual([sessions.ada.id, sessions.bob.id].sort());
    // Rows carry no password, whatever the table: the password table is not a column of any.
    const row = bob.messages.find(isChangeMessage)?.value ?? {};
    expect(Object.keys(row)).not.toContain('hashed_password');
  });

  it('refuses the password table, other tables, and any attempt to choose rows or columns', async () => {
    const get = async (query: string, cookie = sessions.bob.cookie) => {
      const response = await fetch(`${base}/api/sync/shape?${query}`, { headers: { cookie } });
      return {
        status: response.status,
        body: (await response.json()) as { error: { message: string } },
      };
    };
    const before = electric.requests.length;

    const passwords = await get('table=platform_user_passwords&offset=-1');
    const qualified = await get('table=public.platform_user_passwords&offset=-1');
    const mutations = await get('table=sync_mutations&offset=-1');
    const widened = await get(`table=saved_queries&offset=-1&where=${encodeURIComponent('true')}`);
    const injected = await get(
      `table=saved_queries&offset=-1&where=${encodeURIComponent('user_id = $1) or (true')}&params[1]=x`,
    );
    const params = await get(`table=saved_queries&offset=-1&params[1]=${sessions.ada.id}`);
    const columns = await get('table=platform_users&offset=-1&columns=id');
    const noTable = await get('offset=-1');

    expect(passwords.status).toBe(403);
    expect(passwords.body.error.message).toContain('not available');
    expect(qualified.status).toBe(403);
    expect(mutations.status).toBe(403);
    expect([widened.status, injected.status, params.status, columns.status]).toEqual([
      400, 400, 400, 400,
    ]);
    expect(widened.body.error.message).toContain('the server decides');
    expect(noTable.status).toBe(400);
    // None of them reached Electric.
    expect(electric.requests.length).toBe(before);
  });

  it('refuses every client-side filter, snapshot or unknown parameter by name, and forwards none', async () => {
    // Every subset snapshot parameter the client knows (requestSnapshot, fetchSnapshot), so one
    // a newer client adds is covered too, and the shape-defining ones.
    const subset = ELECTRIC_PROTOCOL_QUERY_PARAMS.filter((p) => p.startsWith('subset__'));
    expect(subset).toEqual(expect.arrayContaining(['subset__where', 'subset__params']));
    const refused: [string, string][] = [
      ['where', 'true'],
      ['columns', 'id'],
      ['params', '1'],
      ['params[1]', sessions.ada.id],
      ['replica', 'default'],
      ...subset.map((p): [string, string] => [p, p.endsWith('limit') ? '10' : 'true']),
      ['subset__anything', 'true'],
      ['live_sse', 'true'],
      ['secret', 'guess'],
      ['api_secret', 'guess'],
      ['WHERE', 'true'],
      ['tabl', 'saved_queries'],
    ];
    // Marks these requests, so a long poll of an earlier test ending meanwhile is not counted.
    const marker = `refused-${Math.random()}`;
    const reached = () =>
      electric.requests.filter((r) => r.url.searchParams.get('cache-buster') === marker);

    for (const [name, value] of refused) {
      const query = new URLSearchParams({ table: 'saved_queries', offset: '-1' });
      query.append('cache-buster', marker);
      query.append(name, value);
      const response = await fetch(`${base}/api/sync/shape?${query}`, {
        headers: { cookie: sessions.bob.cookie },
      });
      const body = (await response.json()) as { error?: { kind: string; message: string } };
      expect({ name, status: response.status, kind: body.error?.kind }).toEqual({
        name,
        status: 400,
        kind: 'request',
      });
      expect(body.error?.message).toContain(`"${name}"`);
    }
    const changesOnly = await fetch(
      `${base}/api/sync/shape?table=saved_queries&offset=-1&cache-buster=${marker}&log=changes_only`,
      { headers: { cookie: sessions.bob.cookie } },
    );
    expect(changesOnly.status).toBe(400);
    expect(reached()).toEqual([]);
  });

  it('forwards the protocol parameters a following client sends, with the server’s own shape', async () => {
    const marker = `forwarded-${Math.random()}`;
    const query = `table=saved_queries&offset=-1&log=full&cache-buster=${marker}&expired_handle=old-1`;
    const response = await fetch(`${base}/api/sync/shape?${query}`, {
      headers: { cookie: sessions.bob.cookie },
    });
    expect(response.status).toBe(200);
    await response.text();
    const reached = () =>
      electric.requests.filter((r) => r.url.searchParams.get('cache-buster') === marker);
    await expect.poll(() => reached().length, soon).toBe(1);
    expect(Object.fromEntries(reached()[0]?.url.searchParams ?? [])).toMatchObject({
      table: 'saved_queries',
      offset: '-1',
      log: 'full',
      'cache-buster': marker,
      expired_handle: 'old-1',
      where: 'user_id = $1',
      'params[1]': sessions.bob.id,
      replica: 'full',
    });
  });

  it('refuses requests without a valid session', async () => {
    const none = await fetch(`${base}/api/sync/shape?table=saved_queries&offset=-1`);
    const forged = await fetch(`${base}/api/sync/shape?table=saved_queries&offset=-1`, {
      headers: { cookie: 'platform_session=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.bad' },
    });
    expect(none.status).toBe(401);
    expect(forged.status).toBe(401);
  });

  it("passes Electric's headers through, and lets no cache keep a user's rows", async () => {
    const before = Date.now();
    const response = await fetch(`${base}/api/sync/shape?table=saved_queries&offset=-1`, {
      headers: { cookie: sessions.bob.cookie },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('electric-handle')).toBeTruthy();
    expect(response.headers.get('electric-offset')).toMatch(/^\d+_\d+$/);
    expect(response.headers.get('electric-schema')).toContain('"hlc"');
    expect(response.headers.get('electric-up-to-date')).not.toBeNull();
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('vary')).toContain('cookie');
    // The server's clock as it answered: devices check theirs against it.
    const serverTime = Number(response.headers.get('x-server-time'));
    expect(serverTime).toBeGreaterThanOrEqual(before);
    expect(serverTime).toBeLessThanOrEqual(Date.now());
    const body = (await response.json()) as { value?: { id: string } }[];
    expect(body.filter((m) => m.value).map((m) => m.value?.id)).toEqual(
      expect.arrayContaining(['bob-1']),
    );
  });

  it('carries a 409 must-refetch through, and the client starts over on the new shape', async () => {
    const { stream, messages } = shape('saved_queries', sessions.bob.cookie);
    await expect.poll(() => ids(messages).length > 0, soon).toBe(true);
    const handle = stream.shapeHandle;

    electric.rotate('saved_queries');
    await sql.query(`update saved_queries set name = 'Renamed' where id = 'bob-1'`);

    await expect
      .poll(
        () => messages.some((m) => 'control' in m.headers && m.headers.control === 'must-refetch'),
        soon,
      )
      .toBe(true);
    await expect.poll(() => stream.shapeHandle !== handle, soon).toBe(true);
  });

  it('answers 502 when Electric is down or refuses the secret', async () => {
    const unreachable = await testServer({
      sync: {
        databaseUrl: database.url,
        jwtSecret: TEST_JWT_SECRET,
        electricUrl: 'http://127.0.0.1:9',
        migrate: false,
      },
    });
    const wrongSecret = await testServer({
      sync: {
        databaseUrl: database.url,
        jwtSecret: TEST_JWT_SECRET,
        electricUrl: electric.url,
        electricSecret: 'not the secret',
        migrate: false,
      },
    });
    try {
      for (const server of [unreachable, wrongSecret]) {
        const response = await server.inject({
          method: 'GET',
          url: '/api/sync/shape?table=saved_queries&offset=-1',
          headers: { host: `127.0.0.1:${PORT}`, cookie: sessions.bob.cookie },
        });
        expect(response.statusCode).toBe(502);
        expect(response.json().error.kind).toBe('unavailable');
      }
    } finally {
      await unreachable.close();
      await wrongSecret.close();
    }
  });
});
