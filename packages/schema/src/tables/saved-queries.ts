import { sql } from 'drizzle-orm';
import { index, pgTable, text } from 'drizzle-orm/pg-core';
import { document, listPosition, syncColumns, timestamptz, userText } from './columns.ts';
import { platformUsers } from './platform-users.ts';

export const savedQueries = pgTable(
  'saved_queries',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => platformUsers.id, { onDelete: 'cascade' }),
    name: userText('name').notNull(),
    description: userText('description'),
    query: userText('query').notNull(),
    connectionType: userText('connection_type'),
    /** As typed, duplicates and order kept; null when the query has none (the field is optional). */
    tags: userText('tags').array(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    /** Insertion order, the order the studio lists them in. */
    position: listPosition(),
    /** Fields of the studio's object that have no column here, kept as given. */
    extra: document<Record<string, unknown>>('extra'),
    ...syncColumns(),
  },
  (t) => [
    index('saved_queries_user_recent_idx')
      .on(t.userId, t.updatedAt.desc().nullsFirst())
      .where(sql`${t.deletedAt} is null`),
    index('saved_queries_name_trgm_idx').using('gin', t.name.op('gin_trgm_ops')),
    index('saved_queries_query_trgm_idx').using('gin', t.query.op('gin_trgm_ops')),
    index('saved_queries_tags_idx').using('gin', t.tags),
  ],
);

export type SavedQueryRow = typeof savedQueries.$inferSelect;
export type NewSavedQueryRow = typeof savedQueries.$inferInsert;
