// The push's timestamp rule (`timestampMicros` of @platform/sync/protocol) against a real
// PostgreSQL: whatever it lets through, Postgres takes as the same instant, so a timestamp
// never fails a write; and what Postgres takes in the travelling form, within 1970 … 9999, it
// lets through.
import { timestampMicros } from '@platform/sync/protocol';
import { createDatabase, type TestDatabase } from '@platform/testing/postgres';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

let database: TestDatabase;
let client: pg.Client;

beforeAll(async () => {
  database = await createDatabase(inject('postgresUrl'), 'timestamps');
  client = new pg.Client({ connectionString: database.url });
  await client.connect();
});

afterAll(async () => {
  await client?.end();
  await database?.drop();
});

/** Postgres's reading of `value` as microseconds since 1970, or null when it refuses it. */
async function postgresMicros(value: string): Promise<bigint | null> {
  await client.query('savepoint probe');
  try {
    const { rows } = await client.query<{ us: string }>(
      `select (extract(epoch from $1::timestamptz) * 1000000)::numeric(30, 0)::text as us`,
      [value],
    );
    await client.query('release savepoint probe');
    return BigInt(rows[0]?.us ?? '0');
  } catch {
    await client.query('rollback to savepoint probe');
    return null;
  }
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** Timestamps in the travelling form with every field anywhere near its range, and past it. */
const candidate = fc
  .record({
    year: fc.oneof(fc.integer({ min: 1960, max: 2100 }), fc.constantFrom(99, 1969, 1970, 9999)),
    month: fc.integer({ min: 0, max: 13 }),
    day: fc.integer({ min: 0, max: 32 }),
    hour: fc.integer({ min: 0, max: 25 }),
    minute: fc.integer({ min: 0, max: 61 }),
    second: fc.option(fc.integer({ min: 0, max: 61 }), { nil: null }),
    fraction: fc.option(fc.stringMatching(/^\d{1,6}$/), { nil: null }),
    separator: fc.constantFrom('T', ' '),
    zone: fc.oneof(
      fc.constant('Z'),
      fc.record({
        sign: fc.constantFrom('+', '-'),
        hours: fc.integer({ min: 0, max: 17 }),
        minutes: fc.option(fc.integer({ min: 0, max: 61 }), { nil: null }),
        colon: fc.boolean(),
      }),
    ),
  })
  .map((t) => {
    const time = `${pad(t.hour, 2)}:${pad(t.minute, 2)}${
      t.second === null ? '' : `:${pad(t.second, 2)}${t.fraction === null ? '' : `.${t.fraction}`}`
    }`;
    const zone =
      typeof t.zone === 'string'
        ? t.zone
        : `${t.zone.sign}${pad(t.zone.hours, 2)}${
            t.zone.minutes === null ? '' : `${t.zone.colon ? ':' : ''}${pad(t.zone.minutes, 2)}`
          }`;
    return `${pad(t.year, 4)}-${pad(t.month, 2)}-${pad(t.day, 2)}${t.separator}${time}${zone}`;
  });

const MIN = 0n;
const MAX = BigInt(Date.UTC(9999, 11, 31, 23, 59, 59, 999)) * 1000n + 999n;

describe('the timestamp rule of pushed rows', () => {
  it('lets through only what Postgres takes, as the same instant, and all of it within range', async () => {
    await client.query('begin');
    try {
      await fc.assert(
        fc.asyncProperty(candidate, async (value) => {
          const ours = timestampMicros(value);
          const theirs = await postgresMicros(value);
          if (ours !== null) expect({ value, micros: theirs }).toEqual({ value, micros: ours });
          else if (theirs !== null) {
            // Refused only when out of range (a fraction rounds in Postgres, so compare
            // the whole seconds).
            expect({ value, inRange: theirs >= MIN && theirs / 1000n <= MAX / 1000n }).toEqual({
              value,
              inRange: false,
            });
          }
        }),
        { numRuns: 400 },
      );
    } finally {
      await client.query('rollback');
    }
  });

  it('refuses the dates and zones Date.parse takes but Postgres does not', () => {
    for (const value of [
      '2026-02-30T00:00:00Z',
      '2026-02-29T00:00:00Z',
      '2026-04-31T12:00:00+02:00',
      '2026-01-01T00:00:00+16:00',
      '2026-01-01T00:00:00+15:60',
    ]) {
      expect({ value, micros: timestampMicros(value) }).toEqual({ value, micros: null });
    }
    expect(timestampMicros('2024-02-29T00:00:00.000001Z')).toBe(
      BigInt(Date.UTC(2024, 1, 29)) * 1000n + 1n,
    );
  });
});
