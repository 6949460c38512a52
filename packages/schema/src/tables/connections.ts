import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, pgTable, text } from 'drizzle-orm/pg-core';
import { document, listPosition, syncColumns, timestamptz, userText } from './columns.ts';
import { platformUsers } from './platform-users.ts';

/**
 * Connection metadata only. There is deliberately no password column: secrets (a typed password,
 * one embedded in `connection_string`, an SSL client key, SSH tunnel credentials, the agent's
 * password) live in the vault and are stripped before a row is written.
 *
 * The studio's connection is an open record that grows with every database it learns: the
 * fields it searches and shows have columns, and every other field it was given (`ssl`,
 * `sshTunnel`, `environment`, `serviceName`, a field of a newer studio) stays in `extra`, as
 * `JSON.stringify` wrote it, so nothing a caller saved is lost. `type` is an open string.
 */
export const connections = pgTable(
  'connections',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => platformUsers.id, { onDelete: 'cascade' }),
    name: userText('name').notNull(),
    type: userText('type').notNull(),
    host: userText('host'),
    port: integer('port'),
    dbUser: userText('db_user'),
    database: userText('database'),
    connectionString: userText('connection_string'),
    isDemo: boolean('is_demo').notNull().default(false),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    /** Insertion order: the studio's callers pick `connections[0]`. */
    position: listPosition(),
    /** Every field of the studio's object that has no column here, secrets removed. */
    extra: document<Record<string, unknown>>('extra'),
    ...syncColumns(),
  },
  (t) => [
    index('connections_user_idx').on(t.userId).where(sql`${t.deletedAt} is null`),
    check('connections_port_check', sql`${t.port} is null or ${t.port} between 1 and 65535`),
  ],
);

export type ConnectionRow = typeof connections.$inferSelect;
export type NewConnectionRow = typeof connections.$inferInsert;
