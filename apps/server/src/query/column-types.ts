/**
 * A coarse family for each column, so the web app can align numbers and format values without
 * knowing Postgres type OIDs. `bigint` and `decimal` values arrive as strings: they do not fit
 * a JS number.
 */
export type ColumnType =
  | 'text'
  | 'number'
  | 'bigint'
  | 'decimal'
  | 'boolean'
  | 'uuid'
  | 'json'
  | 'bytes'
  | 'date'
  | 'time'
  | 'timestamp'
  | 'timestamptz'
  | 'interval'
  | 'array'
  | 'other';

const FAMILIES: Record<number, ColumnType> = {
  16: 'boolean',
  17: 'bytes',
  18: 'text',
  19: 'text',
  20: 'bigint',
  21: 'number',
  23: 'number',
  25: 'text',
  26: 'number',
  114: 'json',
  700: 'number',
  701: 'number',
  705: 'text',
  790: 'decimal',
  1042: 'text',
  1043: 'text',
  1082: 'date',
  1083: 'time',
  1114: 'timestamp',
  1184: 'timestamptz',
  1186: 'interval',
  1266: 'time',
  1700: 'decimal',
  2950: 'uuid',
  3802: 'json',
};

// The array types of the built-in scalars above.
const ARRAYS = new Set([
  199, 1000, 1001, 1002, 1003, 1005, 1007, 1009, 1014, 1015, 1016, 1021, 1022, 1028, 1115, 1182,
  1183, 1185, 1187, 1231, 1270, 2951, 3807,
]);

export function columnType(dataTypeID: number): ColumnType {
  return FAMILIES[dataTypeID] ?? (ARRAYS.has(dataTypeID) ? 'array' : 'other');
}
