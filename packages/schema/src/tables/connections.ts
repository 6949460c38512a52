import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, pgTable, text } from 'drizzle-orm/pg-core';
import { syncColumns, timestamptz } from './columns.ts';
import { platformUsers } from './platform-users.ts';

/**
 * Connection metadata only. There is deliberately no password column: secrets (a typed password,
 * or one embedded in `connection_string`) live in the vault and are stripped before a row is written.
 */
export const connections = pgTable(
  'connections',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => platformUsers.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    type: text('type').notNull(),
    host: text('host'),
    port: integer('port'),
    dbUser: text('db_user'),
    database: text('database'),
    connectionString: text('connection_string'),
    isDemo: boolean('is_demo').notNull().default(false),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    ...syncColumns(),
  },
  (t) => [
    index('connections_user_idx').on(t.userId).where(sql`${t.deletedAt} is null`),
    check('connections_port_check', sql`${t.port} is null or ${t.port} between 1 and 65535`),
  ],
);

export type ConnectionRow = typeof connections.$inferSelect;
export type NewConnectionRow = typeof connections.$inferInsert;
