import {
  compareHlc,
  decodeHlc,
  type HybridClock,
  MAX_CLOCK_AHEAD_MS,
  type Mutation,
  type MutationResult,
  mayWrite,
  ROW_SCHEMAS,
  rowJson,
  rowsSource,
  SYNCED,
  SYNCED_TABLES,
  type SyncedTable,
  timestampMicros,
} from '@platform/sync/protocol';
import type pg from 'pg';
import type { Session } from '../auth/session.ts';
import { databaseRefusal } from './database-refusal.ts';

/**
 * The server as the arbiter of last-write-wins. For each mutation, in one transaction per push:
 *
 * 1. a mutation id seen before gets the answer it got then, and nothing is applied again;
 * 2. the row must be valid, belong to the session's user, and be theirs to write (viewers write
 *    no saved queries, connections, charts or configs); else `forbidden`, `conflict` (another
 *    user's id) or `invalid`. An account's username, email, role and deletion are the
 *    server's: a push changing them keeps the stored values, and its answer is `forbidden`
 *    with the row as written;
 * 3. a stamp more than MAX_CLOCK_AHEAD_MS ahead of the server is replaced by the server's own;
 * 4. the row is written, whole, only if its stamp is newer than the stored one (`applied`),
 *    else the stored row is sent back (`stale`). A delete is a tombstone with its own stamp and
 *    wins or loses by the same comparison, so an older update never brings a deleted row back.
 *    A stored row keeps its `created_at`, whatever the push says.
 *
 * Rows are validated before the database sees them; a value Postgres still refuses (a data or
 * constraint error) costs only its own mutation an `invalid` answer: each table's writes run
 * under a savepoint, and if Postgres refuses that statement they run again one mutation at a
 * time, each under its own savepoint.
 *
 * One user's pushes are serialised (an advisory lock), so two retries of one batch racing each
 * other still apply it once.
 */
export async function applyMutations(
  client: pg.ClientBase,
  session: Session,
  mutations: readonly Mutation[],
  clock: HybridClock,
  now: () => number = Date.now,
): Promise<MutationResult[]> {
  await client.query(`select pg_advisory_xact_lock(hashtextextended('push:' || $1, 0))`, [
    session.id,
  ]);
  // One answer per mutation: a second mutation under an id already in the batch is not run
  // (its answer would be indistinguishable from the first one's).
  const seen = new Set<string>();
  const repeated = new Set<number>();
  mutations.forEach((m, i) => {
    if (seen.has(m.id)) repeated.add(i);
    seen.add(m.id);
  });
  const unique = mutations.filter((_, i) => !repeated.has(i));
  const results = new Map<string, MutationResult>();

  const known = await client.query<{ id: string; user_id: string; result: MutationResult }>(
    'select id, user_id, result from sync_mutations where id = any($1)',
    [unique.map((m) => m.id)],
  );
  for (const row of known.rows) {
    results.set(
      row.id,
      row.user_id === session.id
        ? row.result
        : { id: row.id, status: 'invalid', reason: 'this mutation id was used before' },
    );
  }

  const fresh: MutationResult[] = [];
  for (const table of SYNCED_TABLES) {
    const batch = unique.filter((m) => m.table === table && !results.has(m.id));
    if (batch.length === 0) continue;
    for (const result of await applyTable(client, session, table, batch, clock, now)) {
      results.set(result.id, result);
      fresh.push(result);
    }
  }

  if (fresh.length > 0) {
    // `json`: an answer may carry a row whose documents hold `\u0000` (see row-sql.ts).
    await client.query(
      `insert into sync_mutations (id, user_id, result)
       select id, $1, result::json from unnest($2::text[], $3::text[]) as r(id, result)
       on conflict (id) do nothing`,
      [session.id, fresh.map((r) => r.id), fresh.map((r) => JSON.stringify(r))],
    );
  }
  return mutations.map((m, i) =>
    repeated.has(i)
      ? { id: m.id, status: 'invalid', reason: 'this mutation id is in the batch twice' }
      : (results.get(m.id) ?? { id: m.id, status: 'invalid', reason: 'not processed' }),
  );
}

const MAX_REASON = 500;

type StoredRow = Record<string, unknown> & { id: string; hlc: string };
type Stored = Map<string, { row: StoredRow; owner: string }>;

/** What to do with one mutation: answer it, or write (a row, or a tombstone) and answer. */
type Verdict =
  | { kind: 'answer'; result: MutationResult }
  | { kind: 'write'; row: StoredRow; result: MutationResult }
  | { kind: 'tombstone'; rowId: string; stamp: string; current: StoredRow; result: MutationResult };

/**
 * Fields of an account only the server changes (the admin routes, the account's own routes).
 * A push that changes one keeps the stored value and writes the rest of the row (a preference
 * changed with it is not lost), answered `forbidden` with the reason and the row as stored,
 * which the device takes and reports. (`created_at` is kept silently, as on every table: a
 * browser profile linked to an account carries its own.)
 */
const SERVER_OWNED_PROFILE: readonly { column: string; reason: string }[] = [
  { column: 'platform_role', reason: 'roles are changed by an admin, not through sync' },
  { column: 'deleted_at', reason: 'accounts are deleted by an admin, not through sync' },
  { column: 'username', reason: 'usernames are changed by an admin, not through sync' },
  { column: 'email', reason: 'an email is changed in the account settings, not through sync' },
];

/** Whether two values of a column are the same: timestamps by the instant they name. */
function sameValue(column: string, a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (column.endsWith('_at') && typeof a === 'string' && typeof b === 'string') {
    const [x, y] = [timestampMicros(a), timestampMicros(b)];
    return x !== null && x === y;
  }
  return false;
}

async function applyTable(
  client: pg.ClientBase,
  session: Session,
  table: SyncedTable,
  batch: Mutation[],
  clock: HybridClock,
  now: () => number,
): Promise<MutationResult[]> {
  const spec = SYNCED[table];
  const { rows } = await client.query<{ row: StoredRow; owner: string }>(
    `select ${rowJson(table, 't')} as row, t."${spec.owner}" as owner
       from "${table}" t where t.id = any($1) for update`,
    [batch.map((m) => m.rowId)],
  );
  const loaded: Stored = new Map(rows.map((r) => [r.row.id, r]));
  const judge = (m: Mutation, stored: Stored) => verdict(session, table, m, stored, clock, now);

  // The row locks above are taken before the savepoint, so they outlive a rollback to it.
  await client.query('savepoint push_table');
  try {
    const results = await writeTogether(client, session, table, batch, new Map(loaded), judge);
    await client.query('release savepoint push_table');
    return results;
  } catch (error) {
    if (!databaseRefusal(error)) throw error;
    await client.query('rollback to savepoint push_table');
  }
  return writeOneByOne(client, session, table, batch, new Map(loaded), judge);
}

type Judge = (m: Mutation, stored: Stored) => Verdict;

/** Every write of the table in one statement (and the tombstones after): the usual way. */
async function writeTogether(
  client: pg.ClientBase,
  session: Session,
  table: SyncedTable,
  batch: Mutation[],
  stored: Stored,
  judge: Judge,
): Promise<MutationResult[]> {
  const results: MutationResult[] = [];
  const writes = new Map<string, StoredRow>();
  const tombstones = new Map<string, string>();
  for (const m of batch) {
    const decided = judge(m, stored);
    results.push(decided.result);
    if (decided.kind === 'write') {
      writes.set(decided.row.id, decided.row);
      tombstones.delete(decided.row.id);
      stored.set(decided.row.id, { row: decided.row, owner: session.id });
    } else if (decided.kind === 'tombstone') {
      tombstones.set(decided.rowId, decided.stamp);
      writes.delete(decided.rowId);
      stored.set(decided.rowId, {
        row: { ...decided.current, hlc: decided.stamp },
        owner: session.id,
      });
    }
  }
  if (writes.size > 0) {
    const done = await writeRows(client, table, [...writes.values()]);
    for (const [i, result] of results.entries()) {
      const m = batch[i];
      if (m && result.status === 'applied' && writes.has(m.rowId) && !done.has(m.rowId)) {
        results[i] = {
          id: result.id,
          status: 'conflict',
          reason: 'this id belongs to another user',
        };
      }
    }
  }
  for (const [id, stamp] of tombstones) await writeTombstone(client, table, id, stamp);
  return results;
}

/**
 * Each write on its own, under its own savepoint: a row Postgres refuses is answered `invalid`
 * and leaves nothing behind, and the mutations after it are judged against what is stored.
 */
async function writeOneByOne(
  client: pg.ClientBase,
  session: Session,
  table: SyncedTable,
  batch: Mutation[],
  stored: Stored,
  judge: Judge,
): Promise<MutationResult[]> {
  const results: MutationResult[] = [];
  for (const m of batch) {
    const decided = judge(m, stored);
    if (decided.kind === 'answer') {
      results.push(decided.result);
      continue;
    }
    await client.query('savepoint push_row');
    try {
      if (decided.kind === 'write') {
        const done = await writeRows(client, table, [decided.row]);
        if (done.has(decided.row.id)) {
          stored.set(decided.row.id, { row: decided.row, owner: session.id });
          results.push(decided.result);
        } else {
          results.push({ id: m.id, status: 'conflict', reason: 'this id belongs to another user' });
        }
      } else {
        await writeTombstone(client, table, decided.rowId, decided.stamp);
        stored.set(decided.rowId, {
          row: { ...decided.current, hlc: decided.stamp },
          owner: session.id,
        });
        results.push(decided.result);
      }
      await client.query('release savepoint push_row');
    } catch (error) {
      const refusal = databaseRefusal(error);
      if (!refusal) throw error;
      await client.query('rollback to savepoint push_row');
      results.push({ id: m.id, status: 'invalid', reason: refusal });
    }
  }
  return results;
}

/** Upserts whole rows; the ids actually written (never over another user's row). */
async function writeRows(
  client: pg.ClientBase,
  table: SyncedTable,
  rows: StoredRow[],
): Promise<Set<string>> {
  const spec = SYNCED[table];
  const columns = spec.columns.map((c) => `"${c}"`).join(', ');
  // A stored row's creation time is the server's: never taken from a push (see `verdict`).
  const assignments = spec.columns
    .filter((c) => c !== 'id' && c !== 'created_at')
    .map((c) => `"${c}" = excluded."${c}"`)
    .join(', ');
  // `json` columns as pushed, a `\u0000` inside a document included (see row-sql.ts).
  const source = rowsSource(table, rows);
  const { rows: written } = await client.query<{ id: string }>(
    `insert into "${table}" (${columns})
     select * from (${source.sql}) incoming
     on conflict (id) do update set ${assignments}
       -- Never over someone else's row, even one inserted since the lookup.
       where "${table}"."${spec.owner}" = excluded."${spec.owner}"
     returning id`,
    source.params,
  );
  return new Set(written.map((r) => r.id));
}

async function writeTombstone(
  client: pg.ClientBase,
  table: SyncedTable,
  id: string,
  stamp: string,
): Promise<void> {
  await client.query(
    `update "${table}" set deleted_at = coalesce(deleted_at, now()), updated_at = now(), hlc = $2
      where id = $1`,
    [id, stamp],
  );
}

/** The rules of one mutation against the rows as stored (and as this batch has written them). */
function verdict(
  session: Session,
  table: SyncedTable,
  m: Mutation,
  stored: Stored,
  clock: HybridClock,
  now: () => number,
): Verdict {
  const spec = SYNCED[table];
  const answer = (result: Omit<MutationResult, 'id'>): Verdict => ({
    kind: 'answer',
    result: { id: m.id, ...result },
  });
  const existing = stored.get(m.rowId);
  if (existing && existing.owner !== session.id) {
    // Someone else's row: say nothing about it.
    return answer({ status: 'conflict', reason: 'this id belongs to another user' });
  }
  const current = existing?.row ?? null;
  const refuse = (reason: string) => answer({ status: 'forbidden', reason, current });
  if (!spec.writers.includes(session.role)) {
    return refuse(`a ${session.role} cannot change ${table.replaceAll('_', ' ')}`);
  }
  let row: StoredRow | null = null;
  /** Why a server-owned field of the account pushed was kept as stored, if one was. */
  let kept: string | null = null;
  if (m.op === 'upsert') {
    const parsed = ROW_SCHEMAS[table].safeParse(m.row);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const reason = issue ? `${issue.path.join('.') || 'row'}: ${issue.message}` : 'invalid row';
      // A message may quote what was sent (an unknown key): an answer never carries much of it.
      return answer({
        status: 'invalid',
        reason: reason.length > MAX_REASON ? `${reason.slice(0, MAX_REASON)}…` : reason,
      });
    }
    row = parsed.data as StoredRow;
    if (row.id !== m.rowId || row.hlc !== m.hlc) {
      return answer({ status: 'invalid', reason: 'the row does not match the mutation' });
    }
    if (row[spec.owner] !== session.id) return refuse('a row can only be written by its owner');
    if (
      !mayWrite(table, session.role, row) ||
      (current && !mayWrite(table, session.role, current))
    ) {
      return refuse(notTheirs(session, row));
    }
    if (table === 'platform_users') {
      if (!current) return refuse('accounts are created on the server');
      // Nothing here depends on other accounts: the answer tells nothing about them.
      for (const { column, reason } of SERVER_OWNED_PROFILE) {
        if (sameValue(column, row[column], current[column])) continue;
        kept ??= reason;
        row = { ...row, [column]: current[column] };
      }
    }
    if (current && 'created_at' in current) row = { ...row, created_at: current.created_at };
  } else if (table === 'platform_users') {
    return refuse('accounts are deleted by an admin, not through sync');
  } else if (current && !mayWrite(table, session.role, current)) {
    return refuse(notTheirs(session, current));
  }

  let stamp = m.hlc;
  const parts = decodeHlc(stamp);
  if (parts && parts.physical > now() + MAX_CLOCK_AHEAD_MS) {
    stamp = clock.next();
    if (row) row = { ...row, hlc: stamp };
  } else {
    clock.observe(stamp);
  }
  if (current && current.hlc === stamp) {
    // The server has this write already (a repeated upload): nothing to do, nor to send,
    // unless it tried to change what the server keeps.
    if (kept) return refuse(kept);
    return answer({ status: 'applied', hlc: stamp });
  }
  if (current && compareHlc(current.hlc, stamp) > 0) {
    return answer({ status: 'stale', hlc: current.hlc, current });
  }
  if (row && kept) {
    return {
      kind: 'write',
      row,
      result: { id: m.id, status: 'forbidden', reason: kept, current: row },
    };
  }
  const result: MutationResult = { id: m.id, status: 'applied', hlc: stamp };
  if (row) return { kind: 'write', row, result };
  // A delete of a row the server never had has nothing to remove: applied, as a no-op.
  if (!current) return { kind: 'answer', result };
  return { kind: 'tombstone', rowId: m.rowId, stamp, current, result };
}

/** Why a row of a table anyone writes is not this session's to write (a viewer's chart). */
function notTheirs(session: Session, row: Record<string, unknown>): string {
  return `a ${session.role} cannot write ${String(row.kind)} documents`;
}
