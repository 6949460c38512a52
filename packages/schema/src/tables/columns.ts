import { timestamp } from 'drizzle-orm/pg-core';

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
});
