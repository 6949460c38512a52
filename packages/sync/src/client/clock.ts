import type { SqlClient } from '@platform/storage';
import { SYNCED_TABLES } from '../protocol/tables.ts';
import { applyingRemote } from './apply-shape.ts';

/**
 * A change of offset smaller than this (plus half the round trip, the measure's own error) is
 * the round trip's asymmetry, not a clock that moved. Larger, and the stamps of writes still
 * waiting to be pushed were taken with a wrong clock.
 */
export const CLOCK_JUMP_MS = 1_000;

/**
 * Sets this device's clock to the server's. `serverTime` was read between sending and receiving,
 * so it is taken as of the midpoint; the browser's `platform_next_hlc()` adds the offset to every
 * stamp, so a device whose clock is an hour wrong stamps in server time all the same.
 *
 * When the offset moved by a second or more since the last exchange (the device's clock was
 * changed, or was wrong before it first met the server), the writes still in the outbox were
 * stamped with the wrong clock: their stamps move by the same amount, in the rows and in the
 * outbox, before they are sent, and the clock itself follows. Returns the correction applied.
 */
export async function adjustClockOffset(
  db: SqlClient,
  serverTime: number,
  sentAt: number,
  receivedAt: number,
): Promise<number> {
  const offset = Math.round(serverTime - (sentAt + receivedAt) / 2);
  return db.transaction(async (tx) => {
    await applyingRemote(tx);
    const { rows } = await tx.query<{ offset_ms: number | string }>(
      'select offset_ms from sync_clock where id = 1 for update',
    );
    const correction = offset - Number(rows[0]?.offset_ms ?? 0);
    // The midpoint is a guess: the server read its clock anywhere in the round trip. A slow one
    // (a stalled tab, a busy network) says nothing finer than half of it.
    const uncertainty = Math.max(0, receivedAt - sentAt) / 2;
    if (Math.abs(correction) < CLOCK_JUMP_MS + uncertainty) {
      if (Math.abs(correction) >= 20 && Math.abs(correction) > uncertainty) {
        await tx.query('update sync_clock set offset_ms = $1 where id = 1', [offset]);
      }
      return 0;
    }
    // Shift a stamp's milliseconds, keeping its counter and node.
    const shifted = (column: string) =>
      `lpad(greatest(0, substr(${column}, 1, 15)::bigint + $1)::text, 15, '0') || substr(${column}, 16)`;
    for (const table of SYNCED_TABLES) {
      await tx.query(
        `update "${table}" t set hlc = ${shifted('t.hlc')}
           from sync_outbox o
          where o.table_name = $2 and o.row_id = t.id and t.hlc = o.hlc and t.hlc <> ''`,
        [correction, table],
      );
    }
    await tx.query(`update sync_outbox set hlc = ${shifted('hlc')} where hlc <> ''`, [correction]);
    await tx.query(
      `update sync_clock set offset_ms = $2,
              physical = greatest(0, physical + least($1, 0)), counter = 0
        where id = 1`,
      [correction, offset],
    );
    return correction;
  });
}

export async function clockOffset(db: SqlClient): Promise<number> {
  const { rows } = await db.query<{ offset_ms: number | string }>(
    'select offset_ms from sync_clock where id = 1',
  );
  return Number(rows[0]?.offset_ms ?? 0);
}
