import type { ConnectionRecord } from '@platform/storage';
import { describe, expect, it, vi } from 'vitest';
import { runQuery, serverConnection } from '../query/run.ts';
import { kindOf, toStudioConnection } from './records.ts';
import {
  connectionLabel,
  DEMO_CONNECTION,
  environmentBadge,
  typeLabel,
  unsupportedReason,
} from './types.ts';

const record = (fields: Partial<ConnectionRecord>): ConnectionRecord => ({
  id: 'c1',
  name: 'Conn',
  type: 'postgres',
  createdAt: new Date(0),
  ...fields,
});

describe('connection types', () => {
  it('labels every type the real studio knows, and any other by its raw name', () => {
    expect(
      ['postgres', 'mysql', 'sqlite', 'mongodb', 'redis', 'oracle', 'mssql', 'libredb'].map(
        typeLabel,
      ),
    ).toEqual([
      'PostgreSQL',
      'MySQL',
      'SQLite',
      'MongoDB',
      'Redis',
      'Oracle',
      'SQL Server',
      'LibreDB',
    ]);
    expect(
      ['couchbase', 'clickhouse', 'druid', 'elasticsearch', 'opensearch', 'cassandra', 'trino'].map(
        typeLabel,
      ),
    ).toEqual([
      'Couchbase',
      'ClickHouse',
      'Apache Druid',
      'Elasticsearch',
      'OpenSearch',
      'Apache Cassandra',
      'Trino',
    ]);
    expect(typeLabel('demo')).toBe('Demo');
    expect(typeLabel('snowflake')).toBe('snowflake');
    // Not fooled by what every object has.
    expect(typeLabel('constructor')).toBe('constructor');
  });

  it('runs PostgreSQL through the server and `demo` in the browser; nothing else', () => {
    expect(kindOf('postgres')).toBe('postgres');
    expect(kindOf('demo')).toBe('demo');
    expect(['mysql', 'mongodb', 'snowflake', '', undefined].map(kindOf)).toEqual(
      Array(5).fill('unsupported'),
    );
  });
});

describe('environmentBadge', () => {
  it("takes the real studio's labels and colours, the connection's own colour first", () => {
    expect(environmentBadge({ environment: 'production' })).toEqual({
      label: 'PROD',
      color: '#ef4444',
    });
    expect(environmentBadge({ environment: 'staging', color: '#123456' })).toEqual({
      label: 'STAGING',
      color: '#123456',
    });
    expect(environmentBadge({ environment: 'development' })?.label).toBe('DEV');
    expect(environmentBadge({ environment: 'local' })).toEqual({
      label: 'LOCAL',
      color: '#3b82f6',
    });
  });

  it('shows none for `other` or none at all, and an unknown environment by its name', () => {
    expect(environmentBadge({ environment: 'other' })).toBeNull();
    expect(environmentBadge({})).toBeNull();
    expect(environmentBadge({ environment: 'qa' })).toEqual({ label: 'qa', color: '#6b7280' });
  });
});

describe('toStudioConnection', () => {
  it('keeps a PostgreSQL connection runnable, with its secret and defaults', () => {
    expect(
      toStudioConnection(
        record({ host: 'db', user: 'ann', password: 'pw', database: 'shop', port: null }),
      ),
    ).toEqual({
      id: 'c1',
      name: 'Conn',
      type: 'postgres',
      kind: 'postgres',
      host: 'db',
      port: 5432,
      user: 'ann',
      password: 'pw',
      database: 'shop',
    });
    expect(toStudioConnection(record({ connectionString: 'postgres://a:b@h/d' }))).toMatchObject({
      connectionString: 'postgres://a:b@h/d',
      host: 'localhost',
      port: 5432,
    });
  });

  it('lists any other type with its environment and colour, and nothing to connect with', () => {
    const mysql = toStudioConnection(
      record({
        id: 'm',
        name: 'Shop',
        type: 'mysql',
        host: 'mysql.internal',
        password: 'secret',
        environment: 'production',
        color: '#ef4444',
      }),
    );
    expect(mysql).toEqual({
      id: 'm',
      name: 'Shop',
      type: 'mysql',
      kind: 'unsupported',
      environment: 'production',
      color: '#ef4444',
    });
    expect(connectionLabel(mysql)).toBe('Shop · MySQL · PROD');
    expect(unsupportedReason(mysql)).toBe(
      'MySQL connections are kept and shown, but this studio runs only PostgreSQL and the demo database.',
    );
  });

  it('survives records a newer or older studio wrote oddly', () => {
    const odd = toStudioConnection(record({ name: '', type: 42 as unknown as string }));
    expect(odd).toMatchObject({ name: 'c1', type: '42', kind: 'unsupported' });
    expect(connectionLabel(odd)).toBe('c1 · 42');
  });

  it('names the built-in demo plainly, and the old demo entry with its type', () => {
    expect(connectionLabel(DEMO_CONNECTION)).toBe('Demo (in browser)');
    expect(unsupportedReason(DEMO_CONNECTION)).toBeNull();
    const old = toStudioConnection(record({ id: 'demo-mock', name: 'Demo DB', type: 'demo' }));
    expect(old.kind).toBe('demo');
    expect(connectionLabel(old)).toBe('Demo DB · Demo');
  });
});

describe('running a connection', () => {
  it('sends a connection string when there is one, else the parts', () => {
    const base = { id: 'p', name: 'P', type: 'postgres', kind: 'postgres' as const };
    expect(serverConnection({ ...base, connectionString: 'postgres://x', host: 'h' })).toEqual({
      connectionString: 'postgres://x',
    });
    expect(
      serverConnection({
        ...base,
        host: 'h',
        port: 5433,
        user: 'u',
        password: 'pw',
        database: 'd',
      }),
    ).toEqual({ host: 'h', port: 5433, user: 'u', password: 'pw', database: 'd' });
  });

  it('answers a type it does not run with the reason, without a request', async () => {
    const fetch = vi.spyOn(globalThis, 'fetch');
    const outcome = await runQuery(
      { id: 'm', name: 'Shop', type: 'mongodb', kind: 'unsupported' },
      'db.x.find()',
      false,
    );
    expect(outcome).toEqual({
      ok: false,
      durationMs: 0,
      error: {
        message:
          'MongoDB connections are kept and shown, but this studio runs only PostgreSQL and the demo database.',
        code: null,
        position: null,
        kind: 'unsupported',
      },
    });
    expect(fetch).not.toHaveBeenCalled();
    fetch.mockRestore();
  });
});
