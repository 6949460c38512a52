// TEST DOUBLE support: reading rows and changes out of PostgreSQL in the form Electric sends.
//
// Electric sends every value as the text PostgreSQL prints for it, under fixed display settings
// (electric-api.yaml: bytea_output hex, DateStyle ISO/DMY, TimeZone UTC, IntervalStyle
// iso_8601, extra_float_digits 1), and `null` for NULL. The double casts each column to text
// under the same settings, so a client parses exactly what Electric would give it.
import type pg from 'pg';
import { quoteIdent } from './capture.ts';

/** Startup options for every connection of the double (libpq's `options`). */
export const DISPLAY_SETTINGS = [
  '-c DateStyle=ISO,DMY',
  '-c TimeZone=UTC',
  '-c IntervalStyle=iso_8601',
  '-c extra_float_digits=1',
  '-c bytea_output=hex',
].join(' ');

export interface ColumnInfo {
  name: string;
  /** The element type's name for arrays, as `electric-schema` has it. */
  type: string;
  dims: number;
  notNull: boolean;
  /** Position in the primary key, or null. */
  pkIndex: number | null;
}

export interface TableInfo {
  name: string;
  columns: ColumnInfo[];
  primaryKey: string[];
}

export async function describeTable(
  client: pg.ClientBase,
  table: string,
): Promise<TableInfo | null> {
  const { rows } = await client.query<{
    name: string;
    type: string;
    dims: number;
    not_null: boolean;
    pk_index: number | null;
  }>(
    `select a.attname as name,
            case when t.typcategory = 'A' then et.typname else t.typname end as type,
            case when t.typcategory = 'A' then greatest(a.attndims, 1) else 0 end as dims,
            a.attnotnull as not_null,
            -- indkey casts to an int2[] numbered from 0: the position is the index.
            (select array_position(i.indkey::int2[], a.attnum)
               from pg_index i where i.indrelid = c.oid and i.indisprimary) as pk_index
       from pg_class c
       join pg_namespace n on n.oid = c.relnamespace
       join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
       join pg_type t on t.oid = a.atttypid
       left join pg_type et on et.oid = t.typelem
      where n.nspname = 'public' and c.relname = $1 and c.relkind = 'r'
      order by a.attnum`,
    [table],
  );
  if (rows.length === 0) return null;
  const columns = rows.map((r) => ({
    name: r.name,
    type: r.type,
    dims: r.dims,
    notNull: r.not_null,
    pkIndex: r.pk_index,
  }));
  const primaryKey = columns
    .filter((c) => c.pkIndex !== null)
    .sort((a, b) => (a.pkIndex ?? 0) - (b.pkIndex ?? 0))
    .map((c) => c.name);
  return { name: table, columns, primaryKey };
}

/** The `electric-schema` header's object for the given columns. */
export function schemaHeader(columns: ColumnInfo[]): string {
  return JSON.stringify(
    Object.fromEntries(
      columns.map((c) => [
        c.name,
        {
          type: c.type,
          dims: c.dims,
          ...(c.pkIndex !== null ? { pk_index: c.pkIndex } : {}),
          ...(c.notNull ? { not_null: true } : {}),
        },
      ]),
    ),
  );
}

/** `jsonb_build_object('col', alias.col::text, …)`: a row of `alias` as Electric's values. */
export function textRow(columns: ColumnInfo[], alias: string): string {
  const pairs = columns.map(
    (c) => `'${c.name.replace(/'/g, "''")}', ${alias}.${quoteIdent(c.name)}::text`,
  );
  return `jsonb_build_object(${pairs.join(', ')})`;
}

/** Electric's message key: `"public"."table"/"pk1"/…`. */
export function messageKey(table: string, primaryKey: string[], row: Record<string, unknown>) {
  const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
  return [
    `${quote('public')}.${quote(table)}`,
    ...primaryKey.map((k) => quote(String(row[k]))),
  ].join('/');
}
