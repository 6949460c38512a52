/**
 * A comparable description of the `public` schema of a PostgreSQL database, read from the
 * catalogs the same way on a server and in PGlite: tables and their columns (type, nullability,
 * default, identity), constraints, indexes, sequences, and installed extensions.
 */
export type Query = (sql: string) => Promise<Record<string, unknown>[]>;

export interface TableShape {
  columns: Record<string, unknown>[];
  constraints: Record<string, unknown>[];
  indexes: Record<string, unknown>[];
}

export interface SchemaShape {
  tables: Record<string, TableShape>;
  sequences: Record<string, unknown>[];
  extensions: Record<string, unknown>[];
}

const COLUMNS = `
  select c.relname as table, a.attname as column,
         format_type(a.atttypid, a.atttypmod) as type, a.attnotnull as not_null,
         pg_get_expr(d.adbin, d.adrelid) as default, a.attidentity as identity,
         a.attgenerated as generated
  from pg_attribute a
  join pg_class c on c.oid = a.attrelid
  join pg_namespace n on n.oid = c.relnamespace
  left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
  where n.nspname = 'public' and c.relkind = 'r' and a.attnum > 0 and not a.attisdropped
  order by c.relname, a.attnum`;

const CONSTRAINTS = `
  select c.relname as table, k.conname as name, k.contype as kind,
         pg_get_constraintdef(k.oid) as definition
  from pg_constraint k
  join pg_class c on c.oid = k.conrelid
  join pg_namespace n on n.oid = c.relnamespace
  where n.nspname = 'public'
  order by c.relname, k.conname`;

const INDEXES = `
  select tablename as table, indexname as name, indexdef as definition
  from pg_indexes where schemaname = 'public' order by tablename, indexname`;

const SEQUENCES = `
  select sequencename as name, data_type, start_value::text, increment_by::text
  from pg_sequences where schemaname = 'public' order by sequencename`;

const EXTENSIONS = `select extname as name, extversion as version from pg_extension order by extname`;

export async function introspect(query: Query): Promise<SchemaShape> {
  const tables: Record<string, TableShape> = {};
  const table = (name: string): TableShape => {
    tables[name] ??= { columns: [], constraints: [], indexes: [] };
    return tables[name];
  };
  for (const { table: name, ...column } of await query(COLUMNS)) {
    table(String(name)).columns.push(column);
  }
  for (const { table: name, ...constraint } of await query(CONSTRAINTS)) {
    table(String(name)).constraints.push(constraint);
  }
  for (const { table: name, ...index } of await query(INDEXES)) {
    table(String(name)).indexes.push(index);
  }
  return {
    tables,
    sequences: await query(SEQUENCES),
    extensions: await query(EXTENSIONS),
  };
}
