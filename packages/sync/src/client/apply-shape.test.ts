import type { ChangeMessage, Row } from '@electric-sql/client';
import { describe, expect, it } from 'vitest';
import type { SyncedTable } from '../protocol/tables.ts';
import { applyShapeBatch, loadPositions } from './apply-shape.ts';
import { documentRow, OTHER, savedQueryRow, stamp, USER, useReplica } from './test-replica.ts';

const db = useReplica();

const message = (
  operation: 'insert' | 'update' | 'delete',
  value: Record<string, unknown>,
): ChangeMessage<Row> => ({
  headers: { operation },
  key: `"public"."saved_queries"/"${value.id}"`,
  value: value as Row,
});

async function apply(
  messages: ChangeMessage<Row>[],
  refetch = false,
  table: SyncedTable = 'saved_queries',
) {
  return db.pg.transaction((tx) =>
    applyShapeBatch(tx, {
      table,
      userId: USER,
      messages,
      refetch,
      position: { handle: 'h-1', offset: '12_0' },
    }),
  );
}

const names = async () =>
  (
    await db.pg.query<{ id: string; name: string }>(
      'select id, name from saved_queries order by id',
    )
  ).rows;

describe('applying a shape batch', () => {
  it('writes the rows and the position reached, in one transaction, without queueing them', async () => {
    const changed = await apply([message('insert', savedQueryRow('q1', stamp(1_000)))]);

    expect(changed).toBe(1);
    expect(await names()).toEqual([{ id: 'q1', name: 'From the server' }]);
    expect(await loadPositions(db.pg, USER)).toEqual(
      new Map([['saved_queries', { handle: 'h-1', offset: '12_0' }]]),
    );
    const { rows } = await db.pg.query('select * from sync_outbox');
    expect(rows).toEqual([]);
  });

  it('keeps a local edit newer than the server row, and takes an older local one over', async () => {
    await apply([message('insert', savedQueryRow('q1', stamp(1_000)))]);
    await db.pg.query(`update saved_queries set name = 'Edited here' where id = 'q1'`);
    // Stamped now by the trigger: far newer than the server's 1 000 ms.
    await apply([message('update', savedQueryRow('q1', stamp(2_000), { name: 'Server v2' }))]);
    expect(await names()).toEqual([{ id: 'q1', name: 'Edited here' }]);

    const local = (await db.pg.query<{ hlc: string }>(`select hlc from saved_queries`)).rows[0]
      ?.hlc;
    const newer = `${String(Number(local?.slice(0, 15)) + 1).padStart(15, '0')}000000bbbbbbbbbbbbbbbb`;
    await apply([message('update', savedQueryRow('q1', newer, { name: 'Server v3' }))]);
    expect(await names()).toEqual([{ id: 'q1', name: 'Server v3' }]);
  });

  it('collapses several changes of one row to the last, and applies deletes', async () => {
    await apply([
      message('insert', savedQueryRow('q1', stamp(1_000))),
      message('update', savedQueryRow('q1', stamp(1_001), { name: 'Second' })),
      message('insert', savedQueryRow('q2', stamp(1_002))),
    ]);
    expect(await names()).toEqual([
      { id: 'q1', name: 'Second' },
      { id: 'q2', name: 'From the server' },
    ]);
    await apply([message('delete', { id: 'q2' })]);
    expect(await names()).toEqual([{ id: 'q1', name: 'Second' }]);
  });

  it("never takes a row over another profile's row with that id, nor a row for another profile", async () => {
    await db.pg.query(
      `insert into saved_queries (id, user_id, name, query) values ('q1', $1, 'Bob''s', 'select 2')`,
      [OTHER],
    );
    await apply([
      message('insert', savedQueryRow('q1', stamp(9_999_999_999_999))),
      message('insert', savedQueryRow('q9', stamp(1_000), { user_id: OTHER })),
    ]);
    expect(await names()).toEqual([{ id: 'q1', name: "Bob's" }]);
  });

  it('keeps a row deleted here while its delete waits to be pushed', async () => {
    await apply([message('insert', savedQueryRow('q1', stamp(1_000)))]);
    await db.pg.query(`delete from saved_queries where id = 'q1'`);
    await apply([message('update', savedQueryRow('q1', stamp(1_500), { name: 'Older edit' }))]);
    expect(await names()).toEqual([]);
  });

  it('after a must-refetch, drops rows the new snapshot lacks, but not those waiting to be pushed', async () => {
    await apply([
      message('insert', savedQueryRow('gone', stamp(1_000))),
      message('insert', savedQueryRow('kept', stamp(1_000))),
    ]);
    await db.pg.query(
      `insert into saved_queries (id, user_id, name, query) values ('mine', $1, 'Unsent', 'select 3')`,
      [USER],
    );

    await apply([message('insert', savedQueryRow('kept', stamp(1_000)))], true);

    expect((await names()).map((r) => r.id)).toEqual(['kept', 'mine']);
  });

  it('moves the device clock past the stamps it received', async () => {
    const future = Date.now() + 10 * 60_000;
    await apply([message('insert', savedQueryRow('q1', stamp(future)))]);
    await db.pg.query(
      `insert into saved_queries (id, user_id, name, query) values ('q2', $1, 'After', 'select 4')`,
      [USER],
    );
    const { rows } = await db.pg.query<{ hlc: string }>(
      `select hlc from saved_queries where id = 'q2'`,
    );
    expect(rows[0]?.hlc && rows[0].hlc > stamp(future)).toBe(true);
  });
});

describe('applying rows with the new columns, as the shape stream parses them', () => {
  it('keeps json documents exactly, \\u0000 and lone surrogates included', async () => {
    const doc = { name: 'tab\u0000', lone: '\ud800', nested: [{ n: 1.5 }] };
    const settings = documentRow('workspace_tabs', 'c1', stamp(1_000), { doc });
    const nothing = documentRow('active_connection_id', '', stamp(1_000), { doc: null });
    await apply(
      [message('insert', settings), message('insert', nothing)],
      false,
      'studio_documents',
    );

    const { rows } = await db.pg.query<{ key: string; doc: string }>(
      `select key, doc::text as doc from studio_documents order by key desc`,
    );
    expect(rows).toEqual([
      { key: 'c1', doc: JSON.stringify(doc) },
      // A document that is JSON null stays one: the column may not be SQL NULL.
      { key: '', doc: 'null' },
    ]);
  });

  it('takes bigint counts as text, floats, a null tag list and an extra object', async () => {
    await apply(
      [
        message(
          'insert',
          savedQueryRow('q1', stamp(1_000), {
            tags: null,
            position: 2.75,
            extra: { pinned: true, note: 'a\u0000b' },
          }),
        ),
      ],
      false,
    );
    await db.pg.transaction((tx) =>
      applyShapeBatch(tx, {
        table: 'query_logs',
        userId: USER,
        refetch: false,
        position: { handle: 'h-2', offset: '3_0' },
        messages: [
          {
            headers: { operation: 'insert' },
            key: '"public"."query_logs"/"h1"',
            value: {
              id: 'h1',
              user_id: USER,
              connection_id: null,
              connection_name: null,
              tab_name: null,
              query: 'select 1',
              // Electric's int8, kept as text by the stream's parser: 2^53 + 1 is not a JS number.
              row_count: '9007199254740993',
              execution_time_ms: 0.1,
              status: 'success',
              error_message: null,
              executed_at: '2026-12-01 08:00:00+00',
              extra: null,
              updated_at: '2026-12-01 08:00:00+00',
              deleted_at: null,
              hlc: stamp(1_000),
            } as Row,
          },
        ],
      }),
    );

    const saved = await db.pg.query(
      `select tags, position, extra::text as extra from saved_queries where id = 'q1'`,
    );
    expect(saved.rows).toEqual([
      { tags: null, position: 2.75, extra: JSON.stringify({ pinned: true, note: 'a\u0000b' }) },
    ]);
    const history = await db.pg.query(
      `select row_count::text as row_count, execution_time_ms, extra from query_logs`,
    );
    expect(history.rows).toEqual([
      { row_count: '9007199254740993', execution_time_ms: 0.1, extra: null },
    ]);
  });

  it('replaces a document by last-write-wins, as any row', async () => {
    const key = 'masking';
    await apply(
      [message('insert', documentRow('masking_config', key, stamp(1_000), { doc: { v: 1 } }))],
      false,
      'studio_documents',
    );
    await apply(
      [message('update', documentRow('masking_config', key, stamp(2_000), { doc: { v: 2 } }))],
      false,
      'studio_documents',
    );
    await apply(
      [message('update', documentRow('masking_config', key, stamp(1_500), { doc: { v: 0 } }))],
      false,
      'studio_documents',
    );
    const { rows } = await db.pg.query(`select doc from studio_documents`);
    expect(rows).toEqual([{ doc: { v: 2 } }]);
  });
});
