import { SYNCED, type SyncedTable } from './tables.ts';

/**
 * Rows in and out of Postgres (the server's, and PGlite on devices) as JSON, keeping `json`
 * columns exactly.
 *
 * Postgres's JSON functions (`jsonb` anything, and `json_populate_recordset`, `->`, `->>` over
 * `json`) decode every string of the document they read, and fail on `\u0000` or a lone
 * surrogate escape anywhere in it, even in a field they were not asked for. The `json` type's
 * own input only checks syntax, and `json_build_object` embeds a `json` value as it is. So:
 *
 * - out: `rowJson` builds the row with `json_build_object` over the synced columns;
 * - in: `rowsSource` passes the row without its `json` columns to `json_populate_recordset`
 *   (what is left is numbers and stored text, which never holds either), and each `json`
 *   column's value as its own JSON text, cast to `json` on its own.
 */

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

interface JsonColumn {
  name: string;
  notNull: boolean;
}

function jsonColumns(table: SyncedTable): JsonColumn[] {
  return SYNCED[table].columnInfo
    .filter((column) => column.columnType === 'PgJson')
    .map((column) => ({ name: column.name, notNull: column.notNull }));
}

/** A SQL expression giving the synced columns of `alias` (a row of `table`) as one `json`. */
export function rowJson(table: SyncedTable, alias: string): string {
  const pairs = SYNCED[table].columns.map(
    (column) => `'${column.replace(/'/g, "''")}', ${alias}.${quote(column)}`,
  );
  return `json_build_object(${pairs.join(', ')})`;
}

export interface RowsSource {
  /** `select <every synced column> from …`: the rows, with Postgres's types. */
  sql: string;
  params: string[];
}

/**
 * A `select` of `rows` (rows as they travel) with the synced columns of `table`, as a query
 * part reading its values from parameters `$first` and `$first + 1`. A JSON null in a `json`
 * column that may not be null is the JSON value `null` (a setting stored as `null`), else SQL
 * NULL: the wire cannot tell them apart, and this is the one reading that never fails.
 */
export function rowsSource(
  table: SyncedTable,
  rows: readonly Record<string, unknown>[],
  first = 1,
): RowsSource {
  const json = jsonColumns(table);
  const jsonNames = new Set(json.map((c) => c.name));
  const select = SYNCED[table].columns.map((column) => {
    const index = json.findIndex((c) => c.name === column);
    return index === -1 ? `r.${quote(column)}` : `(j.v ->> ${index})::json as ${quote(column)}`;
  });
  const plain = rows.map((row) =>
    Object.fromEntries(Object.entries(row).filter(([key]) => !jsonNames.has(key))),
  );
  const from = `json_populate_recordset(null::${quote(table)}, $${first}::json) with ordinality as r`;
  if (json.length === 0) {
    return { sql: `select ${select.join(', ')} from ${from}`, params: [JSON.stringify(plain)] };
  }
  const documents = rows.map((row) =>
    json.map(({ name, notNull }) => {
      const value = row[name];
      if (value === null || value === undefined) return notNull ? 'null' : null;
      return JSON.stringify(value);
    }),
  );
  return {
    sql: `select ${select.join(', ')} from ${from}
      join json_array_elements($${first + 1}::json) with ordinality as j(v, n) on j.n = r.ordinality`,
    params: [JSON.stringify(plain), JSON.stringify(documents)],
  };
}
