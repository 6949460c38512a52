import type { SQLNamespace } from '@codemirror/lang-sql';

/** The columns of every user table and view, for completion; cheap on small databases. */
export const COMPLETION_SCHEMA_SQL = `select table_schema, table_name, column_name
from information_schema.columns
where table_schema not in ('pg_catalog', 'information_schema', 'pg_toast')
order by table_schema, table_name, ordinal_position`;

/**
 * `information_schema.columns` rows (schema, table, column) as lang-sql's namespace, nested by
 * schema; with `defaultSchema: 'public'` the public tables complete without a prefix.
 */
export function buildCompletionSchema(rows: readonly (readonly unknown[])[]): SQLNamespace {
  const namespace: Record<string, Record<string, string[]>> = {};
  for (const [schema, table, column] of rows) {
    if (typeof schema !== 'string' || typeof table !== 'string' || typeof column !== 'string')
      continue;
    namespace[schema] ??= {};
    const tables = namespace[schema];
    tables[table] ??= [];
    tables[table].push(column);
  }
  return namespace;
}
