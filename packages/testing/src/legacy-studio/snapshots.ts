/**
 * Schema snapshots as the schema-diff panel takes them.
 *
 * Follows src/components/SchemaDiff.tsx @ v0.7.0 and @ HEAD c144361f (`takeSnapshot`, and the
 * "compare with another connection" path that auto-saves a `remote-<ms>` snapshot labelled
 * `Live: <name>`), `saveSchemaSnapshot` (push, keep the last 50, `createdAt` restamped) and the
 * tables the PostgreSQL provider returns (src/lib/db/providers/sql/postgres.ts @ HEAD):
 * `{name, rowCount, size, columns, indexes, foreignKeys}`, `defaultValue` only when there is one.
 * Ids are `Date.now()` strings; nothing checks them, so two snapshots taken in one millisecond
 * would share one. A blank label is stored as no label (`label.trim() || undefined`).
 */
import type { LegacyRng } from './random.ts';
import type {
  StudioConnection,
  StudioDatabaseType,
  StudioSchemaSnapshot,
  StudioTableSchema,
} from './types.ts';

function columnType(type: StudioDatabaseType, kind: 'id' | 'text' | 'money' | 'time'): string {
  if (type === 'mongodb' || type === 'couchbase') {
    return { id: 'ObjectId', text: 'string', money: 'double', time: 'date' }[kind];
  }
  if (type === 'mysql')
    return { id: 'int', text: 'varchar(255)', money: 'decimal(10,2)', time: 'datetime' }[kind];
  if (type === 'clickhouse')
    return { id: 'UInt64', text: 'String', money: 'Decimal(10, 2)', time: 'DateTime' }[kind];
  return {
    id: 'integer',
    text: 'character varying',
    money: 'numeric',
    time: 'timestamp with time zone',
  }[kind];
}

/** A few related tables as the schema explorer holds them. */
export function legacyTableSchemas(rng: LegacyRng, type: StudioDatabaseType): StudioTableSchema[] {
  const departments: StudioTableSchema = {
    name: 'departments',
    rowCount: rng.int(3, 40),
    size: '16 kB',
    columns: [
      {
        name: 'id',
        type: columnType(type, 'id'),
        nullable: false,
        isPrimary: true,
        defaultValue: "nextval('departments_id_seq'::regclass)",
      },
      { name: 'name', type: columnType(type, 'text'), nullable: false, isPrimary: false },
    ],
    indexes: [{ name: 'departments_pkey', columns: ['id'], unique: true }],
    foreignKeys: [],
  };
  const employees: StudioTableSchema = {
    name: 'employees',
    rowCount: rng.int(100, 300_000),
    size: rng.pick(['8192 bytes', '1.2 MB', '38 MB']),
    columns: [
      { name: 'id', type: columnType(type, 'id'), nullable: false, isPrimary: true },
      { name: 'full_name', type: columnType(type, 'text'), nullable: false, isPrimary: false },
      { name: 'email', type: columnType(type, 'text'), nullable: true, isPrimary: false },
      { name: 'salary', type: columnType(type, 'money'), nullable: true, isPrimary: false },
      {
        name: 'hired_at',
        type: columnType(type, 'time'),
        nullable: false,
        isPrimary: false,
        defaultValue: 'now()',
      },
      { name: 'department_id', type: columnType(type, 'id'), nullable: true, isPrimary: false },
    ],
    indexes: [
      { name: 'employees_pkey', columns: ['id'], unique: true },
      { name: 'employees_email_key', columns: ['email'], unique: true },
      { name: 'employees_dept_hired_idx', columns: ['department_id', 'hired_at'], unique: false },
    ],
    foreignKeys: [
      { columnName: 'department_id', referencedTable: 'departments', referencedColumn: 'id' },
    ],
  };
  const audit: StudioTableSchema = {
    name: 'audit.events',
    rowCount: 0,
    size: '0 bytes',
    columns: [{ name: 'payload', type: 'jsonb', nullable: true, isPrimary: false }],
    indexes: [],
    foreignKeys: [],
  };
  return rng.chance(0.5) ? [departments, employees, audit] : [departments, employees];
}

export interface LegacySchemaSnapshotOptions {
  connection: Pick<StudioConnection, 'id' | 'name' | 'type'>;
  takenAt: Date;
  /** What was typed as a label; blank means none. Ignored for `remote`. */
  label?: string;
  /** The cross-connection compare path: `remote-<ms>`, label `Live: <name>`. */
  remote?: boolean;
  schema?: StudioTableSchema[];
}

export function legacySchemaSnapshot(
  rng: LegacyRng,
  options: LegacySchemaSnapshotOptions,
): StudioSchemaSnapshot {
  const { connection, takenAt } = options;
  const ms = String(takenAt.getTime());
  return {
    id: options.remote ? `remote-${ms}` : ms,
    connectionId: connection.id,
    connectionName: connection.name,
    databaseType: connection.type,
    schema: options.schema ?? legacyTableSchemas(rng, connection.type),
    createdAt: takenAt,
    label: options.remote ? `Live: ${connection.name}` : options.label?.trim() || undefined,
  };
}
