import type { DatabaseType, PlatformRole, QueryStatus } from '@platform/schema/browser';
import { z } from 'zod';
import { ValidationError, type ValidationIssue } from '../errors.ts';
import { LIMITS } from '../limits.ts';
import {
  databaseTypeInput,
  dateInput,
  idInput,
  jsonObject,
  knownPreferences,
  queryText,
  roleInput,
  statusInput,
  tagsInput,
  usernameInput,
} from '../validation.ts';
import { PASSWORD_MASK, splitConnectionString } from '../vault/connection-secrets.ts';

export const EXPORT_FORMAT = 'platform-storage-export';
export const EXPORT_VERSION = 1;

/** A profile as exported. Dates are ISO strings, as everywhere in the file. */
export interface ExportedProfile {
  id: string;
  username: string;
  email: string | null;
  role: PlatformRole;
  preferences: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

export interface ExportedHistoryEntry {
  id: string;
  /** The owning profile's id, one of the file's `profiles`. */
  userId: string;
  connectionId: string | null;
  connectionName: string | null;
  tabName: string | null;
  query: string;
  rowCount: number | null;
  executionTimeMs: number | null;
  status: QueryStatus;
  errorMessage: string | null;
  executedAt: string;
}

export interface ExportedSavedQuery {
  id: string;
  userId: string;
  name: string;
  query: string;
  description: string | null;
  connectionType: DatabaseType | null;
  tags: string[];
  createdAt: string;
  updatedAt: string;
}

/** A connection without its secrets: no password, and a connection string's password masked. */
export interface ExportedConnection {
  id: string;
  userId: string;
  name: string;
  type: DatabaseType;
  host: string | null;
  port: number | null;
  user: string | null;
  database: string | null;
  /** With any password replaced by `PASSWORD_MASK`, as PGlite stores it. */
  connectionString: string | null;
  isDemo: boolean;
  createdAt: string;
  updatedAt: string;
}

/** The export file: plain JSON, so `JSON.stringify` of it is the file. */
export interface PlatformExport {
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_VERSION;
  exportedAt: string;
  /** Always false: passwords live only in this browser's vault and never leave it. */
  secretsIncluded: false;
  profiles: ExportedProfile[];
  history: ExportedHistoryEntry[];
  savedQueries: ExportedSavedQuery[];
  connections: ExportedConnection[];
}

/** A timestamp as the file writes it: ISO 8601 with a zone, as `toISOString()` gives. */
const isoDate = z.iso
  .datetime({ offset: true, error: 'must be an ISO date-time, e.g. 2026-01-31T12:00:00.000Z' })
  .transform((text, issue) => {
    const date = dateInput.safeParse(text);
    if (date.success) return date.data;
    for (const problem of date.error.issues)
      issue.addIssue({ code: 'custom', message: problem.message });
    return z.NEVER;
  });

/**
 * Checked against the known keys but kept as written: parsing would fill in defaults (a
 * retention's `maxAgeDays: null`), and the document must come back as it was exported.
 */
const preferences = jsonObject.superRefine((prefs, issue) => {
  const known = knownPreferences.safeParse(prefs);
  for (const problem of known.success ? [] : known.error.issues) {
    issue.addIssue({ code: 'custom', path: problem.path, message: problem.message });
  }
  if (new TextEncoder().encode(JSON.stringify(prefs)).length > LIMITS.preferencesBytes) {
    issue.addIssue({
      code: 'custom',
      message: `must be at most ${LIMITS.preferencesBytes} bytes as JSON`,
    });
  }
});

const profileRow = z.object({
  id: idInput,
  username: usernameInput,
  email: z
    .email({ error: 'must be an email address' })
    .max(LIMITS.email)
    .nullish()
    .transform((v) => v ?? null),
  role: roleInput,
  preferences,
  createdAt: isoDate,
  updatedAt: isoDate,
});

const text = (max: number) =>
  z.string({ error: 'must be a string' }).max(max, `must be at most ${max} characters`);
const optionalText = (max: number) =>
  text(max)
    .nullish()
    .transform((v) => v ?? null);

const historyRow = z.object({
  id: idInput,
  connectionId: optionalText(LIMITS.id),
  connectionName: optionalText(LIMITS.name),
  tabName: optionalText(LIMITS.name),
  query: queryText,
  status: statusInput,
  rowCount: z
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(0, 'must not be negative')
    .max(Number.MAX_SAFE_INTEGER, 'is too large')
    .nullish()
    .transform((v) => v ?? null),
  errorMessage: optionalText(LIMITS.errorMessage),
  userId: idInput,
  executionTimeMs: z
    .number({ error: 'must be a number of milliseconds' })
    .finite('must be finite')
    .min(0, 'must not be negative')
    .nullish()
    .transform((v) => v ?? null),
  executedAt: isoDate,
});

const savedQueryRow = z.object({
  id: idInput,
  name: text(LIMITS.name),
  query: queryText,
  description: optionalText(LIMITS.description),
  connectionType: databaseTypeInput.nullish().transform((v) => v ?? null),
  tags: tagsInput.nullish().transform((v) => v ?? []),
  userId: idInput,
  createdAt: isoDate,
  updatedAt: isoDate,
});

const connectionRow = z
  .object({
    id: idInput,
    name: text(LIMITS.name),
    type: databaseTypeInput,
    host: optionalText(LIMITS.host),
    port: z
      .number({ error: 'must be a number' })
      .int('must be a whole number')
      .min(1, 'must be 1–65535')
      .max(65_535, 'must be 1–65535')
      .nullish()
      .transform((v) => v ?? null),
    user: optionalText(LIMITS.name),
    database: optionalText(LIMITS.host),
    connectionString: optionalText(LIMITS.connectionString),
    userId: idInput,
    // Refused rather than dropped, so no one believes a password came in with the file.
    password: z.null({ error: 'must be absent: an export carries no passwords' }).optional(),
    isDemo: z
      .boolean({ error: 'must be true or false' })
      .nullish()
      .transform((v) => v ?? false),
    createdAt: isoDate,
    updatedAt: isoDate,
  })
  .superRefine((c, issue) => {
    const password = c.connectionString ? splitConnectionString(c.connectionString).password : null;
    if (password !== null && password !== PASSWORD_MASK) {
      issue.addIssue({
        code: 'custom',
        path: ['connectionString'],
        message: `holds a password: an export carries none (write ${PASSWORD_MASK} in its place)`,
      });
    }
  });

export type ImportedProfile = z.output<typeof profileRow>;
export type ImportedHistoryEntry = z.output<typeof historyRow>;
export type ImportedSavedQuery = z.output<typeof savedQueryRow>;
export type ImportedConnection = z.output<typeof connectionRow>;

type RowKind = 'history' | 'savedQueries' | 'connections';
const ROW_KINDS: readonly RowKind[] = ['history', 'savedQueries', 'connections'];

const documentSchema = z
  .object({
    format: z.literal(EXPORT_FORMAT),
    version: z.literal(EXPORT_VERSION),
    exportedAt: isoDate,
    secretsIncluded: z.literal(false, {
      error: 'must be false: files with passwords in them are not accepted',
    }),
    profiles: z.array(profileRow, { error: 'must be a list' }),
    history: z.array(historyRow, { error: 'must be a list' }),
    savedQueries: z.array(savedQueryRow, { error: 'must be a list' }),
    connections: z.array(connectionRow, { error: 'must be a list' }),
  })
  .superRefine((doc, issue) => {
    // Rows are matched by id, so an id twice in one file would be imported as whichever came last.
    const once = (kind: string, keys: string[], field: string, what: string) => {
      const first = new Map<string, number>();
      keys.forEach((key, index) => {
        const earlier = first.get(key);
        if (earlier === undefined) first.set(key, index);
        else
          issue.addIssue({
            code: 'custom',
            path: [kind, index, field],
            message: `duplicate ${what} (also ${kind}.${earlier}.${field})`,
          });
      });
    };
    once(
      'profiles',
      doc.profiles.map((p) => p.id),
      'id',
      'id',
    );
    once(
      'profiles',
      doc.profiles.map((p) => p.username.toLowerCase()),
      'username',
      'username (case-insensitive)',
    );
    const profileIds = new Set(doc.profiles.map((p) => p.id));
    for (const kind of ROW_KINDS) {
      const rows: { id: string; userId: string }[] = doc[kind];
      once(
        kind,
        rows.map((r) => r.id),
        'id',
        'id',
      );
      rows.forEach((row, index) => {
        if (!profileIds.has(row.userId)) {
          issue.addIssue({
            code: 'custom',
            path: [kind, index, 'userId'],
            message: 'is not the id of a profile in this file',
          });
        }
      });
    }
  });

/** A validated export file: its dates as Dates, optional fields as null. */
export type ImportedDocument = z.output<typeof documentSchema>;

/** Most problems worth reading are in the first few; the rest are in `issues`. */
const SUMMARY_ISSUES = 5;

function validationError(what: string, issues: ValidationIssue[]): ValidationError {
  const shown = issues
    .slice(0, SUMMARY_ISSUES)
    .map((i) => (i.path ? `${i.path}: ${i.message}` : i.message));
  const more = issues.length > SUMMARY_ISSUES ? `; and ${issues.length - SUMMARY_ISSUES} more` : '';
  return new ValidationError(`Invalid ${what}: ${shown.join('; ')}${more}`, issues);
}

/**
 * Validates a whole export file, or throws a ValidationError naming every offending field by
 * its path (`history.12.query`). The header is checked first, so a file that is not an export
 * at all, or one from a newer studio, gets one clear message instead of one per field.
 */
export function parseExport(document: unknown): ImportedDocument {
  const head = (document ?? {}) as { format?: unknown; version?: unknown };
  if (typeof document !== 'object' || document === null || head.format !== EXPORT_FORMAT) {
    throw validationError('export file', [
      { path: 'format', message: `is not "${EXPORT_FORMAT}": this is not a platform data export` },
    ]);
  }
  if (head.version !== EXPORT_VERSION) {
    const newer = typeof head.version === 'number' && head.version > EXPORT_VERSION;
    throw validationError('export file', [
      {
        path: 'version',
        message: newer
          ? `is ${head.version}: the file was made by a newer studio (this one reads version ${EXPORT_VERSION})`
          : `must be ${EXPORT_VERSION}`,
      },
    ]);
  }
  const result = documentSchema.safeParse(document);
  if (result.success) return result.data;
  throw validationError(
    'export file',
    result.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.'),
      message: issue.message,
    })),
  );
}
