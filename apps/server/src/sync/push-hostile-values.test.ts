// A property of POST /api/sync/push on a real PostgreSQL: whatever a client puts in any field of
// any synced table (the tables and columns are the protocol's own, SYNCED), mixed with valid
// mutations, the push answers 200 with one answer per mutation, in order; every valid mutation
// is applied; every row is afterwards either as it was or exactly as an applied mutation wrote
// it (never half of one); and the server goes on working.
import { studioDocumentId, TEXT_MARKER } from '@platform/schema/server';
import { LIMITS } from '@platform/storage/limits';
import {
  encodeHlc,
  MUTATION_STATUSES,
  type MutationResult,
  rowJson,
  SYNCED,
  SYNCED_TABLES,
  type SyncedTable,
  timestampMicros,
} from '@platform/sync/protocol';
import { createDatabase, type TestDatabase } from '@platform/testing/postgres';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
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
let bob: { id: string; cookie: string };
/** Bob's account row as the server first stored it: the base of every profile mutation. */
let bobRow: Record<string, unknown>;

beforeAll(async () => {
  database = await createDatabase(inject('postgresUrl'), 'push_hostile');
  sql = new pg.Pool({ connectionString: database.url });
  server = await syncTestServer(database.url);
  const setup = await server.call('POST', '/api/auth/setup', {
    body: { username: 'ada', password: 'ada password 1' },
  });
  const made = await server.call('POST', '/api/accounts', {
    cookie: sessionCookie(setup),
    body: { username: 'bob', password: 'bob password 1', role: 'user' },
  });
  bob = { id: made.json().account.id, cookie: await server.login('bob', 'bob password 1') };
  bobRow = await storedRow('platform_users', bob.id);
  for (const table of SYNCED_TABLES) {
    for (const column of SYNCED[table].columnInfo) {
      if (column.columnType !== 'PgCustomColumn') continue;
      await sql.query(
        `alter table "${table}" add constraint "spec_${table}_${column.name}"
           check ("${column.name}" is distinct from '${REFUSED}')`,
      );
    }
  }
});

afterAll(async () => {
  await server?.close();
  await sql?.end();
  await database?.drop();
});

async function storedRow(table: SyncedTable, id: string) {
  const { rows } = await sql.query(
    `select ${rowJson(table, 't')} as row from "${table}" t where id = $1`,
    [id],
  );
  return rows[0]?.row ?? null;
}

// Stamps in push order, all newer than anything stored and never far ahead of the server.
let lastPhysical = 0;
let counter = 0;
function nextStamp(): string {
  const now = Date.now();
  if (now > lastPhysical) [lastPhysical, counter] = [now, 0];
  counter += 1;
  return encodeHlc({ physical: lastPhysical, counter, node: 'aaaaaaaaaaaaaaaa' });
}

const AT = '2026-11-30T12:00:00.000Z';

/** A valid row of each synced table: exactly its synced columns (checked below). */
const VALID: Record<
  SyncedTable,
  (rowId: string, hlc: string, name: string) => Record<string, unknown>
> = {
  platform_users: (_rowId, hlc, name) => ({ ...bobRow, preferences: { theme: name }, hlc }),
  connections: (id, hlc, name) => ({
    id,
    user_id: bob.id,
    name,
    type: 'postgres',
    host: 'db.internal',
    port: 5432,
    db_user: 'me',
    database: 'app',
    connection_string: null,
    is_demo: false,
    created_at: AT,
    position: 1.5,
    extra: { environment: 'dev' },
    updated_at: AT,
    deleted_at: null,
    hlc,
  }),
  saved_queries: (id, hlc, name) => ({
    id,
    user_id: bob.id,
    name,
    description: null,
    query: 'select 1',
    connection_type: 'postgres',
    tags: ['a', name],
    created_at: AT,
    position: 1,
    extra: null,
    updated_at: AT,
    deleted_at: null,
    hlc,
  }),
  query_logs: (id, hlc, name) => ({
    id,
    user_id: bob.id,
    connection_id: 'demo',
    connection_name: name,
    tab_name: 'Query 1',
    query: 'select 1',
    row_count: 1,
    execution_time_ms: 1.5,
    status: 'success',
    error_message: null,
    executed_at: AT,
    extra: { note: name },
    updated_at: AT,
    deleted_at: null,
    hlc,
  }),
  studio_documents: (key, hlc, name) => ({
    id: studioDocumentId(bob.id, 'saved_chart', key),
    user_id: bob.id,
    kind: 'saved_chart',
    key,
    position: 1,
    doc: { id: key, name },
    created_at: AT,
    updated_at: AT,
    deleted_at: null,
    hlc,
  }),
};

/** The id a table's row has for a generated key (a studio document's id is derived). */
const rowIdOf = (table: SyncedTable, key: string) =>
  table === 'platform_users'
    ? bob.id
    : table === 'studio_documents'
      ? studioDocumentId(bob.id, 'saved_chart', key)
      : key;

/** JSON text sent as it is: what JSON can say that a JS value cannot be stringified to. */
class RawJson {
  constructor(readonly text: string) {}
}

/**
 * A value only Postgres refuses: the spec adds a check against it on every text column a person
 * writes, standing for any rule the row schemas do not know. Together with a tag too large for
 * the tags' GIN index (a limit of Postgres itself), it sends pushes down the database's refusal
 * path: the savepoints.
 */
const REFUSED = 'refused by postgres';

/** Incompressible text past what one GIN index entry holds (about 2.7 kB). */
const incompressible = Array.from({ length: 3_000 }, (_, i) =>
  String.fromCodePoint(0x4e00 + ((i * 7919) % 20_000)),
).join('');

const hostileText = fc.string({
  unit: fc.oneof(
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
    fc.constantFrom('\u0000', '\\', TEXT_MARKER, '"', "'"),
  ),
  maxLength: 30,
});

/** JSON values without the keys Fastify's JSON parser refuses outright (prototype poisoning). */
const json = fc
  .jsonValue({ maxDepth: 3 })
  .filter((v) => !/"(__proto__|constructor)"/.test(JSON.stringify(v)));

const BAD_TIMESTAMPS = [
  '2026-02-30T00:00:00Z',
  '2026-02-29T12:00:00+00:00',
  '2026-04-31T00:00:00Z',
  '2026-01-01T00:00:00+16:00',
  '2026-01-01T00:00:00-15:60',
  '2026-13-01T00:00:00Z',
  '2026-01-01T24:00:00.5Z',
  '2026-01-01T23:59:60Z',
  '0099-01-01T00:00:00Z',
  '1969-12-31T23:59:59Z',
  '9999-12-31T23:00:00-01:00',
  '+10000-01-01T00:00:00Z',
  'epoch',
  'infinity',
];

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    2_147_483_648,
    -2_147_483_649,
    2 ** 53,
    -(2 ** 63),
    1e308,
    -1e308,
    0.5,
    -0,
    -1,
    65_536,
    '2026-01-01',
    '\u0000',
    'a\ud800b',
    '\udfff',
    `${TEXT_MARKER}\\q`,
    '',
    'NULL',
    "'); drop table platform_users; --",
    'NaN',
    'Infinity',
    'admin',
    'viewer',
    'error',
    'x'.repeat(LIMITS.id + 1),
    'e'.repeat(LIMITS.name + 1),
    incompressible,
    [incompressible],
    true,
    null,
    [],
    {},
    [null],
    { '\u0000': '\ud800' },
  ),
  fc.constantFrom(...BAD_TIMESTAMPS),
  hostileText,
  json,
  fc.double(),
  fc.constantFrom(
    new RawJson(`${'['.repeat(5_000)}${']'.repeat(5_000)}`),
    new RawJson(`{"a":${'{"a":'.repeat(2_000)}1${'}'.repeat(2_000)}}`),
    new RawJson('1e400'),
    new RawJson('-1e400'),
    new RawJson('1e-400'),
    new RawJson('123456789012345678901234567890'),
    new RawJson('-0'),
  ),
);

/** Values aimed at what a column's type lets through, so every column meets its worst. */
function aimedAt(table: SyncedTable, column: string): fc.Arbitrary<unknown> {
  const info = SYNCED[table].columnInfo.find((c) => c.name === column);
  switch (info?.columnType) {
    case 'PgTimestamp':
      return fc.constantFrom(...BAD_TIMESTAMPS);
    case 'PgInteger':
    case 'PgBigInt53':
    case 'PgDoublePrecision':
      return fc.oneof(
        fc.constantFrom(2_147_483_648, -1, 2 ** 53, 0.5, 1e308, '2147483648', '12345678901234567'),
        fc.constantFrom(new RawJson('1e400'), new RawJson('-1e400'), new RawJson('1e-400')),
        fc.double(),
      );
    case 'PgArray':
      return fc.oneof(
        fc.constant([incompressible]),
        fc.constantFrom(['\u0000'], ['a\ud800'], [1], [null], 'a', [REFUSED]),
      );
    case 'PgJson':
    case 'PgJsonb':
      return fc.constantFrom(
        new RawJson(`{"a":${'['.repeat(5_000)}${']'.repeat(5_000)}}`),
        { '\u0000': 'x' },
        { lone: '\udfff' },
        [],
        'text',
      );
    default:
      return fc.oneof(
        fc.constant(REFUSED),
        hostileText,
        fc.constantFrom('', 'x'.repeat(LIMITS.id + 1), 'e'.repeat(LIMITS.name + 1), incompressible),
      );
  }
}

/** An account's fields only the server changes, and its answer when a push tries to. */
const SERVER_OWNED = ['username', 'email', 'platform_role', 'created_at', 'deleted_at'];
const KEPT_BY_SERVER = /^(roles|accounts|usernames|an email) .* not through sync$/;

type Change =
  | { kind: 'set'; column: string; value: unknown }
  | { kind: 'drop'; column: string }
  | { kind: 'extra'; name: string; value: unknown };

interface PlannedMutation {
  table: SyncedTable;
  /** Valid, or one hostile change to a valid row. */
  change: Change | null;
  /** A hostile change to a row written earlier in the batch, rather than to a new one. */
  again: boolean;
  name: string;
}

const change = (table: SyncedTable): fc.Arbitrary<Change> =>
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc.constantFrom(...SYNCED[table].columns).chain((column) =>
        fc.record({
          kind: fc.constant('set' as const),
          column: fc.constant(column),
          value: fc.oneof(
            { weight: 1, arbitrary: hostileValue },
            { weight: 2, arbitrary: aimedAt(table, column) },
          ),
        }),
      ),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('drop' as const),
        column: fc.constantFrom(...SYNCED[table].columns),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('extra' as const),
        name: hostileText,
        value: hostileValue,
      }),
    },
  );

const planned: fc.Arbitrary<PlannedMutation> = fc.constantFrom(...SYNCED_TABLES).chain((table) =>
  fc.record({
    table: fc.constant(table),
    change: fc.option(change(table), { freq: 2, nil: null }),
    again: fc.boolean(),
    name: fc.string({ minLength: 1, maxLength: 20 }),
  }),
);

interface Built {
  body: string;
  ids: string[];
  valid: boolean[];
  /** The rows as the server parses them (RawJson read by JSON.parse). */
  rows: { table: SyncedTable; rowId: string; row: Record<string, unknown> }[];
}

let run = 0;
function build(plan: PlannedMutation[]): Built {
  run += 1;
  const placeholders: string[] = [];
  const written = new Map<SyncedTable, string[]>();
  const mutations = plan.map((p, i) => {
    const earlier = written.get(p.table) ?? [];
    const key =
      p.change && p.again && earlier.length > 0 ? (earlier.at(-1) as string) : `r${run}-${i}`;
    if (!p.change) written.set(p.table, [...earlier, key]);
    const hlc = nextStamp();
    const row: Record<string, unknown> = VALID[p.table](key, hlc, p.name);
    if (p.change?.kind === 'set') row[p.change.column] = p.change.value;
    if (p.change?.kind === 'drop') delete row[p.change.column];
    if (p.change?.kind === 'extra') row[p.change.name] = p.change.value;
    return {
      id: `m${run}-${i}`,
      table: p.table,
      op: 'upsert',
      rowId: rowIdOf(p.table, key),
      hlc,
      row,
    };
  });
  const nonce = Math.random().toString(36).slice(2);
  let text = JSON.stringify({ mutations }, (_key, value) => {
    if (!(value instanceof RawJson)) return value;
    placeholders.push(value.text);
    return `@raw-${nonce}-${placeholders.length - 1}@`;
  });
  text = text.replace(
    new RegExp(`"@raw-${nonce}-(\\d+)@"`, 'g'),
    (_, n) => placeholders[Number(n)] ?? '',
  );
  const parsed = JSON.parse(text) as {
    mutations: { rowId: string; row: Record<string, unknown> }[];
  };
  return {
    body: text,
    ids: mutations.map((m) => m.id),
    valid: plan.map((p) => p.change === null),
    rows: parsed.mutations.map((m, i) => ({
      table: plan[i]?.table as SyncedTable,
      rowId: m.rowId,
      row: m.row,
    })),
  };
}

/** A JSON value with its keys sorted, so `jsonb`'s key order does not count. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return Object.is(value, -0) ? 0 : value;
}

const NUMERIC = new Set(['PgInteger', 'PgBigInt53', 'PgDoublePrecision']);

/** A row as comparable values: timestamps by the instant, numbers by value, JSON by content. */
function comparable(table: SyncedTable, row: Record<string, unknown> | null) {
  if (!row) return null;
  return Object.fromEntries(
    SYNCED[table].columnInfo.map((column) => {
      const value = row[column.name];
      if (column.columnType === 'PgTimestamp' && typeof value === 'string') {
        return [column.name, String(timestampMicros(value))];
      }
      // A number may come as its text (Electric sends every value as text, and a client may push
      // a row it read from a shape): it is stored as the number it says.
      if (NUMERIC.has(column.columnType) && typeof value === 'string') {
        return [column.name, Number(value)];
      }
      return [column.name, canonical(value)];
    }),
  );
}

function push(body: string) {
  return server.app.inject({
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
}

describe('POST /api/sync/push, hostile values in every field of every synced table', () => {
  it('has a valid row for each synced table with exactly its synced columns', () => {
    for (const table of SYNCED_TABLES) {
      expect(Object.keys(VALID[table]('k', nextStamp(), 'n')).sort()).toEqual(
        [...SYNCED[table].columns].sort(),
      );
    }
  });

  it('answers each mutation, applies the valid ones, and never leaves half a row', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(planned, { minLength: 1, maxLength: 8 }), async (plan) => {
        const built = build(plan);
        const rowIds = [...new Set(built.rows.map((r) => `${r.table}\u0001${r.rowId}`))];
        const before = new Map<string, Record<string, unknown> | null>();
        for (const entry of rowIds) {
          const [table, id] = entry.split('\u0001') as [SyncedTable, string];
          before.set(entry, await storedRow(table, id));
        }

        const response = await push(built.body);

        expect(response.statusCode).toBe(200);
        const results: MutationResult[] = response.json().results;
        expect(results.map((r) => r.id)).toEqual(built.ids);
        // What each row must be now: the last applied write of it, else what it was. A stored
        // row keeps its creation time.
        const expected = new Map(before);
        results.forEach((result, i) => {
          const target = built.rows[i];
          expect(MUTATION_STATUSES).toContain(result.status);
          if (built.valid[i]) expect(result).toMatchObject({ status: 'applied' });
          const entry = `${target?.table}\u0001${target?.rowId}`;
          const previous = expected.get(entry);
          if (target && result.status === 'forbidden' && KEPT_BY_SERVER.test(result.reason ?? '')) {
            // An account row with a server-owned field changed: the rest of it is written.
            const written = { ...target.row };
            for (const column of SERVER_OWNED) written[column] = previous?.[column];
            expect(comparable(target.table, result.current ?? null)).toEqual(
              comparable(target.table, written),
            );
            expected.set(entry, written);
            return;
          }
          if (result.status !== 'applied') {
            expect(result.reason).toEqual(expect.any(String));
            return;
          }
          if (!target) return;
          expected.set(entry, {
            ...target.row,
            ...(previous && 'created_at' in previous ? { created_at: previous.created_at } : {}),
          });
        });
        plan.forEach((p, i) => {
          const result = results[i];
          if (p.change?.kind !== 'set' || result?.status !== 'invalid') return;
          if (['id', 'hlc', 'user_id', 'kind', 'key'].includes(p.change.column)) return;
          // A refused value is named by its column (or by what Postgres named).
          expect(result.reason).toMatch(
            new RegExp(`^(${p.change.column}[.:]|.*the database refused it)`),
          );
        });
        for (const entry of rowIds) {
          const [table, id] = entry.split('\u0001') as [SyncedTable, string];
          expect(comparable(table, await storedRow(table, id))).toEqual(
            comparable(table, expected.get(entry) ?? null),
          );
        }
        await sql.query(
          'truncate connections, saved_queries, query_logs, studio_documents, sync_mutations',
        );
      }),
      { numRuns: 60 },
    );

    // And the server goes on working: a valid batch of every table, and a session check.
    const after = build(
      SYNCED_TABLES.map((table) => ({ table, change: null, again: false, name: 'after' })),
    );
    const response = await push(after.body);
    expect(response.statusCode).toBe(200);
    expect(response.json().results.map((r: MutationResult) => r.status)).toEqual(
      SYNCED_TABLES.map(() => 'applied'),
    );
    expect((await server.call('GET', '/api/auth/me', { cookie: bob.cookie })).statusCode).toBe(200);
  }, 180_000);
});
