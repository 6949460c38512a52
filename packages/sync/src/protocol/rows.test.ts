import {
  encodeText,
  STUDIO_DOCUMENT_KINDS,
  studioDocumentId,
  TEXT_MARKER,
} from '@platform/schema/common';
import { LIMITS } from '@platform/storage/limits';
import { describe, expect, it } from 'vitest';
import { MAX_PUSH_BYTES, pushRequest } from './messages.ts';
import { MAX_JSON_DEPTH, ROW_SCHEMAS } from './rows.ts';
import { mayWrite, SYNCED, SYNCED_TABLES } from './tables.ts';

const STAMP = '001796000000000000000aaaaaaaaaaaaaaaa';

const savedQuery = {
  id: 'q1',
  user_id: 'u1',
  name: 'Report',
  description: null,
  query: 'select 1',
  connection_type: 'postgres',
  tags: ['a'],
  created_at: '2026-12-01T08:00:00.000+00:00',
  position: 1,
  extra: null,
  updated_at: '2026-12-01 08:00:00.123+00',
  deleted_at: null,
  hlc: STAMP,
};

const historyEntry = {
  id: 'h1',
  user_id: 'u1',
  connection_id: 'demo',
  connection_name: null,
  tab_name: null,
  query: 'select 1',
  row_count: 3,
  execution_time_ms: 1.5,
  status: 'success',
  error_message: null,
  executed_at: '2026-12-01T08:00:00Z',
  extra: null,
  updated_at: '2026-12-01T08:00:00Z',
  deleted_at: null,
  hlc: STAMP,
};

const connection = {
  id: 'c1',
  user_id: 'u1',
  name: 'Warehouse',
  type: 'clickhouse',
  host: 'db.internal',
  port: 8123,
  db_user: null,
  database: null,
  connection_string: null,
  is_demo: false,
  created_at: '2026-12-01T08:00:00Z',
  position: 2.5,
  extra: { environment: 'production', ssl: { mode: 'require' } },
  updated_at: '2026-12-01T08:00:00Z',
  deleted_at: null,
  hlc: STAMP,
};

const chart = (fields: Record<string, unknown> = {}) => {
  const row = {
    user_id: 'u1',
    kind: 'saved_chart',
    key: 'chart-1',
    position: 1,
    doc: { id: 'chart-1', name: 'Sales', yAxis: ['total'] },
    created_at: '2026-12-01T08:00:00Z',
    updated_at: '2026-12-01T08:00:00Z',
    deleted_at: null,
    hlc: STAMP,
    ...fields,
  };
  return { id: studioDocumentId(row.user_id, row.kind, row.key), ...row };
};

/** The fields a row schema names as wrong, by path. */
function problems(table: keyof typeof ROW_SCHEMAS, row: object) {
  const issues = ROW_SCHEMAS[table].safeParse(row).error?.issues ?? [];
  return [...new Set(issues.map((i) => i.path.join('.')))];
}
const reason = (table: keyof typeof ROW_SCHEMAS, row: object) =>
  ROW_SCHEMAS[table].safeParse(row).error?.issues[0]?.message;

describe('the rows sync carries', () => {
  it('are every column of every synced table but per-database ones', () => {
    expect(SYNCED_TABLES).toEqual([
      'platform_users',
      'connections',
      'saved_queries',
      'query_logs',
      'studio_documents',
    ]);
    expect(SYNCED.query_logs.columns).not.toContain('insert_seq');
    expect(SYNCED.query_logs.columns).toContain('hlc');
    expect(SYNCED.studio_documents.owner).toBe('user_id');
    for (const [table, row] of [
      ['saved_queries', savedQuery],
      ['query_logs', historyEntry],
      ['connections', connection],
      ['studio_documents', chart()],
    ] as const) {
      expect(Object.keys(row).sort()).toEqual([...SYNCED[table].columns].sort());
      expect(problems(table, row)).toEqual([]);
    }
  });

  it('are validated with the limits the browser applies, naming the field', () => {
    expect(problems('saved_queries', { ...savedQuery, tags: Array(10_001).fill('t') })).toEqual([
      'tags',
    ]);
    expect(problems('saved_queries', { ...savedQuery, connection_type: '' })).toEqual([
      'connection_type',
    ]);
    expect(problems('saved_queries', { ...savedQuery, hlc: 'soon' })).toEqual(['hlc']);
    expect(problems('saved_queries', { ...savedQuery, updated_at: 'yesterday' })).toEqual([
      'updated_at',
    ]);
    // Date.parse reads "2026" as a date; Postgres does not: only ISO 8601 with a zone passes.
    expect(problems('saved_queries', { ...savedQuery, created_at: '2026' })).toEqual([
      'created_at',
    ]);
    expect(problems('saved_queries', { ...savedQuery, hashed_password: 'x' })).toEqual(['']);
    // What the browser allows, the server takes: an empty name, an empty tag, an empty query.
    expect(problems('saved_queries', { ...savedQuery, name: '', tags: [''], query: '' })).toEqual(
      [],
    );
  });

  it('carry a list position as a finite number, and tags as a list or null', () => {
    expect(problems('saved_queries', { ...savedQuery, position: -0.5 })).toEqual([]);
    expect(problems('saved_queries', { ...savedQuery, position: Infinity })).toEqual(['position']);
    expect(problems('saved_queries', { ...savedQuery, position: null })).toEqual(['position']);
    expect(problems('saved_queries', { ...savedQuery, tags: null })).toEqual([]);
    expect(problems('saved_queries', { ...savedQuery, tags: 'a,b' })).toEqual(['tags']);
  });

  it('carry the fields without a column as a JSON object or null, within the limit', () => {
    expect(problems('connections', { ...connection, extra: null })).toEqual([]);
    expect(problems('connections', { ...connection, extra: ['not', 'an object'] })).toEqual([
      'extra',
    ]);
    expect(problems('connections', { ...connection, extra: 'text' })).toEqual(['extra']);
    // A `json` column keeps \u0000 and lone surrogates: an `extra` may hold them.
    expect(problems('connections', { ...connection, extra: { note: 'a\u0000b\ud800' } })).toEqual(
      [],
    );
    const big = { blob: 'x'.repeat(LIMITS.extraBytes) };
    expect(problems('query_logs', { ...historyEntry, extra: big })).toEqual(['extra']);
  });

  it('carry a row count as a whole number a JavaScript number holds, or its text', () => {
    expect(problems('query_logs', { ...historyEntry, row_count: 2 ** 40 })).toEqual([]);
    expect(problems('query_logs', { ...historyEntry, row_count: '1099511627776' })).toEqual([]);
    expect(problems('query_logs', { ...historyEntry, row_count: null })).toEqual([]);
    expect(problems('query_logs', { ...historyEntry, row_count: -1 })).toEqual(['row_count']);
    expect(problems('query_logs', { ...historyEntry, row_count: 1.5 })).toEqual(['row_count']);
    expect(problems('query_logs', { ...historyEntry, row_count: 2 ** 53 })).toEqual(['row_count']);
  });

  it('carry text in its stored form: a raw U+0000 or lone surrogate is refused, saying why', () => {
    expect(problems('query_logs', { ...historyEntry, query: 'select 1\u0000' })).toEqual(['query']);
    expect(reason('query_logs', { ...historyEntry, query: 'select 1\u0000' })).toMatch(/U\+0000/);
    expect(problems('query_logs', { ...historyEntry, tab_name: 'tab \udc00' })).toEqual([
      'tab_name',
    ]);
    expect(problems('saved_queries', { ...savedQuery, tags: ['ok', 'a\u0000'] })).toEqual([
      'tags.1',
    ]);
    expect(problems('connections', { ...connection, id: 'c\u0000' })).toEqual(['id']);
    // The same text, stored as the text codec stores it, is what the browser sends.
    expect(
      problems('query_logs', { ...historyEntry, query: encodeText('select 1\u0000\ud800') }),
    ).toEqual([]);
    // After the codec's marker, a backslash that starts no escape is not a stored form.
    expect(problems('query_logs', { ...historyEntry, query: `${TEXT_MARKER}a \\x` })).toEqual([
      'query',
    ]);
  });

  it('size stored text by the text it stands for, as the browser counts it', () => {
    expect(encodeText('\u0000\u0000')).toBe(`${TEXT_MARKER}\\0\\0`);
    // 5 Mi U+0000 are 10 Mi characters stored: still a query text at its limit, not over it.
    const nuls = `${TEXT_MARKER}${'\\0'.repeat(LIMITS.queryText)}`;
    expect(problems('query_logs', { ...historyEntry, query: nuls })).toEqual([]);
    expect(problems('query_logs', { ...historyEntry, query: `${nuls}x` })).toEqual(['query']);
  });

  it('refuse a profile whose preferences jsonb could not hold', () => {
    const profile = {
      id: 'u1',
      username: 'ada',
      email: null,
      platform_role: 'user',
      preferences: { theme: 'dark' },
      created_at: '2026-12-01T08:00:00Z',
      updated_at: '2026-12-01T08:00:00Z',
      deleted_at: null,
      hlc: STAMP,
    };
    expect(problems('platform_users', profile)).toEqual([]);
    expect(problems('platform_users', { ...profile, preferences: { note: 'a\u0000' } })).toEqual([
      'preferences',
    ]);
  });
});

describe('studio documents as they travel', () => {
  it('are one of the kinds, any JSON document within the limit, \\u0000 included', () => {
    for (const kind of STUDIO_DOCUMENT_KINDS) {
      expect(problems('studio_documents', chart({ kind, key: '' }))).toEqual([]);
    }
    expect(problems('studio_documents', chart({ kind: 'bookmark' }))).toEqual(['kind']);
    for (const doc of [null, 'c1', 42, [1, 2], { text: 'a\u0000b', lone: '\udfff' }]) {
      expect(problems('studio_documents', chart({ doc }))).toEqual([]);
    }
    const big = 'x'.repeat(LIMITS.documentBytes);
    expect(problems('studio_documents', chart({ doc: big }))).toEqual(['doc']);
    const { doc: _, ...withoutDoc } = chart();
    expect(problems('studio_documents', withoutDoc)).toEqual(['doc']);
    // Nesting Postgres would choke on is an answer, not a failed push.
    const nest = (depth: number) => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`);
    expect(problems('studio_documents', chart({ doc: nest(MAX_JSON_DEPTH) }))).toEqual([]);
    expect(problems('studio_documents', chart({ doc: nest(MAX_JSON_DEPTH + 1) }))).toEqual(['doc']);
    expect(reason('studio_documents', chart({ doc: nest(100_000) }))).toBe(
      `must nest at most ${MAX_JSON_DEPTH} levels`,
    );
  });

  it('have the id the database computes from owner, kind and key: a forged one is refused', () => {
    // Postgres: select md5('u1' || chr(31) || 'saved_chart' || chr(31) || 'k')
    expect(studioDocumentId('u1', 'saved_chart', 'k')).toBe('9f08790a9bf9fcbd207472246851ae87');
    const forged = { ...chart(), id: studioDocumentId('u2', 'saved_chart', 'chart-1') };
    expect(problems('studio_documents', forged)).toEqual(['id']);
    expect(reason('studio_documents', forged)).toBe('must be md5(user_id, kind, key)');
    // The key in its stored form is what the id is made of.
    const key = 'tab\u0000';
    const stored = chart({ kind: 'workspace_tabs', key: encodeText(key) });
    expect(stored.id).not.toBe(studioDocumentId('u1', 'workspace_tabs', key));
    expect(problems('studio_documents', stored)).toEqual([]);
  });

  it('are written by the roles the browser allows, kind by kind', () => {
    const viewerMay = STUDIO_DOCUMENT_KINDS.filter((kind) =>
      mayWrite('studio_documents', 'viewer', { kind }),
    );
    expect(viewerMay).toEqual([
      'schema_snapshot',
      'audit_event',
      'active_connection_id',
      'workspace_tabs',
    ]);
    for (const kind of STUDIO_DOCUMENT_KINDS) {
      expect(mayWrite('studio_documents', 'user', { kind })).toBe(true);
    }
    expect(mayWrite('studio_documents', 'viewer', { kind: 'bookmark' })).toBe(false);
    expect(mayWrite('saved_queries', 'viewer', savedQuery)).toBe(false);
    expect(mayWrite('query_logs', 'viewer', historyEntry)).toBe(true);
  });
});

describe('push requests', () => {
  const mutation = {
    id: 'm1',
    table: 'saved_queries',
    op: 'upsert',
    rowId: 'q1',
    hlc: STAMP,
    row: savedQuery,
  };

  it('carry at most 500 mutations, of synced tables only', () => {
    expect(pushRequest.safeParse({ mutations: [mutation] }).success).toBe(true);
    expect(
      pushRequest.safeParse({ mutations: [{ ...mutation, table: 'studio_documents' }] }).success,
    ).toBe(true);
    expect(pushRequest.safeParse({ mutations: Array(501).fill(mutation) }).success).toBe(false);
    expect(
      pushRequest.safeParse({ mutations: [{ ...mutation, table: 'platform_user_passwords' }] })
        .success,
    ).toBe(false);
    expect(pushRequest.safeParse({ mutations: [{ ...mutation, rowId: 'q\u0000' }] }).success).toBe(
      false,
    );
  });

  it('have room for one history entry whose query is at its limit, however it is escaped', () => {
    // The worst case for JSON: every character a lone surrogate, stored as `\udxxx`.
    const query = `${TEXT_MARKER}${'\\udc00'.repeat(LIMITS.queryText)}`;
    const row = { ...historyEntry, query };
    expect(problems('query_logs', row)).toEqual([]);
    const body = JSON.stringify({ mutations: [{ ...mutation, table: 'query_logs', row }] });
    const bytes = new TextEncoder().encode(body).length;
    expect(bytes).toBeGreaterThan(35 * 1024 * 1024);
    expect(bytes + LIMITS.extraBytes).toBeLessThan(MAX_PUSH_BYTES);
  });
});
