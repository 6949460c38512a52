import { describe, expect, it } from 'vitest';
import { adjustClockOffset, clockOffset } from './clock.ts';
import { USER, useReplica } from './test-replica.ts';

const db = useReplica();
const HOUR = 3_600_000;

async function stampOf(id: string) {
  const { rows } = await db.pg.query<{ hlc: string }>(
    'select hlc from saved_queries where id = $1',
    [id],
  );
  return Number(rows[0]?.hlc.slice(0, 15));
}

describe("the device's clock offset", () => {
  it('is the server time minus the midpoint of the exchange', async () => {
    await adjustClockOffset(db.pg, 10_000_500, 10_000_000, 10_000_200);
    expect(await clockOffset(db.pg)).toBe(400);
  });

  it('puts every new stamp in server time', async () => {
    const now = Date.now();
    await adjustClockOffset(db.pg, now + HOUR, now, now);
    await db.pg.query(
      `insert into saved_queries (id, user_id, name, query) values ('q1', $1, 'After', 'select 1')`,
      [USER],
    );
    expect(Math.abs((await stampOf('q1')) - (now + HOUR))).toBeLessThan(5_000);
  });

  it('moves the stamps of unsent writes when it jumps, and lets the clock go back with them', async () => {
    const now = Date.now();
    // Written while the device's clock was an hour ahead (its offset not yet corrected).
    await db.pg.query('update sync_clock set offset_ms = $1', [HOUR]);
    await db.pg.query(
      `insert into saved_queries (id, user_id, name, query) values ('q1', $1, 'Offline', 'select 1')`,
      [USER],
    );
    const before = await stampOf('q1');

    const correction = await adjustClockOffset(db.pg, now, now, now);

    expect(correction).toBeLessThan(-HOUR + 5_000);
    const after = await stampOf('q1');
    expect(Math.abs(after - (before - HOUR))).toBeLessThan(5_000);
    const { rows } = await db.pg.query<{ hlc: string }>('select hlc from sync_outbox');
    expect(Number(rows[0]?.hlc.slice(0, 15))).toBe(after);
    // The next write is stamped in server time, not an hour ahead.
    await db.pg.query(
      `insert into saved_queries (id, user_id, name, query) values ('q2', $1, 'Later', 'select 1')`,
      [USER],
    );
    expect(Math.abs((await stampOf('q2')) - Date.now())).toBeLessThan(5_000);
  });

  it('ignores the jitter of a round trip', async () => {
    await adjustClockOffset(db.pg, 1_000, 1_000, 1_000);
    expect(await adjustClockOffset(db.pg, 1_010, 1_000, 1_000)).toBe(0);
    expect(await clockOffset(db.pg)).toBe(0);
  });

  it('takes no slow round trip for a jump: it knows the offset only within half of it', async () => {
    await db.pg.query(
      `insert into saved_queries (id, user_id, name, query) values ('q1', $1, 'Unsent', 'select 1')`,
      [USER],
    );
    const before = await stampOf('q1');
    // 4 s there and back (a stalled tab): the server's 1.5 s "ahead" is within the guess.
    expect(await adjustClockOffset(db.pg, 2_000 + 1_500, 0, 4_000)).toBe(0);
    expect(await clockOffset(db.pg)).toBe(0);
    expect(await stampOf('q1')).toBe(before);
    // The same round trip still shows an hour's jump.
    expect(await adjustClockOffset(db.pg, 2_000 + HOUR, 0, 4_000)).toBe(HOUR);
  });
});
