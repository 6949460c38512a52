// The write path's arbiter: POST /api/sync/push on a real PostgreSQL.
import { encodeText, studioDocumentId, TEXT_MARKER } from '@platform/schema/server';
import { LIMITS } from '@platform/storage/limits';
import { encodeHlc, type MutationResult, rowJson } from '@platform/sync/protocol';
import { createDatabase, type TestDatabase } from '@platform/testing/postgres';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import {
  ORIGIN,
  PORT,
  type SyncTestServer,
  sessionCookie,
  syncTestServer,
} from '../test-support.ts';

let database: TestDatabase;
let sql: pg.Pool;
let server: SyncTestServer;
let ada: { id: string; cookie: string };
let bob: { id: string; cookie: string };
let vera: { id: string; cookie: string };

const NODE_A = 'aaaaaaaaaaaaaaaa';
const NODE_B = 'bbbbbbbbbbbbbbbb';
const T0 = Date.parse('2026-11-30T12:00:00Z');
const stamp = (ms: number, node = NODE_A, counter = 0) =>
  encodeHlc({ physical: ms, counter, node });

beforeAll(async () => {
  database = await createDatabase(inject('postgresUrl'), 'push');
  sql = new pg.Pool({ connectionString: database.url });
});

beforeEach(async () => {
  server = await syncTestServer(database.url);
  const setup = await server.call('POST', '/api/auth/setup', {
    body: { username: 'ada', password: 'ada password 1' },
  });
  ada = { id: setup.json().user.id, cookie: sessionCookie(setup) };
  for (const [name, role] of [
    ['bob', 'user'],
    ['vera', 'viewer'],
  ] as const) {
    const made = await server.call('POST', '/api/accounts', {
      cookie: ada.cookie,
      body: { username: name, password: `${name} password 1`, role },
    });
    const account = {
      id: made.json().account.id,
      cookie: await server.login(name, `${name} password 1`),
    };
    if (name === 'bob') bob = account;
    else vera = account;
  }
});

afterEach(async () => {
  await server.close();
  await sql.query('delete from platform_users; delete from sync_mutations');
});

afterAll(async () => {
  await sql.end();
  await database.drop();
});

function savedQuery(userId: string, id: string, hlc: string, fields: Record<string, unknown> = {}) {
  return {
    id,
    user_id: userId,
    name: 'Report',
    description: null,
    query: 'select 1',
    connection_type: 'postgres',
    tags: ['a'],
    created_at: '2026-11-30T12:00:00.000Z',
    position: 1,
    extra: null,
    updated_at: '2026-11-30T12:00:00.000Z',
    deleted_at: null,
    hlc,
    ...fields,
  };
}

function historyEntry(
  userId: string,
  id: string,
  hlc: string,
  fields: Record<string, unknown> = {},
) {
  return {
    id,
    user_id: userId,
    connection_id: 'demo',
    connection_name: 'Demo',
    tab_name: 'Query 1',
    query: `select '${id}'`,
    row_count: 1,
    execution_time_ms: 1.5,
    status: 'success',
    error_message: null,
    executed_at: '2026-11-30T12:00:00.000Z',
    extra: null,
    updated_at: '2026-11-30T12:00:00.000Z',
    deleted_at: null,
    hlc,
    ...fields,
  };
}

/** A studio document as a device sends it: the id made from owner, kind and key. */
function studioDocument(
  userId: string,
  kind: string,
  key: string,
  hlc: string,
  fields: Record<string, unknown> = {},
) {
  return {
    id: studioDocumentId(userId, kind, key),
    user_id: userId,
    kind,
    key,
    position: 1,
    doc: { id: key, kind },
    created_at: '2026-11-30T12:00:00.000Z',
    updated_at: '2026-11-30T12:00:00.000Z',
    deleted_at: null,
    hlc,
    ...fields,
  };
}

let nextId = 0;
function upsert(table: string, row: Record<string, unknown> & { id: string; hlc: string }) {
  nextId += 1;
  return {
    id: `m-${nextId}-${Math.random()}`,
    table,
    op: 'upsert',
    rowId: row.id,
    hlc: row.hlc,
    row,
  };
}

async function push(
  who: { cookie: string },
  mutations: unknown[],
): Promise<{ status: number; results: MutationResult[]; body: Record<string, unknown> }> {
  const response = await server.call('POST', '/api/sync/push', {
    cookie: who.cookie,
    body: { mutations },
  });
  const body = response.json();
  return { status: response.statusCode, results: body.results ?? [], body };
}

async function stored(id: string) {
  const { rows } = await sql.query(
    'select name, hlc, deleted_at is not null as deleted from saved_queries where id = $1',
    [id],
  );
  return rows[0] ?? null;
}

describe('POST /api/sync/push', () => {
  it('applies a newer write and sends the stored row back for an older one', async () => {
    const first = await push(bob, [
      upsert('saved_queries', savedQuery(bob.id, 'q1', stamp(T0 + 10))),
    ]);
    const newer = await push(bob, [
      upsert('saved_queries', savedQuery(bob.id, 'q1', stamp(T0 + 20, NODE_B), { name: 'Newer' })),
    ]);
    const older = await push(bob, [
      upsert('saved_queries', savedQuery(bob.id, 'q1', stamp(T0 + 15), { name: 'Older' })),
    ]);

    expect(first.results[0]).toMatchObject({ status: 'applied', hlc: stamp(T0 + 10) });
    expect(newer.results[0]).toMatchObject({ status: 'applied' });
    expect(older.results[0]).toMatchObject({ status: 'stale', hlc: stamp(T0 + 20, NODE_B) });
    expect(older.results[0]?.current).toMatchObject({ id: 'q1', name: 'Newer' });
    expect(await stored('q1')).toEqual({
      name: 'Newer',
      hlc: stamp(T0 + 20, NODE_B),
      deleted: false,
    });
    expect(typeof first.body.serverTime).toBe('number');
  });

  it('orders writes of the same millisecond by counter, then by device', async () => {
    await push(bob, [
      upsert('saved_queries', savedQuery(bob.id, 'q1', stamp(T0, NODE_B, 1), { name: 'B1' })),
    ]);
    const sameMsLowerCounter = await push(bob, [
      upsert('saved_queries', savedQuery(bob.id, 'q1', stamp(T0, NODE_B, 0), { name: 'B0' })),
    ]);
    const sameCounterLowerNode = await push(bob, [
      upsert('saved_queries', savedQuery(bob.id, 'q1', stamp(T0, NODE_A, 1), { name: 'A1' })),
    ]);
    expect(sameMsLowerCounter.results[0]?.status).toBe('stale');
    expect(sameCounterLowerNode.results[0]?.status).toBe('stale');
    expect((await stored('q1')).name).toBe('B1');
  });

  it('lets a delete win or lose by the same rule, and never resurrects a deleted row', async () => {
    await push(bob, [upsert('saved_queries', savedQuery(bob.id, 'q1', stamp(T0 + 10)))]);
    // A tombstone (deleted_at set) from one device…
    const deleted = await push(bob, [
      upsert(
        'saved_queries',
        savedQuery(bob.id, 'q1', stamp(T0 + 30), { deleted_at: '2026-11-30T12:00:01Z' }),
      ),
    ]);
    // …then an edit made earlier on another device arrives late.
    const lateEdit = await push(bob, [
      upsert(
        'saved_queries',
        savedQuery(bob.id, 'q1', stamp(T0 + 20, NODE_B), { name: 'Late edit' }),
      ),
    ]);
    expect(deleted.results[0]?.status).toBe('applied');
    expect(lateEdit.results[0]?.status).toBe('stale');
    expect(await stored('q1')).toMatchObject({ deleted: true, hlc: stamp(T0 + 30) });

    // An edit made after the delete, on a device that had not seen it, wins: by the same rule.
    const laterEdit = await push(bob, [
      upsert(
        'saved_queries',
        savedQuery(bob.id, 'q1', stamp(T0 + 40, NODE_B), { name: 'Later edit' }),
      ),
    ]);
    expect(laterEdit.results[0]?.status).toBe('applied');
    expect(await stored('q1')).toMatchObject({ deleted: false, name: 'Later edit' });

    // A delete op (a row removed outright on the device) is a tombstone with its own stamp.
    const removed = await push(bob, [
      { id: 'del-1', table: 'saved_queries', op: 'delete', rowId: 'q1', hlc: stamp(T0 + 50) },
    ]);
    expect(removed.results[0]).toMatchObject({ status: 'applied', hlc: stamp(T0 + 50) });
    expect(await stored('q1')).toMatchObject({ deleted: true, hlc: stamp(T0 + 50) });
  });

  it('applies a mutation id once: a retry gets the first answer and changes nothing', async () => {
    const mutation = upsert('saved_queries', savedQuery(bob.id, 'q1', stamp(T0 + 10)));
    const first = await push(bob, [mutation]);
    // Meanwhile a newer write lands from another device.
    await push(bob, [
      upsert('saved_queries', savedQuery(bob.id, 'q1', stamp(T0 + 20, NODE_B), { name: 'B' })),
    ]);

    const retry = await push(bob, [mutation]);

    expect(retry.results).toEqual(first.results);
    expect((await stored('q1')).name).toBe('B');
    const { rows } = await sql.query(
      'select count(*)::int as n from sync_mutations where id = $1',
      [mutation.id],
    );
    expect(rows[0].n).toBe(1);
  });

  it("refuses another user's rows without telling anything about them", async () => {
    await push(ada, [upsert('saved_queries', savedQuery(ada.id, 'shared-id', stamp(T0)))]);

    const overwrite = await push(bob, [
      upsert(
        'saved_queries',
        savedQuery(bob.id, 'shared-id', stamp(T0 + 99), { name: 'Mine now' }),
      ),
    ]);
    const asAda = await push(bob, [
      upsert('saved_queries', savedQuery(ada.id, 'q2', stamp(T0 + 99))),
    ]);
    const tombstone = await push(bob, [
      {
        id: 'del-x',
        table: 'saved_queries',
        op: 'delete',
        rowId: 'shared-id',
        hlc: stamp(T0 + 99),
      },
    ]);

    expect(overwrite.results[0]).toEqual({
      id: overwrite.results[0]?.id,
      status: 'conflict',
      reason: 'this id belongs to another user',
    });
    expect(asAda.results[0]).toMatchObject({ status: 'forbidden', current: null });
    expect(tombstone.results[0]?.status).toBe('conflict');
    expect(await stored('shared-id')).toMatchObject({ name: 'Report', deleted: false });
    expect(await stored('q2')).toBeNull();
  });

  it("refuses a viewer's saved queries and connections but takes their history", async () => {
    const result = await push(vera, [
      upsert('saved_queries', savedQuery(vera.id, 'vq', stamp(T0))),
      upsert('query_logs', historyEntry(vera.id, 'vh', stamp(T0))),
    ]);
    expect(result.results.map((r) => r.status)).toEqual(['forbidden', 'applied']);
    expect(result.results[0]?.reason).toContain('viewer');
    expect(await stored('vq')).toBeNull();
  });

  it('lets users change their own profile but not their role, nor delete themselves', async () => {
    const { rows } = await sql.query(
      `select row_to_json(u) as row from platform_users u where id = $1`,
      [bob.id],
    );
    const me = rows[0].row;
    const profile = (fields: Record<string, unknown>, at: number) => ({
      ...me,
      ...fields,
      hlc: stamp(at),
    });

    const prefs = await push(bob, [
      upsert('platform_users', profile({ preferences: { theme: 'dark' } }, Date.now())),
    ]);
    // Pushed by a device that has the preference: the refusal keeps it.
    const dark = { preferences: { theme: 'dark' } };
    const promote = await push(bob, [
      upsert('platform_users', profile({ ...dark, platform_role: 'admin' }, Date.now() + 1)),
    ]);
    const leave = await push(bob, [
      upsert(
        'platform_users',
        profile({ ...dark, deleted_at: new Date().toISOString() }, Date.now() + 2),
      ),
    ]);
    const other = await push(bob, [
      upsert('platform_users', { ...profile({}, Date.now() + 4), id: ada.id }),
    ]);

    expect(prefs.results[0]?.status).toBe('applied');
    expect(promote.results[0]).toMatchObject({ status: 'forbidden' });
    expect(promote.results[0]?.current).toMatchObject({
      platform_role: 'user',
      preferences: { theme: 'dark' },
    });
    expect(leave.results[0]).toMatchObject({ status: 'forbidden', current: { deleted_at: null } });
    expect(other.results[0]?.status).toBe('conflict');
    const after = await sql.query(
      'select platform_role, preferences, deleted_at from platform_users where id = $1',
      [bob.id],
    );
    expect(after.rows[0]).toEqual({
      platform_role: 'user',
      preferences: { theme: 'dark' },
      deleted_at: null,
    });
  });

  it("keeps an account's username, email and creation time the server's, and tells nothing of other accounts", async () => {
    const { rows } = await sql.query(
      `select ${rowJson('platform_users', 'u')} as row from platform_users u where id = $1`,
      [bob.id],
    );
    const me = rows[0].row;
    let at = Date.now();
    const profile = (fields: Record<string, unknown>) => ({ ...me, ...fields, hlc: stamp(++at) });

    // A rename pushed with a preference changed at the same time: the preference is kept.
    const padded = await push(bob, [
      upsert('platform_users', profile({ username: 'bob ', preferences: { theme: 'light' } })),
    ]);
    const taken = await push(bob, [upsert('platform_users', profile({ username: 'ADA' }))]);
    const free = await push(bob, [upsert('platform_users', profile({ username: 'nobody-yet' }))]);
    const email = await push(bob, [
      upsert('platform_users', profile({ email: 'bob@attacker.example' })),
    ]);
    // A creation time is kept as stored, silently: a browser profile linked to the account
    // carries its own, and the rest of its row is the user's.
    const born = await push(bob, [
      upsert(
        'platform_users',
        profile({ created_at: '2001-01-01T00:00:00Z', preferences: { theme: 'dark' } }),
      ),
    ]);

    for (const [answer, reason] of [
      [padded, /usernames are changed by an admin/],
      [taken, /usernames are changed by an admin/],
      [free, /usernames are changed by an admin/],
      [email, /email is changed in the account settings/],
    ] as const) {
      expect(answer.status).toBe(200);
      // Refused with the row as the server keeps it, which the device takes (and reports).
      expect(answer.results[0]).toMatchObject({
        status: 'forbidden',
        reason: expect.stringMatching(reason),
        current: { id: bob.id, username: 'bob', email: null, created_at: me.created_at },
      });
    }
    expect(padded.results[0]?.current).toMatchObject({ preferences: { theme: 'light' } });
    // Whether a name is taken changes nothing in the answer (but for its own ids and stamps).
    const answerOf = (r: MutationResult | undefined) => ({
      ...r,
      id: '',
      current: { ...r?.current, hlc: '' },
    });
    expect(answerOf(taken.results[0])).toEqual(answerOf(free.results[0]));
    expect(JSON.stringify(taken.body)).not.toContain('ADA');
    expect(born.results[0]?.status).toBe('applied');

    const after = await sql.query(
      `select username, email, created_at = $2::timestamptz as born_same, preferences
         from platform_users where id = $1`,
      [bob.id, me.created_at],
    );
    expect(after.rows[0]).toEqual({
      username: 'bob',
      email: null,
      born_same: true,
      preferences: { theme: 'dark' },
    });
    // Still the account it was: bob logs in as bob.
    await expect(server.login('bob', 'bob password 1')).resolves.toContain('platform_session=');
  });

  it("keeps a stored row's creation time, and takes the rest of the write", async () => {
    const created = '2026-11-30T12:00:00.000Z';
    await push(bob, [
      upsert('saved_queries', savedQuery(bob.id, 'q1', stamp(T0 + 10), { created_at: created })),
    ]);
    const rewritten = await push(bob, [
      upsert(
        'saved_queries',
        savedQuery(bob.id, 'q1', stamp(T0 + 20), {
          created_at: '1999-12-31T23:59:59Z',
          name: 'Renamed',
        }),
      ),
    ]);

    expect(rewritten.results[0]).toMatchObject({ status: 'applied', hlc: stamp(T0 + 20) });
    const { rows } = await sql.query(
      `select name, created_at = $2::timestamptz as born_same from saved_queries where id = $1`,
      ['q1', created],
    );
    expect(rows).toEqual([{ name: 'Renamed', born_same: true }]);
    // A row the server never had takes the device's creation time.
    await push(bob, [
      upsert('saved_queries', savedQuery(bob.id, 'q2', stamp(T0 + 30), { created_at: created })),
    ]);
    const fresh = await sql.query(
      `select created_at = $1::timestamptz as same from saved_queries where id = 'q2'`,
      [created],
    );
    expect(fresh.rows).toEqual([{ same: true }]);
  });

  it('answers values Postgres would refuse invalid, naming the column, and applies the rest', async () => {
    const deep = `${'['.repeat(5_000)}${']'.repeat(5_000)}`;
    const mutations = [
      upsert(
        'query_logs',
        historyEntry(bob.id, 'h-feb30', stamp(T0), {
          executed_at: '2026-02-30T10:00:00Z',
        }),
      ),
      upsert(
        'query_logs',
        historyEntry(bob.id, 'h-zone', stamp(T0), {
          executed_at: '2026-01-01T00:00:00+16:00',
        }),
      ),
      upsert(
        'saved_queries',
        savedQuery(bob.id, 'q-leap', stamp(T0), {
          created_at: '2026-02-29T00:00:00Z',
        }),
      ),
      upsert('query_logs', historyEntry(bob.id, 'h-big', stamp(T0), { row_count: 2_147_483_648 })),
      upsert('query_logs', historyEntry(bob.id, 'h-deep', stamp(T0), { extra: { deep: 'DEEP' } })),
      upsert('saved_queries', savedQuery(bob.id, 'q-good', stamp(T0))),
    ];
    // Nested 5,000 deep: written as JSON text, as a client would send it.
    const body = JSON.stringify({ mutations }).replace('"DEEP"', deep);
    const response = await server.app.inject({
      method: 'POST',
      url: '/api/sync/push',
      headers: {
        host: `127.0.0.1:${PORT}`,
        origin: ORIGIN,
        'content-type': 'application/json',
        cookie: bob.cookie,
      },
      payload: body,
    });

    expect(response.statusCode).toBe(200);
    const results: MutationResult[] = response.json().results;
    expect(results.map((r) => [r.id, r.status])).toEqual(
      mutations.map((m, i) => [m.id, i === 3 || i === 5 ? 'applied' : 'invalid']),
    );
    expect(results[0]?.reason).toMatch(/^executed_at: must be an ISO 8601 timestamp/);
    expect(results[1]?.reason).toMatch(/^executed_at: /);
    expect(results[2]?.reason).toMatch(/^created_at: /);
    expect(results[4]?.reason).toMatch(/^extra: must nest at most 1000 levels/);
    const { rows } = await sql.query(
      `select id, row_count from query_logs where user_id = $1 union all
       select id, null from saved_queries where user_id = $1 order by id`,
      [bob.id],
    );
    expect(rows).toEqual([
      { id: 'h-big', row_count: '2147483648' },
      { id: 'q-good', row_count: null },
    ]);
  });

  it('answers a row the database itself refuses invalid, and writes the rest of its table', async () => {
    // A rule the row schemas do not know: only Postgres can refuse this row.
    await sql.query(
      `alter table saved_queries add constraint spec_refused_name check (name <> 'Refused')`,
    );
    try {
      const incompressible = Array.from({ length: 3_000 }, (_, i) =>
        String.fromCodePoint(0x4e00 + ((i * 7919) % 20_000)),
      ).join('');
      const result = await push(bob, [
        upsert('saved_queries', savedQuery(bob.id, 'q-before', stamp(T0))),
        upsert('saved_queries', savedQuery(bob.id, 'q-refused', stamp(T0), { name: 'Refused' })),
        // Too large for the tags' GIN index: a limit of Postgres, not of the row schemas.
        upsert('saved_queries', savedQuery(bob.id, 'q-tag', stamp(T0), { tags: [incompressible] })),
        upsert('saved_queries', savedQuery(bob.id, 'q-after', stamp(T0))),
        upsert('query_logs', historyEntry(bob.id, 'h-other-table', stamp(T0))),
      ]);

      expect(result.status).toBe(200);
      expect(result.results.map((r) => r.status)).toEqual([
        'applied',
        'invalid',
        'invalid',
        'applied',
        'applied',
      ]);
      expect(result.results[1]?.reason).toMatch(
        /^spec_refused_name: the database refused it \(23514/,
      );
      expect(result.results[2]?.reason).toMatch(/the database refused it \(54000/);
      const { rows } = await sql.query(
        `select id from saved_queries where user_id = $1 union all
         select id from query_logs where user_id = $1 order by id`,
        [bob.id],
      );
      expect(rows.map((r) => r.id)).toEqual(['h-other-table', 'q-after', 'q-before']);
      // The refusals are answers like any other: recorded, and repeated to a retry.
      const { rows: recorded } = await sql.query(
        `select result->>'status' as status from sync_mutations where id = $1`,
        [result.results[1]?.id],
      );
      expect(recorded).toEqual([{ status: 'invalid' }]);
    } finally {
      await sql.query('alter table saved_queries drop constraint spec_refused_name');
    }
  });

  it('answers a mutation id given twice in one batch once, and the repeat invalid', async () => {
    const first = upsert('saved_queries', savedQuery(bob.id, 'q1', stamp(T0)));
    const again = { ...upsert('saved_queries', savedQuery(bob.id, 'q2', stamp(T0))), id: first.id };
    const result = await push(bob, [first, again]);
    expect(result.results).toEqual([
      { id: first.id, status: 'applied', hlc: stamp(T0) },
      { id: first.id, status: 'invalid', reason: 'this mutation id is in the batch twice' },
    ]);
    expect(await stored('q2')).toBeNull();
  });

  it('restamps a write from a clock running far ahead with the server’s time', async () => {
    const future = Date.now() + 3_600_000;
    const result = await push(bob, [
      upsert('saved_queries', savedQuery(bob.id, 'q1', stamp(future))),
    ]);

    const assigned = result.results[0]?.hlc ?? '';
    expect(result.results[0]?.status).toBe('applied');
    expect(assigned).not.toBe(stamp(future));
    expect(Number(assigned.slice(0, 15))).toBeLessThanOrEqual(Date.now());
    expect((await stored('q1')).hlc).toBe(assigned);
    // So a correct device's edit a moment later wins, as it should.
    const next = await push(bob, [
      upsert(
        'saved_queries',
        savedQuery(bob.id, 'q1', stamp(Date.now() + 5, NODE_B), { name: 'Now' }),
      ),
    ]);
    expect(next.results[0]?.status).toBe('applied');
  });

  it('answers invalid rows one by one, and writes the valid ones of the batch', async () => {
    const result = await push(bob, [
      upsert('saved_queries', savedQuery(bob.id, 'bad', stamp(T0), { tags: 'not-a-list' })),
      upsert('query_logs', { ...historyEntry(bob.id, 'h-bad', stamp(T0)), status: 'maybe' }),
      upsert('saved_queries', savedQuery(bob.id, 'good', stamp(T0))),
      { ...upsert('saved_queries', savedQuery(bob.id, 'mismatch', stamp(T0))), rowId: 'other' },
    ]);
    expect(result.results.map((r) => r.status)).toEqual([
      'invalid',
      'invalid',
      'applied',
      'invalid',
    ]);
    expect(result.results[0]?.reason).toMatch(/^tags:/);
    expect(result.results[1]?.reason).toMatch(/^status:/);
    expect(await stored('good')).not.toBeNull();
  });

  it('takes a batch of large query texts, well past the other routes’ body limit', async () => {
    const big = (id: string) => ({
      ...historyEntry(bob.id, id, stamp(T0)),
      query: `select '${'x'.repeat(900_000)}'`,
    });
    const result = await push(bob, [
      upsert('query_logs', big('big-1')),
      upsert('query_logs', big('big-2')),
      upsert('query_logs', big('big-3')),
    ]);
    expect(result.status).toBe(200);
    expect(result.results.map((r) => r.status)).toEqual(['applied', 'applied', 'applied']);
  });

  it('takes one query text at its limit however it is escaped (35 MiB of JSON)', async () => {
    // Every character a lone surrogate: stored as `\udc00`, written `\\udc00` in JSON.
    const query = `${TEXT_MARKER}${'\\udc00'.repeat(LIMITS.queryText)}`;
    const mutation = upsert('query_logs', historyEntry(bob.id, 'huge', stamp(T0), { query }));
    expect(Buffer.byteLength(JSON.stringify({ mutations: [mutation] }))).toBeGreaterThan(35 << 20);

    const result = await push(bob, [mutation]);

    expect(result.results.map((r) => r.status)).toEqual(['applied']);
    const { rows } = await sql.query(
      `select length(query) as n, query = $1 as same from query_logs where id = 'huge'`,
      [query],
    );
    expect(rows).toEqual([{ n: query.length, same: true }]);
  });

  it('refuses requests without a session, and malformed or oversized batches', async () => {
    const anonymous = await server.call('POST', '/api/sync/push', {
      body: { mutations: [upsert('query_logs', historyEntry(bob.id, 'h', stamp(T0)))] },
    });
    const empty = await push(bob, []);
    const tooMany = await push(
      bob,
      Array.from({ length: 501 }, (_, i) =>
        upsert('query_logs', historyEntry(bob.id, `h${i}`, stamp(T0))),
      ),
    );
    const passwords = await push(bob, [
      {
        id: 'p',
        table: 'platform_user_passwords',
        op: 'upsert',
        rowId: bob.id,
        hlc: stamp(T0),
        row: {},
      },
    ]);
    expect(anonymous.statusCode).toBe(401);
    expect(empty.status).toBe(422);
    expect(tooMany.status).toBe(422);
    expect(passwords.status).toBe(422);
  });
});

describe('POST /api/sync/push, studio documents', () => {
  const storedDocument = async (id: string) =>
    (
      await sql.query(
        `select kind, key, doc::text as doc, hlc, deleted_at is not null as deleted
           from studio_documents where id = $1`,
        [id],
      )
    ).rows[0] ?? null;

  it('applies them by last-write-wins, like every synced row', async () => {
    const snapshot = studioDocument(bob.id, 'schema_snapshot', 'snap-1', stamp(T0 + 10));
    const first = await push(bob, [upsert('studio_documents', snapshot)]);
    const older = await push(bob, [
      upsert('studio_documents', { ...snapshot, hlc: stamp(T0 + 5), doc: { older: true } }),
    ]);

    expect(first.results[0]).toMatchObject({ status: 'applied', hlc: stamp(T0 + 10) });
    expect(older.results[0]).toMatchObject({ status: 'stale', current: { doc: snapshot.doc } });
    expect(await storedDocument(snapshot.id)).toEqual({
      kind: 'schema_snapshot',
      key: 'snap-1',
      doc: JSON.stringify(snapshot.doc),
      hlc: stamp(T0 + 10),
      deleted: false,
    });
  });

  it("takes a viewer's audit events and workspace, but not their charts or configs", async () => {
    const result = await push(vera, [
      upsert('studio_documents', studioDocument(vera.id, 'audit_event', 'e1', stamp(T0))),
      upsert('studio_documents', studioDocument(vera.id, 'workspace_tabs', 'c1', stamp(T0))),
      upsert('studio_documents', studioDocument(vera.id, 'saved_chart', 'ch1', stamp(T0))),
      upsert('studio_documents', studioDocument(vera.id, 'masking_config', '', stamp(T0))),
    ]);

    expect(result.results.map((r) => r.status)).toEqual([
      'applied',
      'applied',
      'forbidden',
      'forbidden',
    ]);
    expect(result.results[2]).toMatchObject({
      reason: 'a viewer cannot write saved_chart documents',
      current: null,
    });
    const { rows } = await sql.query(
      'select kind from studio_documents where user_id = $1 order by kind',
      [vera.id],
    );
    expect(rows.map((r) => r.kind)).toEqual(['audit_event', 'workspace_tabs']);
  });

  it("refuses a viewer's delete of a chart they made as a user, sending the chart back", async () => {
    const chart = studioDocument(vera.id, 'saved_chart', 'ch1', stamp(T0));
    // Made before an admin made vera a viewer.
    await sql.query(
      `insert into studio_documents (id, user_id, kind, key, doc, hlc) values ($1, $2, $3, $4, $5, $6)`,
      [chart.id, vera.id, chart.kind, chart.key, JSON.stringify(chart.doc), chart.hlc],
    );
    const result = await push(vera, [
      {
        id: 'del-chart',
        table: 'studio_documents',
        op: 'delete',
        rowId: chart.id,
        hlc: stamp(T0 + 1),
      },
      upsert('studio_documents', {
        ...chart,
        hlc: stamp(T0 + 2),
        deleted_at: '2026-11-30T13:00:00Z',
      }),
    ]);

    expect(result.results.map((r) => r.status)).toEqual(['forbidden', 'forbidden']);
    expect(result.results[0]?.current).toMatchObject({ id: chart.id, doc: chart.doc });
    expect(await storedDocument(chart.id)).toMatchObject({ deleted: false, hlc: stamp(T0) });
  });

  it('answers a forged id invalid, saying why, and writes nothing', async () => {
    const forged = {
      ...studioDocument(bob.id, 'saved_chart', 'ch1', stamp(T0)),
      id: studioDocumentId(ada.id, 'saved_chart', 'ch1'),
    };
    const result = await push(bob, [upsert('studio_documents', forged)]);

    expect(result.status).toBe(200);
    expect(result.results[0]).toMatchObject({
      status: 'invalid',
      reason: 'id: must be md5(user_id, kind, key)',
    });
    expect(await storedDocument(forged.id)).toBeNull();
  });

  it('keeps \\u0000 inside a document and in a stored query text exactly, answers included', async () => {
    const doc = { tabs: [{ query: 'select 1\u0000' }], lone: '\ud800', n: 1.5 };
    const tabs = studioDocument(bob.id, 'workspace_tabs', 'c1', stamp(T0 + 10), { doc });
    const query = encodeText("select 'a\u0000b' -- \udfff");
    const entry = historyEntry(bob.id, 'h-nul', stamp(T0 + 10), {
      query,
      extra: { note: '\u0000' },
    });
    const mutation = upsert('studio_documents', { ...tabs, hlc: stamp(T0 + 5) });

    const first = await push(bob, [upsert('studio_documents', tabs), upsert('query_logs', entry)]);
    // An older write of the document: the answer carries the stored one, \u0000 and all…
    const stale = await push(bob, [mutation]);
    // …and so does the recorded answer a retry gets.
    const retry = await push(bob, [mutation]);

    expect(first.results.map((r) => r.status)).toEqual(['applied', 'applied']);
    expect((await storedDocument(tabs.id))?.doc).toBe(JSON.stringify(doc));
    const { rows } = await sql.query(
      `select query, extra::text as extra from query_logs where id = 'h-nul'`,
    );
    expect(rows).toEqual([{ query, extra: JSON.stringify({ note: '\u0000' }) }]);
    expect(stale.results[0]).toMatchObject({ status: 'stale', current: { doc } });
    expect(retry.results).toEqual(stale.results);
  });

  it('answers a raw U+0000 or lone surrogate in a text field invalid, and applies the rest', async () => {
    const result = await push(bob, [
      upsert('query_logs', historyEntry(bob.id, 'h-raw', stamp(T0), { query: 'select 1\u0000' })),
      upsert('saved_queries', savedQuery(bob.id, 'q-raw', stamp(T0), { name: 'half \ud800' })),
      upsert('studio_documents', studioDocument(bob.id, 'audit_event', 'e1', stamp(T0))),
      upsert('query_logs', historyEntry(bob.id, 'h-good', stamp(T0))),
    ]);

    expect(result.status).toBe(200);
    expect(result.results.map((r) => r.status)).toEqual([
      'invalid',
      'invalid',
      'applied',
      'applied',
    ]);
    expect(result.results[0]?.reason).toMatch(/^query: must not hold U\+0000/);
    expect(result.results[1]?.reason).toMatch(/^name: must not hold U\+0000 or a lone surrogate/);
    const { rows } = await sql.query(
      `select id from query_logs where user_id = $1 union all
       select id from saved_queries where user_id = $1 order by id`,
      [bob.id],
    );
    expect(rows.map((r) => r.id)).toEqual(['h-good']);
  });
});
