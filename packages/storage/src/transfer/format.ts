import {
  type DatabaseType,
  isStorableText,
  type PlatformRole,
  type QueryStatus,
  STUDIO_DOCUMENT_KINDS,
  type StudioDocumentKind,
} from '@platform/schema/browser';
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
import { secretIssues } from './secrets.ts';

export const EXPORT_FORMAT = 'platform-storage-export';
/** The version this studio writes. */
export const EXPORT_VERSION = 2;
/** The versions this studio reads: every one it ever wrote. */
export const READABLE_EXPORT_VERSIONS = [1, EXPORT_VERSION] as const;

/** The fields of a studio object that have no column, exactly as the studio gave them. */
export type ExtraFields = Record<string, unknown>;

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

/**
 * A row as stored: a column for each field storage searches or shows, and `extra` for every
 * other field the studio gave (and a known one the column could not hold exactly, such as an
 * explicit `null`), so the studio's object comes back field for field.
 */
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
  extra: ExtraFields | null;
}

export interface ExportedSavedQuery {
  id: string;
  userId: string;
  name: string;
  query: string;
  description: string | null;
  connectionType: DatabaseType | null;
  /** As typed, duplicates and order kept; null when the query was saved without tags. */
  tags: string[] | null;
  createdAt: string;
  updatedAt: string;
  extra: ExtraFields | null;
}

/**
 * A connection without its secrets: no password, SSL client key, SSH tunnel credential or
 * agent password (in `extra` neither), and a connection string's password masked.
 */
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
  /** `ssl`, `sshTunnel`, `environment`, `serviceName`…: everything but the secrets. */
  extra: ExtraFields | null;
}

/**
 * One of the studio's documents (`studio_documents`): a schema snapshot, saved chart or audit
 * event (list items, in the file's order), or a setting.
 */
export interface ExportedDocument {
  userId: string;
  kind: StudioDocumentKind;
  /**
   * Which one of its kind, for its owner: a list item's id (`#2`, `#3`… for a second item
   * with the same id), the connection for workspace tabs, '' for a setting there is one of.
   */
  key: string;
  /** The studio's object, exactly as `JSON.stringify` wrote it. */
  doc: unknown;
  createdAt: string;
  updatedAt: string;
}

/**
 * The export file: plain JSON, so `JSON.stringify` of it is the file. Each list (saved queries,
 * connections, and a profile's documents of one kind) is in its order: the order is the file's.
 */
export interface PlatformExport {
  format: typeof EXPORT_FORMAT;
  version: typeof EXPORT_VERSION;
  exportedAt: string;
  /** Always false: secrets live only in this browser's vault and never leave it. */
  secretsIncluded: false;
  profiles: ExportedProfile[];
  history: ExportedHistoryEntry[];
  savedQueries: ExportedSavedQuery[];
  connections: ExportedConnection[];
  documents: ExportedDocument[];
}

/** A version 1 file, as studios wrote them before version 2: columns only, no documents. */
export interface PlatformExportV1 {
  format: typeof EXPORT_FORMAT;
  version: 1;
  exportedAt: string;
  secretsIncluded: false;
  profiles: ExportedProfile[];
  history: Omit<ExportedHistoryEntry, 'extra'>[];
  savedQueries: (Omit<ExportedSavedQuery, 'extra' | 'tags'> & { tags: string[] })[];
  connections: Omit<ExportedConnection, 'extra'>[];
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

/** Whether a value as stored (`JSON.stringify`) is over `max` UTF-8 bytes. */
function overBytes(value: unknown, max: number): boolean {
  const json = JSON.stringify(value) ?? '';
  // A UTF-16 unit is at most 3 UTF-8 bytes: most documents need no encoding to be measured.
  if (json.length * 3 <= max) return false;
  return new TextEncoder().encode(json).length > max;
}

/** Where a JSON value holds a string (a key or a value) that Postgres `jsonb` cannot hold. */
function unstorableIn(value: unknown, path: (string | number)[] = []): (string | number)[] | null {
  if (typeof value === 'string') return isStorableText(value) ? null : path;
  if (typeof value !== 'object' || value === null) return null;
  for (const [key, item] of Object.entries(value)) {
    if (!isStorableText(key)) return [...path, key];
    const found = unstorableIn(item, [...path, Array.isArray(value) ? Number(key) : key]);
    if (found) return found;
  }
  return null;
}

/**
 * Checked against the known keys but kept as written: parsing would fill in defaults (a
 * retention's `maxAgeDays: null`), and the document must come back as it was exported.
 */
const preferences = jsonObject.superRefine((prefs, issue) => {
  const known = knownPreferences.safeParse(prefs);
  for (const problem of known.success ? [] : known.error.issues) {
    issue.addIssue({ code: 'custom', path: problem.path, message: problem.message });
  }
  if (overBytes(prefs, LIMITS.preferencesBytes)) {
    issue.addIssue({
      code: 'custom',
      message: `must be at most ${LIMITS.preferencesBytes} bytes as JSON`,
    });
  }
  // Preferences are `jsonb`, which refuses both; every other document here is `json`.
  const unstorable = unstorableIn(prefs);
  if (unstorable) {
    issue.addIssue({
      code: 'custom',
      path: unstorable,
      message: 'must not hold U+0000 or a lone surrogate (preferences cannot store them)',
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

/**
 * A row's `extra`: a JSON object or null, sized. Taken exactly as written (not rebuilt, which
 * would lose a `__proto__` key JSON.parse made an own field), so what is stored is the file's.
 */
const extraFields = z
  .unknown()
  .superRefine((value, issue) => {
    if (value === null || value === undefined) return;
    if (typeof value !== 'object' || Array.isArray(value)) {
      issue.addIssue({ code: 'custom', message: 'must be an object or null' });
    } else if (overBytes(value, LIMITS.extraBytes)) {
      issue.addIssue({ code: 'custom', message: `must be at most ${LIMITS.extraBytes} bytes` });
    }
  })
  .optional()
  .transform((value) => (value ?? null) as ExtraFields | null);

const historyFields = {
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
};

const savedQueryFields = {
  id: idInput,
  name: text(LIMITS.name),
  query: queryText,
  description: optionalText(LIMITS.description),
  connectionType: databaseTypeInput.nullish().transform((v) => v ?? null),
  userId: idInput,
  createdAt: isoDate,
  updatedAt: isoDate,
};

/** Secrets are not fields here: `secretIssues` refuses them, wherever they are written. */
const connectionFields = {
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
  isDemo: z
    .boolean({ error: 'must be true or false' })
    .nullish()
    .transform((v) => v ?? false),
  createdAt: isoDate,
  updatedAt: isoDate,
};

const documentRow = z.object({
  userId: idInput,
  kind: z.enum(STUDIO_DOCUMENT_KINDS, {
    error: `must be one of ${STUDIO_DOCUMENT_KINDS.join(', ')}`,
  }),
  // Any text (the text codec stores it): a key is the studio's own id for an item.
  key: text(LIMITS.queryText),
  doc: z.unknown().superRefine((value, issue) => {
    if (value === null || value === undefined) {
      issue.addIssue({ code: 'custom', message: 'must be a JSON value other than null' });
    } else if (overBytes(value, LIMITS.documentBytes)) {
      issue.addIssue({ code: 'custom', message: `must be at most ${LIMITS.documentBytes} bytes` });
    }
  }),
  createdAt: isoDate,
  updatedAt: isoDate,
});

const rowsV1 = {
  profiles: z.array(profileRow, { error: 'must be a list' }),
  history: z.array(z.object(historyFields), { error: 'must be a list' }),
  savedQueries: z.array(
    z.object({ ...savedQueryFields, tags: tagsInput.nullish().transform((v) => v ?? []) }),
    { error: 'must be a list' },
  ),
  connections: z.array(z.object(connectionFields), { error: 'must be a list' }),
};

const rowsV2 = {
  profiles: rowsV1.profiles,
  history: z.array(z.object({ ...historyFields, extra: extraFields }), { error: 'must be a list' }),
  savedQueries: z.array(
    z.object({
      ...savedQueryFields,
      tags: tagsInput.nullish().transform((v) => v ?? null),
      extra: extraFields,
    }),
    { error: 'must be a list' },
  ),
  connections: z.array(z.object({ ...connectionFields, extra: extraFields }), {
    error: 'must be a list',
  }),
  documents: z.array(documentRow, { error: 'must be a list' }),
};

const header = {
  format: z.literal(EXPORT_FORMAT),
  exportedAt: isoDate,
  secretsIncluded: z.literal(false, {
    error: 'must be false: files with passwords in them are not accepted',
  }),
};

const fileV1 = z.object({ ...header, version: z.literal(1), ...rowsV1 });
const fileV2 = z.object({ ...header, version: z.literal(EXPORT_VERSION), ...rowsV2 });

export type ImportedProfile = z.output<typeof profileRow>;
export type ImportedHistoryEntry = z.output<typeof rowsV2.history>[number];
export type ImportedSavedQuery = z.output<typeof rowsV2.savedQueries>[number];
export type ImportedConnection = z.output<typeof rowsV2.connections>[number];
export type ImportedStudioDocument = z.output<typeof documentRow>;

/**
 * A validated export file of either version, as version 2 has it: dates as Dates, optional
 * fields as null, `extra` null and no documents for a version 1 file. `version` says which it
 * was: a version 1 file's lists are not in the studio's order (see `importPlatformData`).
 */
export interface ImportedDocument {
  version: (typeof READABLE_EXPORT_VERSIONS)[number];
  exportedAt: Date;
  profiles: ImportedProfile[];
  history: ImportedHistoryEntry[];
  savedQueries: ImportedSavedQuery[];
  connections: ImportedConnection[];
  documents: ImportedStudioDocument[];
}

type Issue = { path: readonly PropertyKey[]; message: string };

/** The checks across rows, which need the whole file: ids once, owners in the file. */
function crossRowIssues(doc: ImportedDocument): Issue[] {
  const issues: Issue[] = [];
  // Rows are matched by id, so an id twice in one file would be imported as whichever came last.
  const once = (kind: string, keys: string[], field: string, what: string) => {
    const first = new Map<string, number>();
    keys.forEach((key, index) => {
      const earlier = first.get(key);
      if (earlier === undefined) first.set(key, index);
      else
        issues.push({
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
  const owned = (kind: string, rows: readonly { userId: string }[]) => {
    rows.forEach((row, index) => {
      if (!profileIds.has(row.userId)) {
        issues.push({
          path: [kind, index, 'userId'],
          message: 'is not the id of a profile in this file',
        });
      }
    });
  };
  for (const kind of ['history', 'savedQueries', 'connections'] as const) {
    const rows: { id: string; userId: string }[] = doc[kind];
    once(
      kind,
      rows.map((r) => r.id),
      'id',
      'id',
    );
    owned(kind, rows);
  }
  // A document is its owner's, kind's and key's: the same three twice would be one row.
  once(
    'documents',
    doc.documents.map((d) => JSON.stringify([d.userId, d.kind, d.key])),
    'key',
    'document (the same userId, kind and key)',
  );
  owned('documents', doc.documents);
  return issues;
}

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
 * Every secret the file's connections carry, read from the file as written (before parsing,
 * which drops fields it does not know): at a row's top level and in its `extra`.
 */
function fileSecretIssues(document: Record<string, unknown>): Issue[] {
  const rows = document.connections;
  if (!Array.isArray(rows)) return [];
  return rows.flatMap((row: unknown, index) => [
    ...secretIssues(row, ['connections', index]),
    ...secretIssues((row as { extra?: unknown } | null)?.extra, ['connections', index, 'extra']),
  ]);
}

/** A version 1 file as version 2 has it. */
function fromV1(file: z.output<typeof fileV1>): ImportedDocument {
  return {
    version: 1,
    exportedAt: file.exportedAt,
    profiles: file.profiles,
    history: file.history.map((h) => ({ ...h, extra: null })),
    savedQueries: file.savedQueries.map((q) => ({ ...q, extra: null })),
    connections: file.connections.map((c) => ({
      ...c,
      // The studio's own field: version 1 knew it only as the column, which the studio's
      // object no longer reads, so it comes back where the studio looks for it.
      extra: c.isDemo ? { isDemo: true } : null,
    })),
    documents: [],
  };
}

/**
 * Validates a whole export file, version 1 or 2, or throws a ValidationError naming every
 * offending field by its path (`history.12.query`, `connections.0.extra.sshTunnel.password`).
 * The header is checked first, so a file that is not an export at all, or one from a newer
 * studio, gets one clear message instead of one per field.
 */
export function parseExport(document: unknown): ImportedDocument {
  const head = (document ?? {}) as { format?: unknown; version?: unknown };
  if (typeof document !== 'object' || document === null || head.format !== EXPORT_FORMAT) {
    throw validationError('export file', [
      { path: 'format', message: `is not "${EXPORT_FORMAT}": this is not a platform data export` },
    ]);
  }
  if (!(READABLE_EXPORT_VERSIONS as readonly unknown[]).includes(head.version)) {
    const newer = typeof head.version === 'number' && head.version > EXPORT_VERSION;
    throw validationError('export file', [
      {
        path: 'version',
        message: newer
          ? `is ${head.version}: the file was made by a newer studio (this one reads versions up to ${EXPORT_VERSION})`
          : `must be one of ${READABLE_EXPORT_VERSIONS.join(', ')}`,
      },
    ]);
  }
  // Secrets first: of everything wrong with a file, they matter most.
  const issues: Issue[] = fileSecretIssues(document as Record<string, unknown>);
  let parsed: ImportedDocument | null = null;
  if (head.version === 1) {
    const result = fileV1.safeParse(document);
    if (result.success) parsed = fromV1(result.data);
    else issues.push(...result.error.issues);
  } else {
    const result = fileV2.safeParse(document);
    if (result.success) parsed = { ...result.data, version: EXPORT_VERSION };
    else issues.push(...result.error.issues);
  }
  if (parsed) issues.push(...crossRowIssues(parsed));
  if (parsed && issues.length === 0) return parsed;
  throw validationError(
    'export file',
    issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
  );
}
