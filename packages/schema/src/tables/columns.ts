import { customType, doublePrecision, json, text, timestamp } from 'drizzle-orm/pg-core';
import { decodeText, encodeText } from '../text-codec.ts';

/** Timestamps are always `timestamptz`: rows move between devices in different time zones. */
export const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * A `text` column for what people write (queries, names, hosts): any JavaScript string, U+0000
 * and lone surrogates included, goes in and comes back exactly (`text-codec.ts`). In SQL it is
 * plain `text`; only strings Postgres could not hold are stored escaped.
 */
export const userText = customType<{ data: string; driverData: string }>({
  dataType: () => 'text',
  toDriver: encodeText,
  fromDriver: decodeText,
});

/**
 * A JSON document kept exactly as `JSON.stringify` wrote it, as the studio's localStorage did:
 * `json`, not `jsonb`, because `jsonb` refuses `\u0000` and lone surrogate escapes, and nothing
 * here queries inside these documents.
 */
export const document = <T>(name: string) => json(name).$type<T>();

/**
 * Where a row stands in its owner's list: the studio's lists keep insertion order, and replacing
 * an item keeps its place. A float, so an item can go between two others without renumbering.
 */
export const listPosition = () => doublePrecision('position').notNull().default(0);

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
