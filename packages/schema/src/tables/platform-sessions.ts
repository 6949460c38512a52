import { index, pgTable, text } from 'drizzle-orm/pg-core';
import { timestamptz } from './columns.ts';
import { platformUsers } from './platform-users.ts';

/**
 * Server only: every session the server has issued. A session token names its row (`sid`), and
 * the server accepts the token only while the row is neither revoked nor past `expires_at`, so
 * logging out, a password change and deleting the account end a session on the server, not just
 * in the browser that held the cookie. Rows are kept until they expire, so a revoked token is
 * still told `revoked`; expired rows are pruned.
 */
export const platformSessions = pgTable(
  'platform_sessions',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => platformUsers.id, { onDelete: 'cascade' }),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    expiresAt: timestamptz('expires_at').notNull(),
    revokedAt: timestamptz('revoked_at'),
  },
  (t) => [
    index('platform_sessions_user_id_idx').on(t.userId),
    index('platform_sessions_expires_at_idx').on(t.expiresAt),
  ],
);

export type PlatformSession = typeof platformSessions.$inferSelect;
