import {
  isStorableText,
  PLATFORM_ROLES,
  QUERY_STATUSES,
  STUDIO_DOCUMENT_KINDS,
  studioDocumentId,
  TEXT_MARKER,
} from '@platform/schema/common';
import { LIMITS, nestsWithin } from '@platform/storage/limits';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import { HLC_PATTERN } from './hlc.ts';
import { SYNCED, SYNCED_TABLES, type SyncedTable } from './tables.ts';

/**
 * Rows as they travel: Postgres column names, JSON values, timestamps as ISO strings, text as
 * stored (the text codec's form: `@platform/schema` `text-codec.ts`). The server validates every
 * pushed row against these, with the same limits the browser's repositories apply, before it
 * writes anything, so a row Postgres would refuse is an `invalid` answer, never a failed push.
 *
 * Each table's schema is made from its Drizzle columns: which columns, their types and whether
 * they may be null. What the schema cannot say (a length, an enum, a range) is written below,
 * column by column; a text column without a rule there is a mistake caught at load.
 */

const MIN_TIME = Date.UTC(1970, 0, 1);
const MAX_TIME = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

const UNSTORABLE = 'must not hold U+0000 or a lone surrogate (text travels in its stored form)';

/** Text as Postgres holds it: no U+0000 and no lone surrogate. */
const storable = z.string().refine(isStorableText, UNSTORABLE);

/**
 * Text of a plain `text` column (ids, stamps, enums): stored as it is, `max` characters.
 * `min` 1 where the browser refuses an empty one.
 */
const plain = (max: number, min = 0) =>
  storable
    .refine((value) => value.length <= max, `must be at most ${max} characters`)
    .refine((value) => value.length >= min, 'must not be empty');

const BACKSLASH = 0x5c;
/** A lowercase hex digit, as the codec writes them. */
const isHex = (c: number) => (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66);
const hex4 = (value: string, at: number) =>
  isHex(value.charCodeAt(at)) &&
  isHex(value.charCodeAt(at + 1)) &&
  isHex(value.charCodeAt(at + 2)) &&
  isHex(value.charCodeAt(at + 3));

/**
 * How many characters (UTF-16 units) the stored text `value` stands for, or a reason it is not
 * a stored form: a raw U+0000, a lone surrogate, or (after the codec's marker) a backslash that
 * starts no escape. One pass, no decoding: a 5 Mi-character text is checked in milliseconds.
 */
export function storedTextLength(value: string): number | string {
  const escaped = value.startsWith(TEXT_MARKER);
  let length = 0;
  for (let i = escaped ? 1 : 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0) return UNSTORABLE;
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return UNSTORABLE;
      i += 1;
      length += 2;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return UNSTORABLE;
    } else if (escaped && c === BACKSLASH) {
      const code = value.charCodeAt(i + 1);
      if (code === BACKSLASH || code === 0x30) i += 1;
      else if (code === 0x75 && hex4(value, i + 2)) i += 5;
      else return 'is not text in its stored form (a backslash starts no escape)';
      length += 1;
    } else {
      length += 1;
    }
  }
  return length;
}

/**
 * Text of a `userText` column, in its stored form: sized as the text it stands for (the
 * browser's limits count the characters a person wrote; escaping may lengthen the stored form).
 */
const userText = (max: number, min = 0) =>
  z.string().superRefine((value, ctx) => {
    const length = storedTextLength(value);
    const fail = (message: string) => ctx.addIssue({ code: 'custom', message });
    if (typeof length === 'string') fail(length);
    else if (length > max) fail(`must be at most ${max} characters`);
    else if (length < min) fail('must not be empty');
  });

/**
 * Only the offset forms Postgres and `Date.parse` read alike: ISO 8601 as `json_build_object`,
 * `toISOString` and Electric write it, with its zone.
 */
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(?:Z|([+-])(\d{2})(?::?(\d{2}))?)$/;

/** Postgres refuses a zone displacement of 16 hours or more (`22009`). */
const MAX_OFFSET_HOURS = 15;

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/**
 * The instant a pushed timestamp names, in microseconds since 1970 (Postgres keeps
 * microseconds, a JS Date only milliseconds), or null when Postgres would not take it as
 * written: every field is checked as Postgres checks it, because `Date.parse` rolls
 * `2026-02-30` over to March and takes offsets Postgres refuses, which would fail the write.
 */
export function timestampMicros(value: string): bigint | null {
  const m = TIMESTAMP.exec(value);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) =>
    Number(m[i] ?? 0),
  ) as [number, number, number, number, number, number];
  const fraction = m[7] ?? '';
  const offsetHours = Number(m[9] ?? 0);
  const offsetMinutes = Number(m[10] ?? 0);
  // Before 1900 is out of range anyway; it also keeps Date.UTC from reading 0099 as 1999.
  if (year < 1900 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return null;
  // As Postgres reads them: 24:00 is midnight at the day's end (nothing may follow it), and a
  // second 60 is the first of the next minute.
  const endOfDay = hour === 24 && minute === 0 && second === 0 && !/[1-9]/.test(fraction);
  if ((hour > 23 && !endOfDay) || minute > 59 || second > 60) return null;
  if (offsetHours > MAX_OFFSET_HOURS || offsetMinutes > 59) return null;
  const sign = m[8] === '-' ? -1 : 1;
  const ms =
    Date.UTC(year, month - 1, day, hour, minute, second) -
    sign * (offsetHours * 60 + offsetMinutes) * 60_000;
  if (ms < MIN_TIME || ms > MAX_TIME) return null;
  return BigInt(ms) * 1000n + BigInt(fraction.padEnd(6, '0'));
}

const timestamp = z
  .string()
  .max(40)
  .refine(
    (value) => timestampMicros(value) !== null,
    'must be an ISO 8601 timestamp with its zone, between 1970 and 9999',
  );

export const hlcValue = z.string().regex(HLC_PATTERN, 'must be a clock stamp');

/** Every string and key in a JSON value can be held by `jsonb` (no U+0000, no lone surrogate). */
function jsonbStorable(value: unknown): boolean {
  if (typeof value === 'string') return isStorableText(value);
  if (Array.isArray(value)) return value.every(jsonbStorable);
  if (value && typeof value === 'object') {
    return Object.entries(value).every(([k, v]) => isStorableText(k) && jsonbStorable(v));
  }
  return true;
}

const jsonBytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value) ?? '').length;

/**
 * How deep a JSON document may nest (the browser's own limit): a row past it is an `invalid`
 * answer instead of a failed push.
 */
export const MAX_JSON_DEPTH = LIMITS.jsonDepth;
const shallowEnough = (value: unknown) => nestsWithin(value, MAX_JSON_DEPTH);
const DEEP = `must nest at most ${MAX_JSON_DEPTH} levels`;

/**
 * Why a JSON value may not be stored (too deep, too large), or null. Depth first: a value
 * nested too deep would overflow `JSON.stringify` itself.
 */
function jsonProblem(value: unknown, maxBytes: number): string | null {
  if (!shallowEnough(value)) return DEEP;
  if (jsonBytes(value) > maxBytes) return `must be at most ${maxBytes} bytes as JSON`;
  return null;
}

/** Any JSON value (what `JSON.parse` gives), `maxBytes` of UTF-8 as JSON. */
const jsonWithin = (maxBytes: number) =>
  z.unknown().superRefine((value, ctx) => {
    const problem = value === undefined ? 'is required' : jsonProblem(value, maxBytes);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

const jsonObject = z.record(z.string(), z.unknown());
const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const count = z
  .number()
  .int('must be a whole number')
  .min(0, 'must not be negative')
  .max(Number.MAX_SAFE_INTEGER, 'is too large');
/** A count of a `bigint` column: a JSON number, or its text (as Electric gives int8). */
const bigCount = z.union([
  count,
  z
    .string()
    .regex(/^\d{1,16}$/, 'must be a whole number')
    .refine((v) => Number.isSafeInteger(Number(v)), 'is too large'),
]);

/** What a column's Drizzle type says, when no rule below says more. */
function byType(column: PgColumn): z.ZodType {
  switch (column.columnType) {
    case 'PgTimestamp':
      return timestamp;
    case 'PgBoolean':
      return z.boolean();
    case 'PgDoublePrecision':
      return finite;
    case 'PgInteger':
      return z.number().int().min(-2_147_483_648).max(2_147_483_647);
    case 'PgBigInt53':
      return bigCount;
    case 'PgJson':
      return jsonWithin(LIMITS.documentBytes);
    default:
      throw new Error(`sync rows: no rule for column ${column.name} (${column.columnType})`);
  }
}

type Rules = Record<string, z.ZodType>;

/** The rules every synced table shares. */
const SHARED: Rules = {
  id: plain(LIMITS.id, 1),
  user_id: plain(LIMITS.id, 1),
  hlc: hlcValue,
};

function rowSchema(table: SyncedTable, rules: Rules) {
  const shape: Record<string, z.ZodType> = {};
  for (const column of SYNCED[table].columnInfo) {
    const base = rules[column.name] ?? SHARED[column.name] ?? byType(column);
    shape[column.name] = column.notNull ? base : base.nullable();
  }
  for (const name of Object.keys(rules)) {
    if (!(name in shape)) throw new Error(`sync rows: ${table} has no column ${name}`);
  }
  return z.strictObject(shape);
}

const extra = jsonObject.superRefine((value, ctx) => {
  const problem = jsonProblem(value, LIMITS.extraBytes);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export const platformUserRow = rowSchema('platform_users', {
  username: plain(LIMITS.username, 1),
  email: plain(LIMITS.email),
  platform_role: z.enum(PLATFORM_ROLES),
  preferences: jsonObject.superRefine((doc, ctx) => {
    // A jsonb column: it refuses what json keeps.
    const problem =
      jsonProblem(doc, LIMITS.preferencesBytes) ?? (jsonbStorable(doc) ? null : UNSTORABLE);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
});

export const connectionRow = rowSchema('connections', {
  name: userText(LIMITS.name),
  type: userText(LIMITS.name, 1),
  host: userText(LIMITS.host),
  port: z.number().int().min(1).max(65_535),
  db_user: userText(LIMITS.name),
  database: userText(LIMITS.host),
  connection_string: userText(LIMITS.connectionString),
  extra,
});

export const savedQueryRow = rowSchema('saved_queries', {
  name: userText(LIMITS.name),
  description: userText(LIMITS.description),
  query: userText(LIMITS.queryText),
  connection_type: userText(LIMITS.name, 1),
  tags: z.array(userText(LIMITS.tag)).max(LIMITS.tagsPerQuery),
  extra,
});

export const queryLogRow = rowSchema('query_logs', {
  connection_id: userText(LIMITS.id),
  connection_name: userText(LIMITS.name),
  tab_name: userText(LIMITS.name),
  query: userText(LIMITS.queryText),
  execution_time_ms: finite.refine((v) => v >= 0, 'must not be negative'),
  status: z.enum(QUERY_STATUSES),
  error_message: userText(LIMITS.errorMessage),
  extra,
});

export const studioDocumentRow = rowSchema('studio_documents', {
  id: plain(32, 32),
  kind: z.enum(STUDIO_DOCUMENT_KINDS),
  // An item's own id (or a connection's): no limit of its own beyond the document's.
  key: userText(LIMITS.documentBytes),
  doc: jsonWithin(LIMITS.documentBytes),
}).superRefine((row, ctx) => {
  // The database checks the same (`studio_documents_id_check`): a row of one user, kind and key.
  const id = studioDocumentId(String(row.user_id), String(row.kind), String(row.key));
  if (row.id !== id) {
    ctx.addIssue({ code: 'custom', path: ['id'], message: 'must be md5(user_id, kind, key)' });
  }
});

export const ROW_SCHEMAS = {
  platform_users: platformUserRow,
  connections: connectionRow,
  saved_queries: savedQueryRow,
  query_logs: queryLogRow,
  studio_documents: studioDocumentRow,
} as const satisfies Record<SyncedTable, z.ZodType>;

// Every synced table has its schema (a table added to SYNCED_TABLE_NAMES needs one).
for (const table of SYNCED_TABLES) {
  if (!ROW_SCHEMAS[table]) throw new Error(`sync rows: no schema for ${table}`);
}

export type SyncedRow = Record<string, unknown> & { id: string; hlc: string };
