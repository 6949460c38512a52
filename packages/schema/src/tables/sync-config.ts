import { boolean, pgTable, text } from 'drizzle-orm/pg-core';
import { timestamptz } from './columns.ts';

/** This device's sync settings. Local to each device, so it carries no sync columns. */
export const syncConfig = pgTable('sync_config', {
  id: text('id').primaryKey(),
  syncEnabled: boolean('sync_enabled').notNull().default(false),
  syncUrl: text('sync_url'),
  lastSyncAt: timestamptz('last_sync_at'),
});

export type SyncConfigRow = typeof syncConfig.$inferSelect;
