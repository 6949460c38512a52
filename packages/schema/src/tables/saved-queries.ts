import { sql } from 'drizzle-orm';
import { index, pgTable, text } from 'drizzle-orm/pg-core';
import { syncColumns, timestamptz } from './columns.ts';
import { platformUsers } from './platform-users.ts';

export const savedQueries = pgTable(
  'saved_queries',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => platformUsers.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    description: text('description'),
    query: text('query').notNull(),
    connectionType: text('connection_type'),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
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
