import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CONNECTION_FIELDS, HISTORY_FIELDS } from './fields.ts';
import { asStoredJson, type JsonObject, joinRecord, splitRecord } from './open-record.ts';

/** What the studio got back from localStorage: JSON.parse with its date fields revived. */
function studioRoundTrip(record: JsonObject, dateFields: string[]): JsonObject {
  const back = asStoredJson(record) as JsonObject;
  for (const field of dateFields) if (back[field]) back[field] = new Date(back[field] as string);
  return back;
}

describe('an open record split into columns and extra', () => {
  it('puts each known field in its column only when the column holds it exactly', () => {
    const { columns, extra } = splitRecord(CONNECTION_FIELDS, {
      id: 'c1',
      name: 'Prod',
      type: 'clickhouse',
      port: null,
      host: 42,
      createdAt: '2026-01-01T00:00:00.000Z',
      environment: 'production',
    });

    expect(columns).toEqual({
      id: 'c1',
      name: 'Prod',
      type: 'clickhouse',
      createdAt: new Date('2026-01-01T00:00:00.000Z'),
    });
    expect(extra).toEqual({ port: null, host: 42, environment: 'production' });
  });

  it('keeps a port out of range, a fractional row count and a bad date in extra', () => {
    expect(splitRecord(CONNECTION_FIELDS, { port: 70_000 }).extra).toEqual({ port: 70_000 });
    expect(splitRecord(HISTORY_FIELDS, { rowCount: 1.5 }).extra).toEqual({ rowCount: 1.5 });
    expect(splitRecord(HISTORY_FIELDS, { executedAt: 'soon' }).extra).toEqual({
      executedAt: 'soon',
    });
  });

  it('joins back to what the studio read from its own localStorage, for any record', () => {
    const value = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.date({ noInvalidDate: false }),
      fc.array(fc.string(), { maxLength: 3 }),
      fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 }),
    );
    const keys = [...HISTORY_FIELDS.map((f) => f.key), 'extraField', 'other'];
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...keys), value), (record) => {
        const stored = asStoredJson(record) as JsonObject;
        const { columns, extra } = splitRecord(HISTORY_FIELDS, stored);
        const row: JsonObject = {};
        for (const f of HISTORY_FIELDS) row[f.column] = columns[f.column] ?? null;
        expect(joinRecord(HISTORY_FIELDS, row, extra)).toEqual(
          studioRoundTrip(record, ['executedAt']),
        );
      }),
      { numRuns: 500 },
    );
  });
});
