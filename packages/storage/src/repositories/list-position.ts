import { type SQL, sql } from 'drizzle-orm';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';

/** A table whose rows stand in their owner's list (`listPosition()` in the schema). */
export type ListTable = PgTable & {
  position: AnyPgColumn;
  userId: AnyPgColumn;
  deletedAt: AnyPgColumn;
};

/**
 * The next place at the end of a user's list, worked out in the statement that writes the
 * row: every write goes through the one leader, so two adds never take the same place.
 */
export function endOfList(table: ListTable, userId: string, where?: SQL): SQL {
  return sql`(select coalesce(max(${table.position}), 0) + 1 from ${table}
    where ${table.userId} = ${userId} and ${table.deletedAt} is null${where ? sql` and ${where}` : sql``})`;
}

/** The place a row keeps when replaced, or the end when it was deleted (a new item). */
export function keptPosition(table: ListTable, userId: string, where?: SQL): SQL {
  return sql`case when ${table.deletedAt} is null then ${table.position}
    else ${endOfList(table, userId, where)} end`;
}
