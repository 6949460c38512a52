import { isStorableText, PLATFORM_ROLES, QUERY_STATUSES } from '@platform/schema/browser';
import { z } from 'zod';
import { ValidationError } from './errors.ts';
import { LIMITS } from './limits.ts';
import { dateOf } from './records/open-record.ts';

/** Parses `input` or throws a ValidationError naming every offending field. */
export function parse<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
  const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
  throw new ValidationError(`Invalid ${what}: ${summary}`, issues);
}

/** A Date, an ISO string or epoch milliseconds; stored data has them in all three forms. */
export const dateInput = z.preprocess(
  (value) => (typeof value === 'string' || typeof value === 'number' ? new Date(value) : value),
  z
    .date({ error: 'must be a valid date' })
    .refine((d) => dateOf(d) !== null, { message: 'must be between 1970 and 9999' }),
);

/** A date field checked but kept as given (a Date or the string the studio wrote). */
const dateField = z.unknown().refine((value) => dateOf(value) !== null, {
  message: 'must be a valid date between 1970 and 9999',
});

/**
 * Ids are keys (of rows, vault entries, sync mutations), so they must be text Postgres holds
 * exactly; the studio's are short random strings.
 */
export const idInput = z
  .string({ error: 'must be a string' })
  .min(1, 'must not be empty')
  .max(LIMITS.id, `must be at most ${LIMITS.id} characters`)
  .refine(isStorableText, 'must not hold U+0000 or a lone surrogate');

/** Any string, up to a size: the text codec stores even U+0000. */
const text = (max: number) =>
  z.string({ error: 'must be a string' }).max(max, `must be at most ${max} characters`);

export const queryText = text(LIMITS.queryText);

export const roleInput = z.enum(PLATFORM_ROLES, {
  error: `must be one of ${PLATFORM_ROLES.join(', ')}`,
});
export const statusInput = z.enum(QUERY_STATUSES, {
  error: `must be one of ${QUERY_STATUSES.join(', ')}`,
});
/** Open: the studio learns new databases faster than any list here. */
export const databaseTypeInput = text(LIMITS.name).min(1, 'must not be empty');

/** As the studio's input gives them: any strings, duplicates and order kept. */
export const tagsInput = z
  .array(text(LIMITS.tag), { error: 'must be a list of strings' })
  .max(LIMITS.tagsPerQuery, `at most ${LIMITS.tagsPerQuery} tags`);

const count = z
  .number({ error: 'must be a number' })
  .int('must be a whole number')
  .min(0, 'must not be negative')
  .max(Number.MAX_SAFE_INTEGER, 'is too large');

/**
 * The studio's objects, checked where a known field has the wrong type or size. Unknown fields
 * pass (`looseObject`): they are kept as given. The schemas validate; they transform nothing,
 * so what is stored is what was given.
 */
export const historyItemInput = z.looseObject({
  id: idInput,
  connectionId: text(LIMITS.id).nullish(),
  connectionName: text(LIMITS.name).nullish(),
  tabName: text(LIMITS.name).nullish(),
  query: queryText,
  executionTime: z
    .number({ error: 'must be a number of milliseconds' })
    .min(0, 'must not be negative')
    .nullish(),
  status: statusInput,
  executedAt: dateField,
  rowCount: count.nullish(),
  errorMessage: text(LIMITS.errorMessage).nullish(),
});
export type HistoryItemInput = z.input<typeof historyItemInput>;

export const savedQueryInput = z.looseObject({
  id: idInput,
  name: text(LIMITS.name),
  query: queryText,
  description: text(LIMITS.description).nullish(),
  connectionType: databaseTypeInput.nullish(),
  tags: tagsInput.nullish(),
  createdAt: z.unknown().optional(),
  updatedAt: z.unknown().optional(),
});
export type SavedQueryInput = z.input<typeof savedQueryInput>;

export const connectionInput = z.looseObject({
  id: idInput,
  name: text(LIMITS.name),
  type: databaseTypeInput,
  host: text(LIMITS.host).nullish(),
  user: text(LIMITS.name).nullish(),
  password: text(LIMITS.secret).nullish(),
  database: text(LIMITS.host).nullish(),
  connectionString: text(LIMITS.connectionString).nullish(),
  // The other secrets (`ssl.clientKey`, `sshTunnel.*`, `agentPassword`) are sized by the vault.
});
export type ConnectionInput = z.input<typeof connectionInput>;

export const usernameInput = z
  .string({ error: 'must be a string' })
  .trim()
  .min(1, 'must not be empty')
  .max(LIMITS.username, `must be at most ${LIMITS.username} characters`)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._@-]*$/u, 'may hold letters, digits, space and . _ @ -');

export const newUserInput = z.object({
  id: idInput.optional(),
  username: usernameInput,
  email: z
    .email({ error: 'must be an email address' })
    .max(LIMITS.email)
    .nullish()
    .transform((v) => v ?? null),
  role: roleInput.default('user'),
});
export type NewUserInput = z.input<typeof newUserInput>;

export const userPatchInput = z.object({
  username: usernameInput.optional(),
  email: z.email({ error: 'must be an email address' }).max(LIMITS.email).nullish(),
  role: roleInput.optional(),
});
export type UserPatchInput = z.input<typeof userPatchInput>;

export const retentionInput = z.object({
  maxEntries: z
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(10_000_000, 'must be at most 10,000,000'),
  maxAgeDays: z
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(36_500, 'must be at most 36,500')
    // Absent and null both mean "no age limit": a merge patch stores null as absence.
    .nullish()
    .transform((v) => v ?? null),
});
export type HistoryRetention = z.input<typeof retentionInput> & { maxAgeDays: number | null };

/** Preferences the studio understands; other keys are kept as they are for newer versions. */
export const knownPreferences = z
  .object({
    theme: z.enum(['light', 'dark', 'system']).optional(),
    editorFontSize: z.number().int().min(8).max(40).optional(),
    /** The editor's line numbers (the studio's `editor-line-numbers`). */
    editorLineNumbers: z.boolean().optional(),
    historyRetention: retentionInput.optional(),
  })
  .loose();

export const jsonObject = z.record(z.string(), z.unknown(), { error: 'must be an object' });

/** Text that must not exceed a size once stored (`JSON.stringify`), in UTF-8 bytes. */
export function assertJsonSize(value: unknown, max: number, what: string): void {
  const bytes = new TextEncoder().encode(JSON.stringify(value) ?? '').length;
  if (bytes > max) {
    throw new ValidationError(
      `Invalid ${what}: ${bytes} bytes as JSON, over the ${max}-byte limit`,
      [{ path: '', message: `must be at most ${max} bytes as JSON` }],
    );
  }
}
