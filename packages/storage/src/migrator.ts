import type { Migration } from '@platform/schema/browser';
import type { SqlClient } from './client/types.ts';

/**
 * Drizzle's own bookkeeping table and layout, so a database migrated here and one migrated by
 * drizzle-orm's migrators recognise each other's records.
 */
const MIGRATIONS_TABLE = 'drizzle.__drizzle_migrations';

export type MigrationErrorCode =
  /** An applied migration's SQL was edited afterwards: the database may not match the schema. */
  | 'MIGRATION_CHANGED'
  /** The database holds migrations this code does not know: it was opened by a newer app. */
  | 'DATABASE_NEWER'
  /** A pending migration is older than one already applied, so order cannot be kept. */
  | 'MIGRATION_OUT_OF_ORDER'
  /** A migration's SQL failed; it was rolled back and nothing after it ran. */
  | 'MIGRATION_FAILED';

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
  constructor(
    readonly code: MigrationErrorCode,
    readonly tag: string | null,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface MigrationResult {
  /** Tags applied by this call, in order; empty when the database was already current. */
  readonly applied: readonly string[];
  /** How many migrations were already applied before this call. */
  readonly alreadyApplied: number;
}

interface AppliedRow {
  hash: string;
  created_at: string | number;
}

/**
 * The migrations already applied, making drizzle's table first when it is missing. Looked for
 * before any DDL: on a current database (every open but the first) this is one light query.
 */
async function appliedMigrations(db: SqlClient): Promise<AppliedRow[]> {
  const select = `select hash, created_at from ${MIGRATIONS_TABLE} order by created_at`;
  const { rows } = await db.query<{ present: boolean }>(
    `select to_regclass('${MIGRATIONS_TABLE}') is not null as present`,
  );
  if (!rows[0]?.present) {
    await db.exec(`
      create schema if not exists drizzle;
      create table if not exists ${MIGRATIONS_TABLE} (
        id serial primary key,
        hash text not null,
        created_at bigint
      );
    `);
  }
  return (await db.query<AppliedRow>(select)).rows;
}

/**
 * Applies the given migrations to a PGlite database (in Node or a browser tab), in `when` order,
 * each in its own transaction together with its record, so a failure leaves the database at
 * the last migration that succeeded and a re-run applies nothing twice.
 */
export async function migrate(
  db: SqlClient,
  migrations: readonly Migration[],
): Promise<MigrationResult> {
  const ordered = [...migrations].sort((a, b) => a.when - b.when);
  const rows = await appliedMigrations(db);
  const applied = new Map(rows.map((row) => [Number(row.created_at), row.hash]));
  const known = new Map(ordered.map((migration) => [migration.when, migration]));

  for (const [when, hash] of applied) {
    const migration = known.get(when);
    if (!migration) {
      throw new MigrationError(
        'DATABASE_NEWER',
        null,
        `The database has a migration (created ${new Date(when).toISOString()}) that this app does not know; it was upgraded by a newer version. Reload to get it.`,
      );
    }
    if (migration.hash !== hash) {
      throw new MigrationError(
        'MIGRATION_CHANGED',
        migration.tag,
        `Migration ${migration.tag} was changed after it was applied to this database.`,
      );
    }
  }

  const newestApplied = Math.max(-Infinity, ...applied.keys());
  const pending = ordered.filter((migration) => !applied.has(migration.when));
  const stranded = pending.find((migration) => migration.when < newestApplied);
  if (stranded) {
    throw new MigrationError(
      'MIGRATION_OUT_OF_ORDER',
      stranded.tag,
      `Migration ${stranded.tag} is older than migrations already applied; regenerate it after them.`,
    );
  }

  const done: string[] = [];
  for (const migration of pending) {
    try {
      await db.transaction(async (tx) => {
        await tx.exec(migration.sql);
        await tx.query(`insert into ${MIGRATIONS_TABLE} (hash, created_at) values ($1, $2)`, [
          migration.hash,
          migration.when,
        ]);
      });
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw new MigrationError(
        'MIGRATION_FAILED',
        migration.tag,
        `Migration ${migration.tag} failed and was rolled back: ${reason}`,
        { cause },
      );
    }
    done.push(migration.tag);
  }
  return { applied: done, alreadyApplied: applied.size };
}
