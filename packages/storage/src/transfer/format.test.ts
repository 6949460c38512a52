import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.ts';
import { LIMITS } from '../limits.ts';
import {
  EXPORT_FORMAT,
  type PlatformExport,
  type PlatformExportV1,
  parseExport,
} from './format.ts';
import { ODD } from './test-fixtures.ts';

const AT = '2026-01-01T00:00:00.000Z';

const PROFILE: PlatformExport['profiles'][number] = {
  id: 'p1',
  username: 'ada',
  email: 'ada@example.com',
  role: 'user',
  preferences: { theme: 'dark', somethingNewer: { kept: true } },
  createdAt: AT,
  updatedAt: AT,
};
const ENTRY: PlatformExport['history'][number] = {
  id: 'h1',
  userId: 'p1',
  connectionId: 'c1',
  connectionName: 'Prod',
  tabName: null,
  query: 'select 1',
  rowCount: 1,
  executionTimeMs: 2.5,
  status: 'success',
  errorMessage: null,
  executedAt: AT,
  extra: null,
};
const SAVED: PlatformExport['savedQueries'][number] = {
  id: 's1',
  userId: 'p1',
  name: 'One',
  query: 'select 1',
  description: null,
  connectionType: 'postgres',
  tags: ['a'],
  createdAt: AT,
  updatedAt: AT,
  extra: null,
};
const CONNECTION: PlatformExport['connections'][number] = {
  id: 'c1',
  userId: 'p1',
  name: 'Prod',
  type: 'postgres',
  host: 'db.example.com',
  port: 5432,
  user: 'app',
  database: 'shop',
  connectionString: 'postgres://app:********@db.example.com/shop',
  isDemo: false,
  createdAt: AT,
  updatedAt: AT,
  extra: null,
};
const DOCUMENT: PlatformExport['documents'][number] = {
  userId: 'p1',
  kind: 'saved_chart',
  key: 'chart-1',
  doc: { id: 'chart-1', name: 'Sales', chartType: 'bar', yAxis: ['total'] },
  createdAt: AT,
  updatedAt: AT,
};

/** A small, valid export file: one profile with one row of each kind. */
function file(overrides: Partial<PlatformExport> = {}): PlatformExport {
  return {
    format: EXPORT_FORMAT,
    version: 2,
    exportedAt: AT,
    secretsIncluded: false,
    profiles: [PROFILE],
    history: [ENTRY],
    savedQueries: [SAVED],
    connections: [CONNECTION],
    documents: [DOCUMENT],
    ...overrides,
  };
}

/** The same as a version 1 file: as studios exported before version 2. */
function fileV1(overrides: Partial<PlatformExportV1> = {}): PlatformExportV1 {
  const { extra: _h, ...entry } = ENTRY;
  const { extra: _s, ...saved } = SAVED;
  const { extra: _c, ...connection } = CONNECTION;
  return {
    format: EXPORT_FORMAT,
    version: 1,
    exportedAt: AT,
    secretsIncluded: false,
    profiles: [PROFILE],
    history: [entry],
    savedQueries: [{ ...saved, tags: ['a'] }],
    connections: [connection],
    ...overrides,
  };
}

/** The ValidationError `parseExport` throws for `document`. */
function failure(document: unknown): ValidationError {
  try {
    parseExport(document);
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

const paths = (document: unknown) => failure(document).issues.map((i) => i.path);

describe('parseExport', () => {
  it('accepts an export file and gives its dates as Dates', () => {
    const parsed = parseExport(file());

    expect(parsed.profiles[0]?.createdAt).toEqual(new Date(AT));
    expect(parsed.history[0]?.executedAt).toEqual(new Date(AT));
    expect(parsed.connections[0]).toMatchObject({ id: 'c1', userId: 'p1', isDemo: false });
  });

  it('keeps preferences as written, unknown keys included', () => {
    const prefs = { historyRetention: { maxEntries: 100 }, somethingNewer: [1, 2] };
    const parsed = parseExport(file({ profiles: [{ ...PROFILE, preferences: prefs }] }));

    expect(parsed.profiles[0]?.preferences).toEqual(prefs);
  });

  it('says once that a file which is not an export is not one', () => {
    for (const document of [null, 'text', [], { format: 'something-else' }]) {
      const error = failure(document);
      expect(error.issues).toEqual([{ path: 'format', message: expect.stringContaining('not') }]);
    }
  });

  it('refuses a file from a newer studio, saying so', () => {
    const error = failure({ ...file(), version: 3 });

    expect(error.issues).toEqual([
      { path: 'version', message: expect.stringContaining('newer studio') },
    ]);
  });

  it('names every offending field by its path', () => {
    const rows = Array.from({ length: 13 }, (_, n) => ({
      ...ENTRY,
      id: `h${n}`,
      status: (n === 12 ? 'ok' : 'success') as 'success',
    }));
    const error = failure(file({ history: rows }));

    expect(error).toBeInstanceOf(ValidationError);
    expect(error.issues.map((i) => i.path)).toEqual(['history.12.status']);
    expect(error.message).toContain('history.12.status');
  });

  it('applies the size limits to every row', () => {
    const saved = { ...SAVED, query: 'x'.repeat(LIMITS.queryText + 1) };
    const profile = { ...PROFILE, username: 'a'.repeat(LIMITS.username + 1) };

    expect(paths(file({ savedQueries: [saved], profiles: [profile] }))).toEqual([
      'profiles.0.username',
      'savedQueries.0.query',
    ]);
  });

  it('checks dates, roles, statuses and known preferences', () => {
    expect(
      paths(
        file({
          exportedAt: 'yesterday',
          profiles: [{ ...PROFILE, role: 'root' as 'admin', preferences: { theme: 'purple' } }],
          history: [{ ...ENTRY, status: 'ok' as 'success', executedAt: '1969-12-31T00:00:00Z' }],
        }),
      ),
    ).toEqual([
      'exportedAt',
      'profiles.0.role',
      'profiles.0.preferences.theme',
      'history.0.status',
      'history.0.executedAt',
    ]);
  });

  it('refuses duplicate ids, a username twice in any case, and rows of no profile in the file', () => {
    expect(
      paths(
        file({
          profiles: [PROFILE, { ...PROFILE, id: 'p2', username: 'ADA' }],
          history: [ENTRY, ENTRY, { ...ENTRY, id: 'h2', userId: 'nobody' }],
        }),
      ),
    ).toEqual(['profiles.1.username', 'history.1.id', 'history.2.userId']);
  });

  it('refuses a file that says it carries secrets, or a connection that carries a password', () => {
    expect(paths({ ...file(), secretsIncluded: true })).toEqual(['secretsIncluded']);
    expect(
      paths(
        file({
          connections: [
            { ...CONNECTION, password: 'hunter2' } as PlatformExport['connections'][number],
            { ...CONNECTION, id: 'c2', connectionString: 'postgres://app:hunter2@db/shop' },
          ],
        }),
      ),
    ).toEqual(['connections.0.password', 'connections.1.connectionString']);
  });

  it('shows the first few issues in its message and keeps them all in issues', () => {
    const rows = Array.from({ length: 20 }, (_, n) => ({
      ...ENTRY,
      id: `h${n}`,
      status: 'ok' as 'success',
    }));
    const error = failure(file({ history: rows }));

    expect(error.issues).toHaveLength(20);
    expect(error.message).toContain('and 15 more');
  });

  describe('version 2', () => {
    it('keeps extra and documents exactly as written: U+0000, lone surrogates, any key', () => {
      const extra = JSON.parse(
        `{"__proto__": {"kept": true}, "port": null, "note": ${JSON.stringify(ODD)}, "n": [1, {"x": null}]}`,
      );
      const doc = JSON.parse(`{"__proto__": 1, "name": ${JSON.stringify(ODD)}}`);
      const parsed = parseExport(
        file({
          history: [{ ...ENTRY, query: '', extra }],
          savedQueries: [{ ...SAVED, tags: ['b', 'a', 'b', ''], extra }],
          connections: [{ ...CONNECTION, extra }],
          documents: [
            { ...DOCUMENT, key: ODD, doc },
            { ...DOCUMENT, kind: 'dismissed_seeds', key: '', doc: [ODD] },
          ],
        }),
      );

      expect(parsed.version).toBe(2);
      expect(parsed.history[0]?.extra).toBe(extra);
      expect(parsed.history[0]?.query).toBe('');
      expect(parsed.savedQueries[0]).toMatchObject({ tags: ['b', 'a', 'b', ''] });
      expect(parsed.savedQueries[0]?.extra).toBe(extra);
      expect(Object.keys(parsed.connections[0]?.extra ?? {})).toContain('__proto__');
      expect(parsed.documents[0]).toMatchObject({ key: ODD, createdAt: new Date(AT) });
      expect(parsed.documents[0]?.doc).toBe(doc);
      expect(parsed.documents[1]?.doc).toEqual([ODD]);
    });

    it('reads null tags and absent extra as null', () => {
      const { extra: _extra, ...bare } = ENTRY;
      const parsed = parseExport(
        file({ history: [bare as typeof ENTRY], savedQueries: [{ ...SAVED, tags: null }] }),
      );

      expect(parsed.history[0]?.extra).toBeNull();
      expect(parsed.savedQueries[0]?.tags).toBeNull();
    });

    it('checks extra and documents: their types, kinds, sizes, owners, and each key once', () => {
      const big = 'x'.repeat(LIMITS.documentBytes);
      expect(
        paths(
          file({
            history: [{ ...ENTRY, extra: [1] as never }],
            connections: [{ ...CONNECTION, extra: 'ssl' as never }],
            documents: [
              DOCUMENT,
              { ...DOCUMENT, kind: 'theme' as 'saved_chart' },
              { ...DOCUMENT, key: 'chart-2', doc: null },
              { ...DOCUMENT, key: 'chart-3', doc: big },
            ],
          }),
        ),
      ).toEqual([
        'history.0.extra',
        'connections.0.extra',
        'documents.1.kind',
        'documents.2.doc',
        'documents.3.doc',
      ]);
      expect(
        paths(
          file({
            documents: [
              DOCUMENT,
              { ...DOCUMENT, doc: { other: true } },
              { ...DOCUMENT, userId: 'p2' },
              { ...DOCUMENT, kind: 'audit_event' },
            ],
          }),
        ),
      ).toEqual(['documents.1.key', 'documents.2.userId']);
    });

    it('refuses preferences jsonb cannot hold, naming where', () => {
      const profile = { ...PROFILE, preferences: { theme: 'dark', panels: { title: ODD } } };

      expect(failure(file({ profiles: [profile] })).issues).toEqual([
        { path: 'profiles.0.preferences.panels.title', message: expect.stringContaining('U+0000') },
      ]);
    });
  });

  describe('secrets', () => {
    const SECRET_PATHS = [
      ['password'],
      ['agentPassword'],
      ['ssl', 'clientKey'],
      ['sshTunnel', 'password'],
      ['sshTunnel', 'privateKey'],
      ['sshTunnel', 'passphrase'],
    ];
    /** `{ ssl: { clientKey: value } }` for `['ssl', 'clientKey']`. */
    const at = (path: string[], value: unknown) =>
      path.length === 1
        ? { [path[0] as string]: value }
        : { [path[0] as string]: { enabled: true, [path[1] as string]: value } };

    it('refuses every secret of a connection at its path, in the row and in extra', () => {
      const connections = SECRET_PATHS.flatMap((path, n) => [
        { ...CONNECTION, id: `top-${n}`, ...at(path, 's3cret') },
        {
          ...CONNECTION,
          id: `extra-${n}`,
          extra: { environment: 'production', ...at(path, 's3cret') },
        },
      ]) as PlatformExport['connections'];
      connections.push(
        { ...CONNECTION, id: 'cs', connectionString: 'postgres://app:s3cret@db/shop' },
        { ...CONNECTION, id: 'cs-extra', extra: { connectionString: 'host=db password=s3cret' } },
      );

      expect(paths(file({ connections }))).toEqual([
        ...SECRET_PATHS.flatMap((path, n) => [
          `connections.${2 * n}.${path.join('.')}`,
          `connections.${2 * n + 1}.extra.${path.join('.')}`,
        ]),
        `connections.${2 * SECRET_PATHS.length}.connectionString`,
        `connections.${2 * SECRET_PATHS.length + 1}.extra.connectionString`,
      ]);
    });

    it('refuses a secret of any type, an empty one too, and in a version 1 file', () => {
      const connections = [
        { ...CONNECTION, extra: { agentPassword: 1234 } },
        { ...CONNECTION, id: 'c2', extra: { sshTunnel: { privateKey: '' } } },
      ];
      const v1 = fileV1({
        connections: [{ ...fileV1().connections[0], sshTunnel: { password: 'pw' } } as never],
      });

      expect(paths(file({ connections }))).toEqual([
        'connections.0.extra.agentPassword',
        'connections.1.extra.sshTunnel.privateKey',
      ]);
      expect(paths(v1)).toEqual(['connections.0.sshTunnel.password']);
    });

    it('accepts what is no secret: nulls where secrets go, masked strings, the rest of ssl and sshTunnel', () => {
      const extra = {
        password: null,
        agentPassword: null,
        ssl: { mode: 'verify-full', caCert: 'CA', clientCert: 'CERT', clientKey: null },
        sshTunnel: { enabled: true, host: 'b', port: 22, username: 'u', authMethod: 'password' },
        connectionString: 'Host=db;Password=********',
      };

      const parsed = parseExport(
        file({ connections: [{ ...CONNECTION, password: null, extra } as never] }),
      );

      expect(parsed.connections[0]?.extra).toEqual(extra);
    });

    it('names the secrets first, before any other problem', () => {
      const error = failure(
        file({
          history: [{ ...ENTRY, status: 'ok' as 'success' }],
          connections: [{ ...CONNECTION, extra: { ssl: { clientKey: 'k' } } }],
        }),
      );

      expect(error.issues.map((i) => i.path)).toEqual([
        'connections.0.extra.ssl.clientKey',
        'history.0.status',
      ]);
    });
  });

  describe('version 1', () => {
    it('reads a version 1 file as version 2 has it: no extra, no documents', () => {
      const demo = {
        ...fileV1().connections[0],
        id: 'demo',
        isDemo: true,
      } as PlatformExportV1['connections'][number];
      const parsed = parseExport(fileV1({ connections: [...fileV1().connections, demo] }));

      expect(parsed.version).toBe(1);
      expect(parsed.history[0]).toMatchObject({ id: 'h1', extra: null });
      expect(parsed.savedQueries[0]).toMatchObject({ id: 's1', tags: ['a'], extra: null });
      expect(parsed.connections.map((c) => [c.id, c.isDemo, c.extra])).toEqual([
        ['c1', false, null],
        // The studio reads its demo marker from its own field, kept in extra since version 2.
        ['demo', true, { isDemo: true }],
      ]);
      expect(parsed.documents).toEqual([]);
    });

    it('ignores what version 1 did not have, and still validates the rest', () => {
      const parsed = parseExport({
        ...fileV1({ savedQueries: [{ ...fileV1().savedQueries[0], tags: undefined } as never] }),
        documents: [DOCUMENT],
      });

      expect(parsed.documents).toEqual([]);
      expect(parsed.savedQueries[0]?.tags).toEqual([]);
      expect(
        paths(fileV1({ history: [{ ...fileV1().history[0], status: 'ok' } as never] })),
      ).toEqual(['history.0.status']);
    });
  });
});
