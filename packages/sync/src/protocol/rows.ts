import { PLATFORM_ROLES, QUERY_STATUSES } from '@platform/schema/common';
import { LIMITS } from '@platform/storage/limits';
import { z } from 'zod';
import { HLC_PATTERN } from './hlc.ts';
import type { SyncedTable } from './tables.ts';

/**
 * Rows as they travel: Postgres column names, JSON values, timestamps as ISO strings. The server
 * validates every pushed row against these, with the same limits the browser's repositories
 * apply, before it writes anything.
 */

const MIN_TIME = Date.UTC(1970, 0, 1);
const MAX_TIME = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

const text = (max: number) => z.string().max(max, `must be at most ${max} characters`);
const nonEmpty = (max: number) => text(max).min(1, 'must not be empty');
const timestamp = z
  .string()
  .max(40)
  .refine((value) => {
    const time = Date.parse(value);
    return Number.isFinite(time) && time >= MIN_TIME && time <= MAX_TIME;
  }, 'must be a timestamp between 1970 and 9999');

export const hlcValue = z.string().regex(HLC_PATTERN, 'must be a clock stamp');

const syncColumns = {
  updated_at: timestamp,
  deleted_at: timestamp.nullable(),
  hlc: hlcValue,
};

const preferences = z
  .record(z.string(), z.unknown())
  .refine(
    (doc) => JSON.stringify(doc).length <= LIMITS.preferencesBytes,
    `must be at most ${LIMITS.preferencesBytes} bytes`,
  );

export const platformUserRow = z.strictObject({
  id: nonEmpty(LIMITS.id),
  username: nonEmpty(LIMITS.username),
  email: text(LIMITS.email).nullable(),
  platform_role: z.enum(PLATFORM_ROLES),
  preferences,
  created_at: timestamp,
  ...syncColumns,
});

export const connectionRow = z.strictObject({
  id: nonEmpty(LIMITS.id),
  user_id: nonEmpty(LIMITS.id),
  name: nonEmpty(LIMITS.name),
  type: nonEmpty(LIMITS.name),
  host: text(LIMITS.host).nullable(),
  port: z.number().int().min(1).max(65_535).nullable(),
  db_user: text(LIMITS.name).nullable(),
  database: text(LIMITS.name).nullable(),
  connection_string: text(LIMITS.connectionString).nullable(),
  is_demo: z.boolean(),
  created_at: timestamp,
  ...syncColumns,
});

export const savedQueryRow = z.strictObject({
  id: nonEmpty(LIMITS.id),
  user_id: nonEmpty(LIMITS.id),
  name: nonEmpty(LIMITS.name),
  description: text(LIMITS.description).nullable(),
  query: nonEmpty(LIMITS.queryText),
  connection_type: nonEmpty(LIMITS.name).nullable(),
  tags: z.array(nonEmpty(LIMITS.tag)).max(LIMITS.tagsPerQuery),
  created_at: timestamp,
  ...syncColumns,
});

export const queryLogRow = z.strictObject({
  id: nonEmpty(LIMITS.id),
  user_id: nonEmpty(LIMITS.id),
  connection_id: text(LIMITS.id).nullable(),
  connection_name: text(LIMITS.name).nullable(),
  tab_name: text(LIMITS.name).nullable(),
  query: nonEmpty(LIMITS.queryText),
  row_count: z.number().int().min(0).nullable(),
  execution_time_ms: z.number().min(0).nullable(),
  status: z.enum(QUERY_STATUSES),
  error_message: text(LIMITS.errorMessage).nullable(),
  executed_at: timestamp,
  ...syncColumns,
});

export const ROW_SCHEMAS = {
  platform_users: platformUserRow,
  connections: connectionRow,
  saved_queries: savedQueryRow,
  query_logs: queryLogRow,
} as const satisfies Record<SyncedTable, z.ZodType>;

export type SyncedRow = Record<string, unknown> & { id: string; hlc: string };
