import { describe, expect, it } from 'vitest';
import type { MutationResult } from '../protocol/messages.ts';
import { adjustClockOffset } from './clock.ts';
import { applyAcks, nextMutations, pendingCount } from './outbox.ts';
import { documentRow, savedQueryRow, stamp, USER, useReplica } from './test-replica.ts';

const db = useReplica();

async function save(id: string, name = 'Mine') {
  await db.pg.query(
    `insert into saved_queries (id, user_id, name, query) values ($1, $2, $3, 'select 1')
     on conflict (id) do update set name = excluded.name`,
    [id, USER, name],
  );
}

const row = async (id: string) =>
  (
    await db.pg.query<{ id: string; name: string; hlc: string }>(
      'select id, name, hlc from saved_queries where id = $1',
      [id],
    )
  ).rows[0] ?? null;

describe('the outbox', () => {
  it('gives mutations owners first, each row as it is now, a removed row as a delete', async () => {
    await db.pg.query(
      `insert into query_logs (id, user_id, query, status) values ('h1', $1, 'select 1', 'success')`,
      [USER],
    );
    await save('q1');
    await save('q1', 'Renamed since');
    await db.pg.query(`update platform_users set email = 'ada@example.com' where id = $1`, [USER]);
    await save('q2');
    await db.pg.query(`delete from saved_queries where id = 'q2'`);

    const mutations = await nextMutations(db.pg, USER, 10);

    expect(mutations.map((m) => [m.table, m.rowId, m.op])).toEqual([
      ['platform_users', USER, 'upsert'],
      ['saved_queries', 'q1', 'upsert'],
      ['saved_queries', 'q2', 'delete'],
      ['query_logs', 'h1', 'upsert'],
    ]);
    const q1 = mutations[1];
    expect(q1?.row).toMatchObject({ id: 'q1', name: 'Renamed since', user_id: USER });
    expect(q1?.hlc).toBe((await row('q1'))?.hlc);
    expect(mutations[3]?.row).not.toHaveProperty('insert_seq');
    expect(await pendingCount(db.pg, USER)).toBe(4);
    expect(await nextMutations(db.pg, USER, 2)).toHaveLength(2);
  });

  it('is emptied by the answers, except rows written again since they were sent', async () => {
    await save('q1');
    await save('q2');
    const sent = await nextMutations(db.pg, USER, 10);
    await save('q2', 'Written while the push was out');
    const results: MutationResult[] = sent.map((m) => ({
      id: m.id,
      status: 'applied',
      hlc: m.hlc,
    }));

    await applyAcks(db.pg, USER, sent, results);

    expect((await nextMutations(db.pg, USER, 10)).map((m) => m.rowId)).toEqual(['q2']);
  });

  it("takes the server's stamp for a write it restamped, and its row for one it found stale", async () => {
    await save('q1');
    await save('q2', 'Older here');
    const sent = await nextMutations(db.pg, USER, 10);
    const [q1, q2] = sent;
    const serverStamp = stamp(Date.now() - 5_000, 'ffffffffffffffff');
    const newer = stamp(Date.now() + 5_000, 'bbbbbbbbbbbbbbbb');

    const outcome = await applyAcks(db.pg, USER, sent, [
      { id: q1?.id as string, status: 'applied', hlc: serverStamp },
      {
        id: q2?.id as string,
        status: 'stale',
        hlc: newer,
        current: savedQueryRow('q2', newer, { name: 'Newer there' }),
      },
    ]);

    expect((await row('q1'))?.hlc).toBe(serverStamp);
    expect(await row('q2')).toMatchObject({ name: 'Newer there', hlc: newer });
    expect([...outcome.changed]).toEqual(['saved_queries']);
    expect(await pendingCount(db.pg, USER)).toBe(0);
  });

  it('reverts a refused write to the server’s row, or drops it when the server has none', async () => {
    await save('q1', 'Viewer edit');
    await save('q2', 'Viewer new');
    const sent = await nextMutations(db.pg, USER, 10);
    const old = stamp(1_000);

    const outcome = await applyAcks(db.pg, USER, sent, [
      {
        id: sent[0]?.id as string,
        status: 'forbidden',
        reason: 'a viewer cannot',
        current: savedQueryRow('q1', old, { name: 'As it was' }),
      },
      { id: sent[1]?.id as string, status: 'forbidden', reason: 'a viewer cannot', current: null },
    ]);

    expect(await row('q1')).toMatchObject({ name: 'As it was', hlc: old });
    expect(await row('q2')).toBeNull();
    expect(outcome.rejected.map((r) => [r.rowId, r.status])).toEqual([
      ['q1', 'forbidden'],
      ['q2', 'forbidden'],
    ]);
    expect(await pendingCount(db.pg, USER)).toBe(0);
  });

  it('gives a saved query whose id another user has a fresh id, queued again; reports invalid rows', async () => {
    await save('taken', 'Mine, same id as theirs');
    await save('bad');
    const sent = await nextMutations(db.pg, USER, 10);

    const outcome = await applyAcks(db.pg, USER, sent, [
      { id: sent[0]?.id as string, status: 'conflict', reason: 'this id belongs to another user' },
      { id: sent[1]?.id as string, status: 'invalid', reason: 'name: too long' },
    ]);

    expect(await row('taken')).toBeNull();
    const { rows } = await db.pg.query<{ id: string; name: string }>(
      `select id, name from saved_queries where name = 'Mine, same id as theirs'`,
    );
    expect(rows).toHaveLength(1);
    expect((await nextMutations(db.pg, USER, 10)).map((m) => m.rowId)).toEqual([rows[0]?.id]);
    expect(outcome.rejected).toEqual([
      { table: 'saved_queries', rowId: 'bad', status: 'invalid', reason: 'name: too long' },
    ]);
    expect(await row('bad')).not.toBeNull();
  });

  it('sends json columns exactly as stored, \\u0000 inside included, and only synced columns', async () => {
    const doc = { tabs: [{ query: 'select 1\u0000' }], lone: '\udfff' };
    const chart = documentRow('workspace_tabs', 'c1', '', { doc });
    await db.pg.query(
      `insert into studio_documents (id, user_id, kind, key, position, doc)
       values ($1, $2, $3, $4, 0, $5::text::json)`,
      [chart.id, USER, chart.kind, chart.key, JSON.stringify(doc)],
    );
    await db.pg.query(
      `insert into query_logs (id, user_id, query, status, row_count, extra)
       values ('h1', $1, 'select 1', 'success', 3000000000, $2::text::json)`,
      [USER, JSON.stringify({ note: '\u0000' })],
    );

    const mutations = await nextMutations(db.pg, USER, 10);

    expect(mutations.map((m) => m.table)).toEqual(['query_logs', 'studio_documents']);
    const [history, document] = mutations;
    expect(history?.row).toMatchObject({ row_count: 3_000_000_000, extra: { note: '\u0000' } });
    expect(Object.keys(history?.row ?? {})).not.toContain('insert_seq');
    expect(document?.row).toMatchObject({ id: chart.id, kind: 'workspace_tabs', doc });
    expect(JSON.stringify(document?.row?.doc)).toBe(JSON.stringify(doc));
  });

  it('keeps a studio document the server calls a conflict, and reports it: its id cannot change', async () => {
    const chart = documentRow('saved_chart', 'ch1', '');
    await db.pg.query(
      `insert into studio_documents (id, user_id, kind, key, doc) values ($1, $2, $3, $4, '{}')`,
      [chart.id, USER, chart.kind, chart.key],
    );
    const sent = await nextMutations(db.pg, USER, 10);

    const outcome = await applyAcks(db.pg, USER, sent, [
      { id: sent[0]?.id as string, status: 'conflict', reason: 'this id belongs to another user' },
    ]);

    const { rows } = await db.pg.query('select id from studio_documents');
    expect(rows).toEqual([{ id: chart.id }]);
    expect(outcome.rejected).toEqual([
      {
        table: 'studio_documents',
        rowId: chart.id,
        status: 'conflict',
        reason: 'this id belongs to another user',
      },
    ]);
    expect(await pendingCount(db.pg, USER)).toBe(0);
  });

  it('leaves no row apart from the server when a clock correction moved it while its push was out', async () => {
    await save('q1');
    await save('q2', 'Older here');
    const sent = await nextMutations(db.pg, USER, 10);
    const [q1, q2] = sent;
    // The device's clock was found 5 s wrong meanwhile: unsent stamps move, these two included.
    const now = Date.now();
    expect(await adjustClockOffset(db.pg, now + 5_000, now, now)).toBeGreaterThan(4_000);
    expect((await row('q1'))?.hlc).not.toBe(q1?.hlc);
    const newer = stamp(Number(q2?.hlc.slice(0, 15)) + 1, 'bbbbbbbbbbbbbbbb');

    await applyAcks(db.pg, USER, sent, [
      { id: q1?.id as string, status: 'applied', hlc: q1?.hlc as string },
      { id: q2?.id as string, status: 'stale', hlc: newer, current: savedQueryRow('q2', newer) },
    ]);

    // The server stored q1 under the stamp sent; q2's row there is newer than what was sent,
    // even if older than the stamp the correction gave it here.
    expect((await row('q1'))?.hlc).toBe(q1?.hlc);
    expect(await row('q2')).toMatchObject({ name: 'From the server', hlc: newer });
    expect(await pendingCount(db.pg, USER)).toBe(0);
  });
});
