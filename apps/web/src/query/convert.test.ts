import { describe, expect, it } from 'vitest';
import { fromPglite, fromServerResponse, toQueryError } from './convert.ts';
import { outcomeRowCount } from './types.ts';

describe('fromPglite', () => {
  it('keeps columns, array rows, the command and its row count', () => {
    const result = fromPglite(
      {
        rows: [
          [1, 'a'],
          [2, null],
        ],
        fields: [
          { name: 'id', dataTypeID: 23 },
          { name: 'name', dataTypeID: 25 },
        ],
        command: 'SELECT',
        rowCount: 2,
      },
      10,
    );
    expect(result).toEqual({
      command: 'SELECT',
      columns: [
        { name: 'id', dataTypeID: 23 },
        { name: 'name', dataTypeID: 25 },
      ],
      rows: [
        [1, 'a'],
        [2, null],
      ],
      rowCount: 2,
      truncated: false,
    });
  });

  it('cuts rows beyond the maximum and says so, keeping the full count', () => {
    const rows = Array.from({ length: 5 }, (_, i) => [i]);
    const result = fromPglite({ rows, fields: [{ name: 'i', dataTypeID: 23 }], rowCount: 5 }, 3);
    expect(result.rows).toHaveLength(3);
    expect(result.truncated).toBe(true);
    expect(result.rowCount).toBe(5);
    expect(result.command).toBe('SELECT');
  });
});

describe('toQueryError', () => {
  it('keeps what Postgres said and where', () => {
    const error = Object.assign(new Error('relation "nope" does not exist'), {
      severity: 'ERROR',
      code: '42P01',
      position: '15',
    });
    expect(toQueryError(error)).toEqual({
      message: 'relation "nope" does not exist',
      code: '42P01',
      position: 15,
      kind: 'postgres',
      detail: null,
      hint: null,
    });
  });

  it('turns anything else into an internal error without a position', () => {
    expect(toQueryError('boom')).toMatchObject({
      message: 'boom',
      position: null,
      kind: 'internal',
    });
  });
});

describe('fromServerResponse', () => {
  it('reads the results of /api/query', () => {
    const outcome = fromServerResponse(
      {
        results: [
          { command: 'INSERT', rowCount: 3, columns: [], rows: [], truncated: false },
          {
            command: 'SELECT',
            rowCount: 1,
            columns: [{ name: 'n', dataTypeID: 20 }],
            rows: [['42']],
            truncated: false,
          },
        ],
        durationMs: 12,
      },
      200,
      30,
    );
    expect(outcome).toMatchObject({ ok: true, durationMs: 12 });
    expect(outcomeRowCount(outcome)).toBe(1);
  });

  it('reads an error with its position, and survives a body without one', () => {
    expect(
      fromServerResponse(
        { error: { kind: 'postgres', message: 'syntax error', code: '42601', position: 8 } },
        400,
        5,
      ),
    ).toEqual({
      ok: false,
      durationMs: 5,
      error: {
        message: 'syntax error',
        code: '42601',
        position: 8,
        kind: 'postgres',
        detail: null,
        hint: null,
      },
    });
    expect(fromServerResponse({}, 502, 5)).toMatchObject({
      ok: false,
      error: { message: 'The server answered 502 without a result.', position: null },
    });
  });
});
