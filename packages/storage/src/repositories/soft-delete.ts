import { type SQL, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { RepositoryContext } from './context.ts';

/** A table that carries sync's tombstone columns. */
type SyncedTable = PgTable & {
  deletedAt: import('drizzle-orm/pg-core').AnyPgColumn;
  updatedAt: import('drizzle-orm/pg-core').AnyPgColumn;
};

/**
 * Deletes the rows matching `where`: a tombstone when sync needs to carry the delete, a real
 * delete otherwise. Returns how many rows went.
 */
export async function removeRows(
  ctx: RepositoryContext,
  table: SyncedTable,
  where: SQL | undefined,
): Promise<number> {
  if (ctx.tombstones()) {
    const rows = await ctx.db
      .update(table)
      .set({ deletedAt: sql`now()`, updatedAt: sql`now()` } as never)
      .where(where)
      .returning({ one: sql<number>`1` });
    return rows.length;
  }
  const rows = await ctx.db.delete(table).where(where).returning({ one: sql<number>`1` });
  return rows.length;
}

/** `%`-wrapped ILIKE pattern matching `text` literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
