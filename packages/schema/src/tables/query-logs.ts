import { sql } from 'drizzle-orm';
import { bigint, check, doublePrecision, index, pgTable, text } from 'drizzle-orm/pg-core';
import { document, syncColumns, timestamptz, userText } from './columns.ts';
import { platformUsers } from './platform-users.ts';

export const queryLogs = pgTable(
  'query_logs',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => platformUsers.id, { onDelete: 'cascade' }),
    connectionId: userText('connection_id'),
    connectionName: userText('connection_name'),
    tabName: userText('tab_name'),
    query: userText('query').notNull(),
    // A JS number of rows: a count past 2^31 is real on big tables.
    rowCount: bigint('row_count', { mode: 'number' }),
    executionTimeMs: doublePrecision('execution_time_ms'),
    status: text('status').notNull(),
    errorMessage: userText('error_message'),
    executedAt: timestamptz('executed_at').notNull().defaultNow(),
    /** Fields of the studio's entry that have no column here, kept as given. */
    extra: document<Record<string, unknown>>('extra'),
    // Breaks ties between entries executed in the same millisecond: the later insert sorts first.
    insertSeq: bigint('insert_seq', { mode: 'number' }).notNull().generatedByDefaultAsIdentity(),
    ...syncColumns(),
  },
  (t) => [
    index('query_logs_user_recent_idx')
      .on(t.userId, t.executedAt.desc().nullsFirst(), t.insertSeq.desc().nullsFirst())
      .where(sql`${t.deletedAt} is null`),
    // Substring search over the query text (ILIKE '%…%'); needs the pg_trgm migration.
    index('query_logs_query_trgm_idx').using('gin', t.query.op('gin_trgm_ops')),
    check('query_logs_status_check', sql`${t.status} in ('success', 'error')`),
    check('query_logs_row_count_check', sql`${t.rowCount} is null or ${t.rowCount} >= 0`),
    check(
      'query_logs_execution_time_check',
      sql`${t.executionTimeMs} is null or ${t.executionTimeMs} >= 0`,
    ),
  ],
);

export type QueryLog = typeof queryLogs.$inferSelect;
export type NewQueryLog = typeof queryLogs.$inferInsert;
