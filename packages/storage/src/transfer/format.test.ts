import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.ts';
import { LIMITS } from '../limits.ts';
import { EXPORT_FORMAT, type PlatformExport, parseExport } from './format.ts';

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
};

/** A small, valid export file: one profile with one row of each kind. */
function file(overrides: Partial<PlatformExport> = {}): PlatformExport {
  return {
    format: EXPORT_FORMAT,
    version: 1,
    exportedAt: AT,
    secretsIncluded: false,
    profiles: [PROFILE],
    history: [ENTRY],
    savedQueries: [SAVED],
    connections: [CONNECTION],
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
    const error = failure({ ...file(), version: 2 });

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
});
