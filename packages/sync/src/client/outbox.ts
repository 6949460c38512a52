import { setSyncApplying } from '@platform/schema/browser';
import type { SqlClient, SqlTransaction } from '@platform/storage';
import type { Mutation, MutationResult } from '../protocol/messages.ts';
import { rowJson } from '../protocol/row-sql.ts';
import { SYNCED, SYNCED_TABLES, type SyncedTable } from '../protocol/tables.ts';
import { applyingRemote, deleteRows, upsertRows } from './apply-shape.ts';

/**
 * The outbox is written by the browser's trigger with every local write of a syncing profile
 * (drizzle/browser/0004_sync_triggers.sql): one entry per row, the newest write's mutation id.
 * Here it is read in batches for the push endpoint, and emptied by the server's answers.
 */

interface OutboxEntry {
  table_name: SyncedTable;
  row_id: string;
  mutation_id: string;
  op: 'upsert' | 'delete';
  hlc: string;
  row: Record<string, unknown> | null;
}

/**
 * The row as it travels: its synced columns (not `insert_seq`), `json` columns exactly as
 * stored (`to_jsonb` would refuse a document holding `\u0000`): see row-sql.ts.
 */
const rowOf = (table: SyncedTable) =>
  `when '${table}' then (select ${rowJson(table, 't')} from "${table}" t where t.id = o.row_id)`;

/**
 * The next mutations to push, owners first (the profile's row, then connections, saved
 * queries, history), each in the order it was first queued. An upsert carries the row as it is
 * now: written since it was queued, it went out under a new mutation id anyway.
 */
export async function nextMutations(
  db: SqlClient,
  userId: string,
  limit: number,
): Promise<Mutation[]> {
  const { rows } = await db.query<OutboxEntry>(
    `select o.table_name, o.row_id, o.mutation_id, o.op, o.hlc,
            case o.table_name ${SYNCED_TABLES.map(rowOf).join(' ')} end as row
       from sync_outbox o
      where o.user_id = $1
      order by array_position($2::text[], o.table_name), o.seq
      limit $3`,
    [userId, SYNCED_TABLES, limit],
  );
  return rows.map((entry): Mutation => {
    const row = entry.op === 'upsert' ? entry.row : null;
    if (!row) {
      // Gone since it was queued, without a trigger seeing it: its removal is what to send.
      return {
        id: entry.mutation_id,
        table: entry.table_name,
        op: 'delete',
        rowId: entry.row_id,
        hlc: entry.hlc,
      };
    }
    return {
      id: entry.mutation_id,
      table: entry.table_name,
      op: 'upsert',
      rowId: entry.row_id,
      hlc: String(row.hlc),
      row,
    };
  });
}

export async function pendingCount(db: SqlClient, userId: string): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    'select count(*)::int as n from sync_outbox where user_id = $1',
    [userId],
  );
  return rows[0]?.n ?? 0;
}

/** A change the server would not take, kept here for the studio to show. */
export interface RejectedChange {
  table: SyncedTable;
  rowId: string;
  status: MutationResult['status'];
  reason: string;
}

export interface AckOutcome {
  /** Tables whose local rows the answers changed (restamped, replaced, reverted, renamed). */
  changed: Set<SyncedTable>;
  rejected: RejectedChange[];
}

async function setStamp(
  tx: SqlTransaction,
  table: SyncedTable,
  id: string,
  from: string,
  to: string,
): Promise<boolean> {
  const { rows } = await tx.query(
    `update "${table}" set hlc = $3 where id = $1 and hlc = $2 returning id`,
    [id, from, to],
  );
  return rows.length > 0;
}

/**
 * Applies the server's answers to a pushed batch, in one transaction:
 * - every answered mutation leaves the outbox (unless the row was written again since: then
 *   its entry has a new mutation id and stays, to be pushed);
 * - `applied` under a stamp the server chose (a clock running ahead) takes that stamp here too,
 *   as does a row whose stamp a clock correction moved while the push was out;
 * - `stale`: the server's newer row replaces ours (unless ours was written again since);
 * - `forbidden`: the server's row replaces ours whatever the stamps, or ours goes when the
 *   server has none the user may see (a viewer's saved query);
 * - `conflict` (another user's id): a history entry or saved query takes a fresh id and is
 *   queued again; a connection is kept as it is and reported, and so is a studio document,
 *   whose id is a function of its owner, kind and key (a fresh one is impossible; and as its
 *   owner is in it, another user's row can only have it by an md5 collision);
 * - `invalid`: kept here, and reported.
 */
export async function applyAcks(
  db: SqlClient,
  userId: string,
  sent: readonly Mutation[],
  results: readonly MutationResult[],
): Promise<AckOutcome> {
  const byId = new Map(sent.map((m) => [m.id, m]));
  const outcome: AckOutcome = { changed: new Set(), rejected: [] };
  await db.transaction(async (tx) => {
    await applyingRemote(tx);
    // The entries still holding the mutation sent: their rows were not written since. Their
    // stamp may have moved all the same (a clock correction while the push was out), so it is
    // what the row has now, not what was sent.
    const { rows: answered } = await tx.query<{ mutation_id: string; hlc: string }>(
      'delete from sync_outbox where mutation_id = any($1) returning mutation_id, hlc',
      [results.map((r) => r.id)],
    );
    const unchanged = new Map(answered.map((entry) => [entry.mutation_id, entry.hlc]));
    for (const result of results) {
      const m = byId.get(result.id);
      if (!m) continue;
      const reject = (reason: string) =>
        outcome.rejected.push({ table: m.table, rowId: m.rowId, status: result.status, reason });
      const stampHere = unchanged.get(m.id);
      switch (result.status) {
        case 'applied': {
          // The row as sent is the server's now: under the server's stamp, if it chose one.
          const stored = result.hlc ?? m.hlc;
          if (stampHere !== undefined && stampHere !== stored) {
            if (await setStamp(tx, m.table, m.rowId, stampHere, stored)) {
              outcome.changed.add(m.table);
            }
          }
          break;
        }
        case 'stale':
          // Still the write that was sent, the row is older than the server's, whatever its
          // stamp says now (a clock correction moves stamps); otherwise (written again, or a
          // newer row came) last-write-wins decides, and a newer write here is still queued.
          if (
            result.current &&
            (await upsertRows(tx, m.table, [result.current], {
              ...(stampHere === undefined ? {} : { over: stampHere }),
            }))
          ) {
            outcome.changed.add(m.table);
          }
          break;
        case 'forbidden':
          reject(result.reason ?? 'not allowed');
          if (result.current) {
            await upsertRows(tx, m.table, [result.current], { force: true });
            outcome.changed.add(m.table);
          } else if (m.table !== 'platform_users') {
            await deleteRows(tx, m.table, userId, [m.rowId]);
            outcome.changed.add(m.table);
          }
          break;
        case 'conflict':
          if (m.table === 'query_logs' || m.table === 'saved_queries') {
            // A local edit, not sync: the trigger stamps the row again and queues the new id.
            await tx.query(setSyncApplying(false));
            await tx.query(
              `update "${m.table}" set id = gen_random_uuid()::text
                where id = $1 and "${SYNCED[m.table].owner}" = $2`,
              [m.rowId, userId],
            );
            await applyingRemote(tx);
            outcome.changed.add(m.table);
          } else {
            reject(result.reason ?? 'its id belongs to another user on the server');
          }
          break;
        case 'invalid':
          reject(result.reason ?? 'the server refused it');
          break;
      }
    }
  });
  return outcome;
}
