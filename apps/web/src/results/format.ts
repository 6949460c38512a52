import type { ResultColumn } from '../query/types.ts';

export type CellKind = 'null' | 'number' | 'boolean' | 'text' | 'json' | 'date' | 'binary';

export interface FormattedCell {
  text: string;
  kind: CellKind;
}

/** Longer values are cut for the grid: a cell shows one line, and layout must stay cheap. */
export const MAX_CELL_CHARS = 300;

const clip = (text: string) =>
  text.length > MAX_CELL_CHARS ? `${text.slice(0, MAX_CELL_CHARS)}…` : text;

/** A value as PGlite or the server's JSON hands it over, as the grid shows it. */
export function formatCell(value: unknown): FormattedCell {
  if (value === null || value === undefined) return { text: 'NULL', kind: 'null' };
  switch (typeof value) {
    case 'number':
    case 'bigint':
      return { text: String(value), kind: 'number' };
    case 'boolean':
      return { text: value ? 'true' : 'false', kind: 'boolean' };
    case 'string':
      return { text: clip(value.replace(/\s*\n\s*/g, ' ⏎ ')), kind: 'text' };
  }
  if (value instanceof Date) {
    return {
      text: Number.isNaN(value.getTime()) ? String(value) : value.toISOString(),
      kind: 'date',
    };
  }
  if (value instanceof Uint8Array) {
    const hex = Array.from(value.subarray(0, 64), (b) => b.toString(16).padStart(2, '0')).join('');
    return { text: `\\x${hex}${value.length > 64 ? '…' : ''}`, kind: 'binary' };
  }
  try {
    return {
      text: clip(JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))),
      kind: 'json',
    };
  } catch {
    return { text: clip(String(value)), kind: 'text' };
  }
}

/** Numeric type OIDs (int2/4/8, float4/8, numeric, oid, money): right-aligned in the grid. */
const NUMERIC_TYPES = new Set([20, 21, 23, 26, 700, 701, 790, 1700]);

export function isNumericColumn(column: ResultColumn): boolean {
  return NUMERIC_TYPES.has(column.dataTypeID);
}

const CHAR_PX = 7.4;
const PADDING_PX = 20;

/**
 * Column widths in pixels from the header and a sample of rows: measuring every row of 100k
 * would cost more than rendering them, and the first rows are a good guess.
 */
export function columnWidths(
  columns: readonly ResultColumn[],
  rows: readonly (readonly unknown[])[],
  sample = 200,
): number[] {
  return columns.map((column, index) => {
    let chars = column.name.length + 2;
    for (let r = 0; r < Math.min(rows.length, sample); r++) {
      chars = Math.max(chars, formatCell(rows[r]?.[index]).text.length);
    }
    return Math.round(Math.min(420, Math.max(64, chars * CHAR_PX + PADDING_PX)));
  });
}
