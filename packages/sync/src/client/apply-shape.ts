import type { ChangeMessage, Row } from '@electric-sql/client';
import { setSyncApplying } from '@platform/schema/browser';
import type { SqlTransaction } from '@platform/storage';
import { decodeHlc } from '../protocol/hlc.ts';
import { rowsSource } from '../protocol/row-sql.ts';
import { SYNCED, type SyncedTable } from '../protocol/tables.ts';

/** Where a shape stream stands: what `sync_shapes` keeps so a reload resumes it. */
export interface ShapePosition {
  handle: string;
  offset: string;
}

/**
 * The server's rows go in as sync, not as local edits: the browser's trigger neither restamps
 * them nor queues them for upload (`SYNC_APPLYING_SETTING`).
 */
export async function applyingRemote(tx: SqlTransaction): Promise<void> {
  await tx.query(setSyncApplying(true));
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Writes server rows into a synced table by last-write-wins: a row is taken when its stamp is
 * at least the local one's, so a local edit not yet pushed (newer) stays, and it is never
 * taken over another profile's row with the same id. A row whose local delete is still
 * waiting to be pushed stays deleted. `force` takes the rows whatever their stamps: the
 * server's answer to a write it refused.
 */
export async function upsertRows(
  tx: SqlTransaction,
  table: SyncedTable,
  rows: readonly Record<string, unknown>[],
  options: {
    force?: boolean;
    /** Also replaces a local row whose stamp is this one (the write a push sent). */
    over?: string;
  } = {},
): Promise<number> {
  if (rows.length === 0) return 0;
  const spec = SYNCED[table];
  const columns = spec.columns.map(quote).join(', ');
  const assignments = spec.columns
    .filter((c) => c !== 'id')
    .map((c) => `${quote(c)} = excluded.${quote(c)}`)
    .join(', ');
  const owner = quote(spec.owner);
  // `json` columns as they came (a `\u0000` inside a document included): see row-sql.ts.
  const source = rowsSource(table, rows);
  const tableParam = `$${source.params.length + 1}`;
  const overParam = `$${source.params.length + 2}`;
  const newer = options.force
    ? ''
    : ` and (${quote(table)}.hlc collate "C" <= excluded.hlc collate "C"${
        options.over === undefined ? '' : ` or ${quote(table)}.hlc = ${overParam}`
      })`;
  const result = await tx.query<{ id: string }>(
    `with incoming as (${source.sql})
     insert into ${quote(table)} (${columns})
     select ${columns} from incoming r
     where not exists (
       select 1 from sync_outbox o
       where o.table_name = ${tableParam} and o.row_id = r.id and o.op = 'delete'
         and o.hlc collate "C" > r.hlc collate "C")
     on conflict (id) do update set ${assignments}
     where ${quote(table)}.${owner} = excluded.${owner}${newer}
     returning id`,
    [
      ...source.params,
      table,
      ...(options.over === undefined || options.force ? [] : [options.over]),
    ],
  );
  return result.rows.length;
}

/** Removes rows the server removed (an account deleted, a row moved out of the shape). */
export async function deleteRows(
  tx: SqlTransaction,
  table: SyncedTable,
  userId: string,
  ids: readonly string[],
): Promise<number> {
  if (ids.length === 0) return 0;
  const owner = quote(SYNCED[table].owner);
  const result = await tx.query<{ id: string }>(
    `delete from ${quote(table)} where id = any($1) and ${owner} = $2 returning id`,
    [ids, userId],
  );
  return result.rows.length;
}

/**
 * After a must-refetch the shape is downloaded again from nothing: the rows of the table the
 * server may have dropped meanwhile go, except those with changes waiting to be pushed. The
 * profile's own row stays (removing it would remove everything it owns).
 */
export async function clearForRefetch(
  tx: SqlTransaction,
  table: SyncedTable,
  userId: string,
): Promise<void> {
  if (table === 'platform_users') return;
  await tx.query(
    `delete from ${quote(table)} t where t.user_id = $1
       and not exists (select 1 from sync_outbox o where o.table_name = $2 and o.row_id = t.id)`,
    [userId, table],
  );
}

/**
 * The device's clock moves past every stamp it receives, so its next write orders after what
 * it has seen (the "receive" step of a hybrid logical clock).
 */
export async function observeStamps(tx: SqlTransaction, stamps: readonly string[]): Promise<void> {
  let max: { physical: number; counter: number } | null = null;
  for (const stamp of stamps) {
    const parts = decodeHlc(stamp);
    if (!parts) continue;
    if (
      !max ||
      parts.physical > max.physical ||
      (parts.physical === max.physical && parts.counter > max.counter)
    ) {
      max = parts;
    }
  }
  if (!max) return;
  await tx.query(
    `update sync_clock set physical = $1, counter = $2
      where id = 1 and (physical < $1 or (physical = $1 and counter < $2))`,
    [max.physical, max.counter],
  );
}

export async function savePosition(
  tx: SqlTransaction,
  userId: string,
  table: SyncedTable,
  position: ShapePosition,
): Promise<void> {
  await tx.query(
    `insert into sync_shapes (user_id, table_name, handle, "offset") values ($1, $2, $3, $4)
     on conflict (user_id, table_name)
       do update set handle = excluded.handle, "offset" = excluded."offset", updated_at = now()`,
    [userId, table, position.handle, position.offset],
  );
}

export interface ShapeBatch {
  table: SyncedTable;
  userId: string;
  messages: readonly ChangeMessage<Row>[];
  /** The shape was invalidated (409): drop what it may have lost before applying. */
  refetch: boolean;
  position: ShapePosition;
}

/**
 * One consistent step of a shape, in one transaction: the changes up to an up-to-date
 * boundary and the position reached, so a reload resumes exactly after them. Several changes
 * of one row in a batch collapse to the last. Returns how many rows changed.
 */
export async function applyShapeBatch(tx: SqlTransaction, batch: ShapeBatch): Promise<number> {
  const { table, userId } = batch;
  const owner = SYNCED[table].owner;
  await applyingRemote(tx);
  if (batch.refetch) await clearForRefetch(tx, table, userId);
  const last = new Map<string, ChangeMessage<Row>>();
  for (const message of batch.messages) {
    const id = String(message.value.id ?? message.old_value?.id ?? '');
    // The server filters rows by owner; this is a second lock on the same door.
    if (id && (message.headers.operation === 'delete' || message.value[owner] === userId)) {
      last.set(id, message);
    }
  }
  const upserts: Record<string, unknown>[] = [];
  const deletes: string[] = [];
  for (const [id, message] of last) {
    if (message.headers.operation === 'delete') deletes.push(id);
    else upserts.push(message.value);
  }
  const changed =
    (await upsertRows(tx, table, upserts)) + (await deleteRows(tx, table, userId, deletes));
  await observeStamps(
    tx,
    upserts.map((row) => String(row.hlc ?? '')),
  );
  await savePosition(tx, userId, table, batch.position);
  return changed;
}

export async function loadPositions(
  db: { query: SqlTransaction['query'] },
  userId: string,
): Promise<Map<SyncedTable, ShapePosition>> {
  const { rows } = await db.query<{ table_name: SyncedTable; handle: string; offset: string }>(
    `select table_name, handle, "offset" from sync_shapes where user_id = $1`,
    [userId],
  );
  return new Map(rows.map((r) => [r.table_name, { handle: r.handle, offset: r.offset }]));
}
