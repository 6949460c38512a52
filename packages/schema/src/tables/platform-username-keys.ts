import { pgTable, text } from 'drizzle-orm/pg-core';
import { platformUsers } from './platform-users.ts';

/**
 * Server only: the canonical form of each live account's username (apps/server
 * `accounts/username.ts`: NFKC, trimmed, case-folded), unique. The server is the arbiter of who
 * owns a name, and the key is computed by the server's code rather than by SQL's `lower()`,
 * whose result depends on the database's locale; login finds the account by it.
 */
export const platformUsernameKeys = pgTable('platform_username_keys', {
  userId: text('user_id')
    .primaryKey()
    .references(() => platformUsers.id, { onDelete: 'cascade' }),
  usernameKey: text('username_key').notNull().unique('platform_username_keys_key'),
});

export type PlatformUsernameKey = typeof platformUsernameKeys.$inferSelect;
