import pg from 'pg';

/**
 * Values as they leave the server: JSON can carry them without loss or surprise. pg's defaults
 * already keep int8 and numeric as strings and parse json/jsonb; what is left is to keep dates
 * away from the server's local time zone and to give bytea and non-finite floats a text form.
 */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };

const identity = (text: string) => text;
// text[]'s parser: splits an array literal into strings (or nulls) without converting them.
const textArray = (pg.types.getTypeParser as (oid: number, format: 'text') => unknown)(
  1009,
  'text',
) as (text: string) => Array<string | null>;

/**
 * Type parsers for every query the server runs. `date` and `timestamp` have no zone, so turning
 * them into a JS Date would shift them by the server's offset: they stay as Postgres prints
 * them. `timestamptz` becomes UTC ISO 8601 with its microseconds (a Date would drop them).
 * Intervals would otherwise be objects whose JSON form is hard to read.
 */
export function createTypeParsers(): pg.TypeOverrides {
  const types = new pg.TypeOverrides();
  for (const oid of [1082, 1114, 1186]) types.setTypeParser(oid, 'text', identity);
  for (const oid of [1115, 1182, 1187]) types.setTypeParser(oid, 'text', textArray);
  types.setTypeParser(1184, 'text', timestamptzToIso);
  types.setTypeParser(1185, 'text', (text: string) =>
    textArray(text).map((item) => (item === null ? null : timestamptzToIso(item))),
  );
  return types;
}

const TIMESTAMPTZ =
  /^(\d{4})-(\d\d)-(\d\d) (\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?([+-]\d\d)(?::(\d\d))?$/;

/**
 * `2024-05-06 07:08:09.123456+02` → `2024-05-06T05:08:09.123456Z`. Values JS cannot represent
 * the same way (BC years, years past 9999, `infinity`, offsets with seconds) stay as printed.
 */
export function timestamptzToIso(text: string): string {
  const match = TIMESTAMPTZ.exec(text);
  if (!match) return text;
  const [, year, month, day, time, fraction = '', offsetHours, offsetMinutes = '00'] = match;
  const millis = fraction.slice(0, 3).padEnd(3, '0');
  const date = new Date(`${year}-${month}-${day}T${time}.${millis}${offsetHours}:${offsetMinutes}`);
  if (Number.isNaN(date.getTime())) return text;
  const iso = date.toISOString();
  // Offsets are whole minutes here, so the sub-millisecond digits carry over unchanged.
  return fraction.length > 3 ? `${iso.slice(0, -1)}${fraction.slice(3)}Z` : iso;
}

export function toJsonValue(value: unknown): JsonValue {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      // JSON has no NaN or Infinity; float columns can hold both.
      return Number.isFinite(value) ? value : String(value);
    case 'bigint':
      return value.toString();
    case 'object':
      break;
    default:
      return String(value);
  }
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? String(value) : value.toISOString();
  }
  if (value instanceof Uint8Array) {
    // Postgres' own hex output format for bytea.
    return `\\x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}`;
  }
  if (Array.isArray(value)) return value.map(toJsonValue);
  // json/jsonb values come from JSON.parse; geometric types are {x, y}-style plain objects.
  return value as { [key: string]: JsonValue };
}
