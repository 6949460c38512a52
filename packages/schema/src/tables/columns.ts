import { text, timestamp } from 'drizzle-orm/pg-core';

/** Timestamps are always `timestamptz`: rows move between devices in different time zones. */
export const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * What last-write-wins sync needs on every synced row: when it last changed, and a tombstone.
 * A delete sets `deleted_at` instead of removing the row, so an update that arrives late and
 * carries an older `updated_at` loses to the delete instead of bringing the row back.
 * A function, not shared builders: Drizzle column builders must not be reused across tables.
 */
export const syncColumns = () => ({
  updatedAt: timestamptz('updated_at').notNull().defaultNow(),
  deletedAt: timestamptz('deleted_at'),
  /**
   * The hybrid logical clock stamp of the row's last write: the last-write-wins order. Fixed
   * width (15-digit milliseconds, 6-digit counter, 16 hex digits of the writing device), so it is
   * compared as bytes (`COLLATE "C"`). '' is older than every stamp: rows from before sync.
   */
  hlc: text('hlc').notNull().default(''),
});
