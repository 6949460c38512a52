import { describe, expect, it } from 'vitest';
import { columnWidths, formatCell, MAX_CELL_CHARS } from './format.ts';

describe('formatCell', () => {
  it('shows NULL distinctly from the text "NULL"', () => {
    expect(formatCell(null)).toEqual({ text: 'NULL', kind: 'null' });
    expect(formatCell(undefined)).toEqual({ text: 'NULL', kind: 'null' });
    expect(formatCell('NULL')).toEqual({ text: 'NULL', kind: 'text' });
  });

  it('formats the values PGlite hands over', () => {
    expect(formatCell(42n)).toEqual({ text: '42', kind: 'number' });
    expect(formatCell(1.5)).toEqual({ text: '1.5', kind: 'number' });
    expect(formatCell(false)).toEqual({ text: 'false', kind: 'boolean' });
    expect(formatCell(new Date('2024-01-02T03:04:05Z'))).toEqual({
      text: '2024-01-02T03:04:05.000Z',
      kind: 'date',
    });
    expect(formatCell(new Uint8Array([0, 255]))).toEqual({ text: '\\x00ff', kind: 'binary' });
    expect(formatCell({ a: [1, 2n] })).toEqual({ text: '{"a":[1,"2"]}', kind: 'json' });
  });

  it('keeps a cell on one line and cuts long text', () => {
    expect(formatCell('a\n  b').text).toBe('a ⏎ b');
    expect(formatCell('x'.repeat(1000)).text).toHaveLength(MAX_CELL_CHARS + 1);
  });
});

describe('columnWidths', () => {
  it('fits the header or the widest sampled value, within bounds', () => {
    const widths = columnWidths(
      [
        { name: 'id', dataTypeID: 23 },
        { name: 'description', dataTypeID: 25 },
        { name: 'blob', dataTypeID: 25 },
      ],
      [[1, 'short', 'y'.repeat(500)]],
    );
    expect(widths[0]).toBe(64);
    expect(widths[1]).toBeGreaterThan(widths[0] ?? 0);
    expect(widths[2]).toBe(420);
  });
});
