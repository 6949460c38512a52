/**
 * Whether a prebuilt database is the database a fresh migration makes: the same `public` schema
 * (tables, columns, constraints, indexes, sequences, extensions, and the triggers and functions
 * the change log and sync rely on), the same migration records, and nothing else in it. Used by
 * the prebuilt spec and by `pnpm db:check`.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PGlite } from '@electric-sql/pglite';
import type { Migration } from '@platform/schema/browser';
import { browserMigrations } from '@platform/schema/browser-migrations';
import { introspect } from '@platform/testing/introspect';
import { Parser } from 'tar';
import { platformExtensions } from '../extensions.ts';
import { migrate } from '../migrator.ts';

const PGDATA = '/pglite/data';

const ROUTINES = `
  select p.proname as name, pg_get_function_identity_arguments(p.oid) as args,
         md5(pg_get_functiondef(p.oid)) as definition
  from pg_proc p join pg_namespace n on n.oid = p.pronamespace
  where n.nspname = 'public' and p.prokind in ('f', 'p') order by 1, 2`;
const TRIGGERS = `
  select c.relname as table, t.tgname as name, pg_get_triggerdef(t.oid) as definition
  from pg_trigger t join pg_class c on c.oid = t.tgrelid
  where not t.tgisinternal order by 1, 2`;
const MIGRATIONS = 'select hash, created_at::text from drizzle.__drizzle_migrations order by id';
const DATABASES = 'select datname from pg_database order by 1';

export interface DatabaseDescription {
  readonly schema: unknown;
  readonly migrations: Record<string, unknown>[];
  readonly databases: string[];
}

async function describeDatabase(db: PGlite): Promise<DatabaseDescription> {
  const rows = async (sql: string) => (await db.query<Record<string, unknown>>(sql)).rows;
  return {
    schema: {
      ...(await introspect(rows)),
      routines: await rows(ROUTINES),
      triggers: await rows(TRIGGERS),
    },
    migrations: await rows(MIGRATIONS),
    databases: (await rows(DATABASES)).map((row) => String(row.datname)),
  };
}

function countFiles(db: PGlite, dir = PGDATA): number {
  const fs = (db as unknown as { Module: { FS: EmscriptenFs } }).Module.FS;
  let files = 0;
  for (const entry of fs.readdir(dir)) {
    if (entry === '.' || entry === '..') continue;
    const path = `${dir}/${entry}`;
    files += fs.isDir(fs.stat(path).mode) ? countFiles(db, path) : 1;
  }
  return files;
}
interface EmscriptenFs {
  readdir(path: string): string[];
  stat(path: string): { mode: number };
  isDir(mode: number): boolean;
}

export interface PrebuiltReport {
  readonly loaded: DatabaseDescription;
  readonly fresh: DatabaseDescription;
  /** What `migrate()` applied to the loaded database: the migrations it was built without. */
  readonly appliedOnLoad: readonly string[];
  /** Regular files in the loaded data directory (OPFS: one pool handle each). */
  readonly files: number;
  /** What the shipped control file says; anything but `shut down` means recovery on every load. */
  readonly clusterState: ClusterState;
}

/** `DBState` in PostgreSQL's `pg_control.h`, in its order. */
const CLUSTER_STATES = [
  'starting up',
  'shut down',
  'shut down in recovery',
  'shutting down',
  'in crash recovery',
  'in archive recovery',
  'in production',
] as const;
export type ClusterState = (typeof CLUSTER_STATES)[number] | 'unknown';

/**
 * The cluster state in the tar's `global/pg_control`: a 32-bit field after the system
 * identifier (8 bytes), the control-file version and the catalog version (4 each).
 */
export async function clusterState(bytes: Uint8Array): Promise<ClusterState> {
  let state: ClusterState = 'unknown';
  const parser = new Parser({
    filter: (path) => path.replace(/^\/+/, '') === 'global/pg_control',
    onReadEntry: (entry) => {
      const chunks: Buffer[] = [];
      entry.on('data', (chunk: Buffer) => chunks.push(chunk));
      entry.on('end', () => {
        const control = Buffer.concat(chunks);
        state =
          control.length >= 20
            ? (CLUSTER_STATES[control.readUInt32LE(16)] ?? 'unknown')
            : 'unknown';
      });
    },
  });
  await pipeline(Readable.from([Buffer.from(bytes)]), parser);
  return state;
}

/** Loads `bytes` (gzip tar), migrates it forward, and describes it beside a fresh migration. */
export async function comparePrebuilt(
  bytes: Uint8Array<ArrayBuffer>,
  migrations: readonly Migration[] = browserMigrations,
): Promise<PrebuiltReport> {
  const loaded = await PGlite.create({
    extensions: platformExtensions,
    loadDataDir: new Blob([bytes], { type: 'application/x-gzip' }),
  });
  try {
    const files = countFiles(loaded);
    const { applied } = await migrate(loaded, migrations);
    const fresh = await PGlite.create({ extensions: platformExtensions });
    try {
      await migrate(fresh, migrations);
      return {
        loaded: await describeDatabase(loaded),
        fresh: await describeDatabase(fresh),
        appliedOnLoad: applied,
        files,
        clusterState: await clusterState(bytes),
      };
    } finally {
      await fresh.close();
    }
  } finally {
    await loaded.close();
  }
}
