import { sql } from 'drizzle-orm';
import { check, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { syncColumns, timestamptz } from './columns.ts';

export const platformUsers = pgTable(
  'platform_users',
  {
    id: text('id').primaryKey(),
    username: text('username').notNull(),
    email: text('email'),
    platformRole: text('platform_role').notNull().default('user'),
    preferences: jsonb('preferences').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    ...syncColumns(),
  },
  (t) => [
    // Case-insensitive and among live rows only, so a deleted profile's name can be reused.
    uniqueIndex('platform_users_username_key')
      .on(sql`lower(${t.username})`)
      .where(sql`${t.deletedAt} is null`),
    check('platform_users_role_check', sql`${t.platformRole} in ('admin', 'user', 'viewer')`),
    check('platform_users_preferences_object', sql`jsonb_typeof(${t.preferences}) = 'object'`),
  ],
);

export type PlatformUser = typeof platformUsers.$inferSelect;
export type NewPlatformUser = typeof platformUsers.$inferInsert;
