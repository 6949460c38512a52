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
} from '@platform/sync/protocol';
import type pg from 'pg';
import type { Session } from '../auth/session.ts';

/**
 * The server as the arbiter of last-write-wins. For each mutation, in one transaction per push:
 *
 * 1. a mutation id seen before gets the answer it got then, and nothing is applied again;
 * 2. the row must be valid, belong to the session's user, and be theirs to write (viewers write
 *    no saved queries, connections, charts or configs; nobody changes their own role or deletes
 *    their account through sync); else `forbidden`, `conflict` (another user's id) or `invalid`;
 * 3. a stamp more than MAX_CLOCK_AHEAD_MS ahead of the server is replaced by the server's own;
 * 4. the row is written, whole, only if its stamp is newer than the stored one (`applied`),
 *    else the stored row is sent back (`stale`). A delete is a tombstone with its own stamp and
 *    wins or loses by the same comparison, so an older update never brings a deleted row back.
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
  const results = new Map<string, MutationResult>();

  const known = await client.query<{ id: string; user_id: string; result: MutationResult }>(
    'select id, user_id, result from sync_mutations where id = any($1)',
    [mutations.map((m) => m.id)],
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
    const batch = mutations.filter((m) => m.table === table && !results.has(m.id));
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
  return mutations.map(
    (m) => results.get(m.id) ?? { id: m.id, status: 'invalid', reason: 'not processed' },
  );
}

type StoredRow = Record<string, unknown> & { id: string; hlc: string };

async function applyTable(
  client: pg.ClientBase,
  session: Session,
  table: SyncedTable,
  batch: Mutation[],
  clock: HybridClock,
  now: () => number,
): Promise<MutationResult[]> {
  const spec = SYNCED[table];
  const columns = spec.columns.map((c) => `"${c}"`).join(', ');
  const { rows } = await client.query<{ row: StoredRow; owner: string }>(
    `select ${rowJson(table, 't')} as row, t."${spec.owner}" as owner
       from "${table}" t where t.id = any($1) for update`,
    [batch.map((m) => m.rowId)],
  );
  const stored = new Map(rows.map((r) => [r.row.id, r]));
  const results: MutationResult[] = [];
  const writes = new Map<string, StoredRow>();
  const tombstones = new Map<string, string>();

  for (const m of batch) {
    const existing = stored.get(m.rowId);
    if (existing && existing.owner !== session.id) {
      // Someone else's row: say nothing about it.
      results.push({ id: m.id, status: 'conflict', reason: 'this id belongs to another user' });
      continue;
    }
    const current = existing?.row ?? null;
    const refuse = (reason: string): MutationResult => ({
      id: m.id,
      status: 'forbidden',
      reason,
      current,
    });
    if (!spec.writers.includes(session.role)) {
      results.push(refuse(`a ${session.role} cannot change ${table.replaceAll('_', ' ')}`));
      continue;
    }
    let row: StoredRow | null = null;
    if (m.op === 'upsert') {
      const parsed = ROW_SCHEMAS[table].safeParse(m.row);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        results.push({
          id: m.id,
          status: 'invalid',
          reason: issue ? `${issue.path.join('.') || 'row'}: ${issue.message}` : 'invalid row',
        });
        continue;
      }
      row = parsed.data as StoredRow;
      if (row.id !== m.rowId || row.hlc !== m.hlc) {
        results.push({
          id: m.id,
          status: 'invalid',
          reason: 'the row does not match the mutation',
        });
        continue;
      }
      if (row[spec.owner] !== session.id) {
        results.push(refuse('a row can only be written by its owner'));
        continue;
      }
      if (
        !mayWrite(table, session.role, row) ||
        (current && !mayWrite(table, session.role, current))
      ) {
        results.push(refuse(notTheirs(session, row)));
        continue;
      }
      if (table === 'platform_users' && current && row.platform_role !== current.platform_role) {
        results.push(refuse('roles are changed by an admin, not through sync'));
        continue;
      }
      if (table === 'platform_users' && !current) {
        results.push(refuse('accounts are created on the server'));
        continue;
      }
      if (table === 'platform_users' && row.deleted_at !== null) {
        results.push(refuse('accounts are deleted by an admin, not through sync'));
        continue;
      }
      if (
        table === 'platform_users' &&
        (await usernameTaken(client, String(row.username), row.id))
      ) {
        results.push({
          id: m.id,
          status: 'invalid',
          reason: `the username "${row.username}" is taken`,
        });
        continue;
      }
    } else if (table === 'platform_users') {
      results.push(refuse('accounts are deleted by an admin, not through sync'));
      continue;
    } else if (current && !mayWrite(table, session.role, current)) {
      results.push(refuse(notTheirs(session, current)));
      continue;
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
      // The server has exactly this write already (a repeated upload): nothing to do or send.
      results.push({ id: m.id, status: 'applied', hlc: stamp });
      continue;
    }
    if (current && compareHlc(current.hlc, stamp) > 0) {
      results.push({ id: m.id, status: 'stale', hlc: current.hlc, current });
      continue;
    }
    if (row) {
      writes.set(row.id, row);
      tombstones.delete(row.id);
      stored.set(row.id, { row, owner: session.id });
    } else if (current) {
      tombstones.set(m.rowId, stamp);
      writes.delete(m.rowId);
      stored.set(m.rowId, { row: { ...current, hlc: stamp }, owner: session.id });
    }
    // A delete of a row the server never had has nothing to remove: applied, as a no-op.
    results.push({ id: m.id, status: 'applied', hlc: stamp });
  }

  if (writes.size > 0) {
    const assignments = spec.columns
      .filter((c) => c !== 'id')
      .map((c) => `"${c}" = excluded."${c}"`)
      .join(', ');
    // `json` columns as pushed, a `\u0000` inside a document included (see row-sql.ts).
    const source = rowsSource(table, [...writes.values()]);
    const { rows: written } = await client.query<{ id: string }>(
      `insert into "${table}" (${columns})
       select * from (${source.sql}) incoming
       on conflict (id) do update set ${assignments}
         -- Never over someone else's row, even one inserted since the lookup above.
         where "${table}"."${spec.owner}" = excluded."${spec.owner}"
       returning id`,
      source.params,
    );
    const done = new Set(written.map((r) => r.id));
    for (const result of results) {
      const m = batch.find((b) => b.id === result.id);
      if (m && result.status === 'applied' && writes.has(m.rowId) && !done.has(m.rowId)) {
        result.status = 'conflict';
        result.reason = 'this id belongs to another user';
        delete result.hlc;
      }
    }
  }
  for (const [id, stamp] of tombstones) {
    await client.query(
      `update "${table}" set deleted_at = coalesce(deleted_at, now()), updated_at = now(), hlc = $2
        where id = $1`,
      [id, stamp],
    );
  }
  return results;
}

/** Why a row of a table anyone writes is not this session's to write (a viewer's chart). */
function notTheirs(session: Session, row: Record<string, unknown>): string {
  return `a ${session.role} cannot write ${String(row.kind)} documents`;
}

async function usernameTaken(client: pg.ClientBase, username: string, except: string) {
  const { rows } = await client.query(
    `select 1 from platform_users
      where lower(username) = lower($1) and deleted_at is null and id <> $2`,
    [username, except],
  );
  return rows.length > 0;
}
