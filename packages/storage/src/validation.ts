import { DATABASE_TYPES, PLATFORM_ROLES, QUERY_STATUSES } from '@platform/schema/browser';
import { z } from 'zod';
import { ValidationError } from './errors.ts';
import { LIMITS } from './limits.ts';

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

const MIN_TIME = Date.UTC(1970, 0, 1);
const MAX_TIME = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** A Date, an ISO string or epoch milliseconds; stored data has them in all three forms. */
export const dateInput = z.preprocess(
  (value) => (typeof value === 'string' || typeof value === 'number' ? new Date(value) : value),
  z
    .date({ error: 'must be a valid date' })
    .refine((d) => d.getTime() >= MIN_TIME && d.getTime() <= MAX_TIME, {
      message: 'must be between 1970 and 9999',
    }),
);

export const idInput = z
  .string({ error: 'must be a string' })
  .min(1, 'must not be empty')
  .max(LIMITS.id, `must be at most ${LIMITS.id} characters`);

const text = (max: number) =>
  z.string({ error: 'must be a string' }).max(max, `must be at most ${max} characters`);

/** Optional text: absent, `null` and `undefined` all mean "none". */
const optionalText = (max: number) =>
  text(max)
    .nullish()
    .transform((v) => v ?? null);

const requiredText = (max: number) =>
  text(max).refine((v) => v.trim().length > 0, { message: 'must not be empty' });

export const queryText = requiredText(LIMITS.queryText);

export const roleInput = z.enum(PLATFORM_ROLES, {
  error: `must be one of ${PLATFORM_ROLES.join(', ')}`,
});
export const statusInput = z.enum(QUERY_STATUSES, {
  error: `must be one of ${QUERY_STATUSES.join(', ')}`,
});
export const databaseTypeInput = z.enum(DATABASE_TYPES, {
  error: `must be one of ${DATABASE_TYPES.join(', ')}`,
});

export const tagsInput = z
  .array(
    z
      .string({ error: 'must be a string' })
      .trim()
      .min(1, 'must not be empty')
      .max(LIMITS.tag, `must be at most ${LIMITS.tag} characters`),
    { error: 'must be a list of strings' },
  )
  .max(LIMITS.tagsPerQuery, `at most ${LIMITS.tagsPerQuery} tags`)
  .nullish()
  .transform((tags) => [...new Set(tags ?? [])]);

export const historyEntryInput = z.object({
  id: idInput,
  connectionId: text(LIMITS.id)
    .nullish()
    .transform((v) => v ?? null),
  connectionName: optionalText(LIMITS.name),
  tabName: optionalText(LIMITS.name),
  query: queryText,
  executionTime: z
    .number({ error: 'must be a number of milliseconds' })
    .finite('must be finite')
    .min(0, 'must not be negative'),
  status: statusInput,
  executedAt: dateInput,
  rowCount: z
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(0, 'must not be negative')
    .max(2_147_483_647, 'is too large')
    .nullish()
    .transform((v) => v ?? null),
  errorMessage: optionalText(LIMITS.errorMessage),
});
export type HistoryEntryInput = z.input<typeof historyEntryInput>;
export type HistoryEntryRecord = z.output<typeof historyEntryInput>;

export const savedQueryInput = z.object({
  id: idInput,
  name: requiredText(LIMITS.name),
  query: queryText,
  description: optionalText(LIMITS.description),
  connectionType: databaseTypeInput.nullish().transform((v) => v ?? null),
  tags: tagsInput,
});
export type SavedQueryInput = z.input<typeof savedQueryInput>;

export const connectionInput = z.object({
  id: idInput,
  name: requiredText(LIMITS.name),
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
  password: optionalText(LIMITS.secret),
  database: optionalText(LIMITS.name),
  connectionString: optionalText(LIMITS.connectionString),
  createdAt: dateInput.optional(),
  isDemo: z.boolean({ error: 'must be true or false' }).nullish(),
});
export type ConnectionInput = z.input<typeof connectionInput>;
export type ConnectionRecordInput = z.output<typeof connectionInput>;

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
    historyRetention: retentionInput.optional(),
  })
  .loose();

export const jsonObject = z.record(z.string(), z.unknown(), { error: 'must be an object' });
