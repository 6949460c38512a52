import { pgTable, text } from 'drizzle-orm/pg-core';
import { timestamptz } from './columns.ts';
import { platformUsers } from './platform-users.ts';

/**
 * Server only. Never imported by the browser entry, so neither its migrations nor any browser
 * bundle can contain it.
 */
export const platformUserPasswords = pgTable('platform_user_passwords', {
  userId: text('user_id')
    .primaryKey()
    .references(() => platformUsers.id, { onDelete: 'cascade' }),
  hashedPassword: text('hashed_password').notNull(),
  passwordUpdatedAt: timestamptz('password_updated_at').notNull().defaultNow(),
});

export type PlatformUserPassword = typeof platformUserPasswords.$inferSelect;
