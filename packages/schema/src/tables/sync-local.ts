import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { SYNCED_TABLE_NAMES } from '../synced-tables.ts';
import { timestamptz } from './columns.ts';

/**
 * Browser only: local writes of a syncing profile waiting to reach the server. One entry per row,
 * written by a trigger in the same transaction as the write (`0004_sync_triggers`); a later write
 * to the same row replaces the entry with a new mutation id, so the server only ever sees the
 * row's latest state, and an acknowledgement removes an entry only if it is still that mutation.
 */
export const syncOutbox = pgTable(
  'sync_outbox',
  {
    tableName: text('table_name').notNull(),
    rowId: text('row_id').notNull(),
    /** The profile whose row it is: only its own entries are pushed with its session. */
    userId: text('user_id').notNull(),
    /** Idempotency key: the server applies a mutation id at most once. */
    mutationId: text('mutation_id').notNull(),
    /** `upsert` sends the row as it is at push time; `delete` a row removed outright. */
    op: text('op').notNull(),
    hlc: text('hlc').notNull(),
    queuedAt: timestamptz('queued_at').notNull().defaultNow(),
    /** Order of first queueing, for pushing in the order things happened. */
    seq: bigint('seq', { mode: 'number' }).notNull().generatedByDefaultAsIdentity(),
  },
  (t) => [
    primaryKey({ columns: [t.tableName, t.rowId] }),
    index('sync_outbox_user_seq_idx').on(t.userId, t.seq),
    check('sync_outbox_op_check', sql`${t.op} in ('upsert', 'delete')`),
    check(
      'sync_outbox_table_check',
      sql.raw(`table_name in (${SYNCED_TABLE_NAMES.map((name) => `'${name}'`).join(', ')})`),
    ),
  ],
);

/** Browser only: where each shape stream of a profile stands, so a reload resumes it. */
export const syncShapes = pgTable(
  'sync_shapes',
  {
    userId: text('user_id').notNull(),
    tableName: text('table_name').notNull(),
    handle: text('handle').notNull(),
    offset: text('offset').notNull(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.tableName] })],
);

/**
 * Browser only, one row: this database's hybrid logical clock. `offset_ms` is the server's clock
 * minus this device's, measured at each exchange, so a device whose clock is wrong still stamps
 * its writes in server time.
 */
export const syncClock = pgTable(
  'sync_clock',
  {
    id: integer('id').primaryKey().default(1),
    /** 16 hex digits, random per database: breaks ties between devices. */
    nodeId: text('node_id').notNull(),
    physical: bigint('physical', { mode: 'number' }).notNull().default(0),
    counter: integer('counter').notNull().default(0),
    offsetMs: bigint('offset_ms', { mode: 'number' }).notNull().default(0),
  },
  (t) => [
    check('sync_clock_single_row', sql`${t.id} = 1`),
    check('sync_clock_node_id', sql`${t.nodeId} ~ '^[0-9a-f]{16}$'`),
  ],
);

export type SyncOutboxRow = typeof syncOutbox.$inferSelect;
export type SyncShapeRow = typeof syncShapes.$inferSelect;
