import { json, pgTable, text } from 'drizzle-orm/pg-core';
import { timestamptz } from './columns.ts';
import { platformUsers } from './platform-users.ts';

/**
 * Server only: every mutation id the push endpoint has applied, with the answer it gave. A retry
 * after a lost response finds its id here and gets the same answer, and nothing is applied twice.
 * `json`, not `jsonb`: an answer may carry the server's row (`current`), whose `json` columns
 * can hold `\u0000`, which `jsonb` refuses.
 */
export const syncMutations = pgTable('sync_mutations', {
  id: text('id').primaryKey(),
  userId: text('user_id')
    .notNull()
    .references(() => platformUsers.id, { onDelete: 'cascade' }),
  result: json('result').$type<Record<string, unknown>>().notNull(),
  appliedAt: timestamptz('applied_at').notNull().defaultNow(),
});

export type SyncMutationRow = typeof syncMutations.$inferSelect;
