// The Electric test double, checked against the real `@electric-sql/client`: whatever the
// product's sync code is tested against must behave as Electric's protocol says.
import {
  type ChangeMessage,
  isChangeMessage,
  isControlMessage,
  type Message,
  type Row,
  Shape,
  ShapeStream,
} from '@electric-sql/client';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { createDatabase, type TestDatabase } from '../postgres.ts';
import { type ElectricDouble, startElectricDouble } from './index.ts';

let database: TestDatabase;
let sql: pg.Pool;
const doubles: ElectricDouble[] = [];
const streams: AbortController[] = [];

beforeAll(async () => {
  database = await createDatabase(inject('postgresUrl'), 'electric');
  sql = new pg.Pool({ connectionString: database.url });
  await sql.query(`
    create table items (
      id text primary key,
      owner text not null,
      title text not null,
      tags text[] not null default '{}',
      meta jsonb not null default '{}',
      n integer,
      done boolean not null default false,
      at timestamptz not null default '2026-01-02 03:04:05.678+00'
    );
    create table documents (
      id text primary key,
      doc json not null,
      extra json,
      big bigint,
      pos double precision not null default 0,
      labels text[]
    )`);
});

afterEach(async () => {
  for (const controller of streams.splice(0)) controller.abort();
  for (const double of doubles.splice(0)) await double.close();
  await sql.query('truncate items, documents');
});

afterAll(async () => {
  await sql.end();
  await database.drop();
});

async function double(options: Partial<Parameters<typeof startElectricDouble>[0]> = {}) {
  const started = await startElectricDouble({
    databaseUrl: database.url,
    liveTimeoutMs: 1_000,
    ...options,
  });
  doubles.push(started);
  return started;
}

/** A ShapeStream on the double, its messages collected; aborted after each test. */
function stream(url: string, params: Record<string, string>, extra: Record<string, unknown> = {}) {
  const controller = new AbortController();
  streams.push(controller);
  const s = new ShapeStream<Row>({
    url: `${url}/v1/shape`,
    params: params as never,
    signal: controller.signal,
    ...extra,
  });
  const messages: Message<Row>[] = [];
  const errors: unknown[] = [];
  s.subscribe(
    (batch) => {
      messages.push(...batch);
    },
    (error) => errors.push(error),
  );
  return { stream: s, messages, errors, controller };
}

const changes = (messages: Message<Row>[]) =>
  messages.filter((m): m is ChangeMessage<Row> => isChangeMessage(m));
const controls = (messages: Message<Row>[]) =>
  messages.filter(isControlMessage).map((m) => m.headers.control);
const until = (check: () => boolean, what: string) =>
  expect.poll(check, { timeout: 15_000, interval: 50, message: what }).toBe(true);

describe('the Electric double, driven by @electric-sql/client', () => {
  it('serves the snapshot, then live inserts, updates and deletes, each batch ending up-to-date', async () => {
    await sql.query(`insert into items (id, owner, title, tags, meta, n)
                     values ('a', 'u1', 'first', '{x,"y z"}', '{"k": [1, 2]}', 7)`);
    const electric = await double();
    const { messages, errors } = stream(electric.url, { table: 'items' });

    await until(() => controls(messages).includes('up-to-date'), 'initial up-to-date');
    const [snapshot] = changes(messages);
    expect(snapshot?.headers.operation).toBe('insert');
    expect(snapshot?.key).toBe('"public"."items"/"a"');
    // Typed by the client from electric-schema: arrays, JSON, numbers, booleans; timestamps as text.
    expect(snapshot?.value).toEqual({
      id: 'a',
      owner: 'u1',
      title: 'first',
      tags: ['x', 'y z'],
      meta: { k: [1, 2] },
      n: 7,
      done: false,
      at: '2026-01-02 03:04:05.678+00',
    });

    await sql.query(`insert into items (id, owner, title) values ('b', 'u1', 'second')`);
    await sql.query(`update items set title = 'first, edited', done = true where id = 'a'`);
    await sql.query(`delete from items where id = 'b'`);

    await until(() => changes(messages).length === 4, 'three live changes');
    const live = changes(messages).slice(1);
    expect(live.map((m) => [m.headers.operation, m.key])).toEqual([
      ['insert', '"public"."items"/"b"'],
      ['update', '"public"."items"/"a"'],
      ['delete', '"public"."items"/"b"'],
    ]);
    // replica=default: an update carries the key and the changed columns only.
    expect(live[1]?.value).toEqual({ id: 'a', title: 'first, edited', done: true });
    expect(live[1]?.headers.lsn).toMatch(/^\d+$/);
    expect(errors).toEqual([]);
  });

  it('filters by where with params, turning moves into and out of the shape into inserts and deletes', async () => {
    await sql.query(
      `insert into items (id, owner, title) values ('a', 'u1', 'mine'), ('b', 'u2', 'theirs')`,
    );
    const electric = await double();
    const { messages } = stream(electric.url, {
      table: 'items',
      where: 'owner = $1',
      'params[1]': 'u1',
    });
    await until(() => controls(messages).includes('up-to-date'), 'up-to-date');
    expect(changes(messages).map((m) => m.value.id)).toEqual(['a']);

    await sql.query(`update items set owner = 'u1' where id = 'b'`); // moves in
    await sql.query(`update items set owner = 'u2' where id = 'a'`); // moves out
    await sql.query(`insert into items (id, owner, title) values ('c', 'u2', 'not mine')`);
    await sql.query(`insert into items (id, owner, title) values ('d', 'u1', 'mine too')`);

    await until(() => changes(messages).length === 4, 'moves and the matching insert');
    expect(
      changes(messages)
        .slice(1)
        .map((m) => [m.headers.operation, m.value.id]),
    ).toEqual([
      ['insert', 'b'],
      ['delete', 'a'],
      ['insert', 'd'],
    ]);
  });

  it('sends only the requested columns, and whole rows with old values under replica=full', async () => {
    await sql.query(`insert into items (id, owner, title, n) values ('a', 'u1', 'one', 1)`);
    const electric = await double();
    const narrow = stream(electric.url, { table: 'items', columns: 'id,title' });
    const full = stream(electric.url, { table: 'items', replica: 'full' });
    await until(
      () =>
        controls(narrow.messages).includes('up-to-date') &&
        controls(full.messages).includes('up-to-date'),
      'both up-to-date',
    );
    expect(changes(narrow.messages)[0]?.value).toEqual({ id: 'a', title: 'one' });

    await sql.query(`update items set n = 2 where id = 'a'`);
    await sql.query(`update items set title = 'uno' where id = 'a'`);
    await until(() => changes(full.messages).length === 3, 'two full updates');
    const [, first, second] = changes(full.messages);
    expect(first?.value).toMatchObject({ id: 'a', owner: 'u1', title: 'one', n: 2 });
    expect(first?.old_value).toEqual({ n: 1 });
    expect(second?.old_value).toEqual({ title: 'one' });
    // The narrow shape never hears of n; the title change reaches it.
    await until(() => changes(narrow.messages).length === 2, 'narrow title update');
    expect(changes(narrow.messages)[1]?.value).toEqual({ id: 'a', title: 'uno' });
  });

  it('resumes from a handle and offset without sending the snapshot again', async () => {
    await sql.query(`insert into items (id, owner, title) values ('a', 'u1', 'one')`);
    const electric = await double();
    const first = stream(electric.url, { table: 'items' });
    await until(() => controls(first.messages).includes('up-to-date'), 'up-to-date');
    const { shapeHandle, lastOffset } = first.stream;
    first.controller.abort();

    await sql.query(`insert into items (id, owner, title) values ('b', 'u1', 'two')`);
    const resumed = stream(
      electric.url,
      { table: 'items' },
      { handle: shapeHandle, offset: lastOffset },
    );
    await until(() => changes(resumed.messages).length === 1, 'only the new row');
    expect(changes(resumed.messages)[0]?.value.id).toBe('b');
    expect(resumed.stream.shapeHandle).toBe(shapeHandle);
  });

  it('answers 409 must-refetch for a rotated shape, and the client syncs the new one from scratch', async () => {
    await sql.query(`insert into items (id, owner, title) values ('a', 'u1', 'one')`);
    const electric = await double();
    const { stream: s, messages } = stream(electric.url, { table: 'items' });
    await until(() => controls(messages).includes('up-to-date'), 'up-to-date');
    const oldHandle = s.shapeHandle;

    electric.rotate('items');
    await sql.query(`insert into items (id, owner, title) values ('b', 'u1', 'two')`);

    await until(() => controls(messages).includes('must-refetch'), 'must-refetch');
    await until(
      () =>
        changes(
          messages.slice(
            messages.findIndex((m) => isControlMessage(m) && m.headers.control === 'must-refetch'),
          ),
        ).length === 2,
      'the new snapshot',
    );
    expect(s.shapeHandle).not.toBe(oldHandle);
    expect(electric.requests.some((r) => r.status === 409)).toBe(true);
  });

  it('serves a large snapshot in chunks, and a Shape materialises all of it', async () => {
    await sql.query(`insert into items (id, owner, title)
                     select 'i' || lpad(g::text, 4, '0'), 'u1', 'row ' || g from generate_series(1, 250) g`);
    const electric = await double({ snapshotChunkRows: 100 });
    const controller = new AbortController();
    streams.push(controller);
    const shape = new Shape(
      new ShapeStream<Row>({
        url: `${electric.url}/v1/shape`,
        params: { table: 'items' },
        signal: controller.signal,
      }),
    );
    const rows = await shape.rows;
    expect(rows).toHaveLength(250);
    expect(electric.requests.filter((r) => r.url.searchParams.get('live') !== 'true').length).toBe(
      3,
    );
  });

  it('refuses requests without the secret, and bad shapes, with clear errors', async () => {
    const electric = await double({ secret: 's3cret' });
    const get = async (query: string) => {
      const response = await fetch(`${electric.url}/v1/shape?${query}`);
      return { status: response.status, body: (await response.json()) as { message?: string } };
    };
    expect((await get('table=items&offset=-1')).status).toBe(401);
    expect((await get('table=items&offset=-1&secret=s3cret')).status).toBe(200);
    expect((await get('table=nope&offset=-1&secret=s3cret')).body.message).toContain(
      'does not exist',
    );
    expect((await get('table=items&offset=5_0&secret=s3cret')).body.message).toContain(
      'handle is required',
    );
    expect((await get('table=items&offset=-1&columns=title&secret=s3cret')).body.message).toContain(
      'primary key',
    );
    expect(
      (await get(`table=items&offset=-1&where=${encodeURIComponent('nope = 1')}&secret=s3cret`))
        .body.message,
    ).toContain('where:');
    const headers = (await fetch(`${electric.url}/v1/shape?table=items&offset=-1&secret=s3cret`))
      .headers;
    expect(headers.get('electric-handle')).toBeTruthy();
    expect(headers.get('electric-offset')).toMatch(/^\d+_\d+$/);
    expect(JSON.parse(headers.get('electric-schema') ?? '{}').id).toEqual({
      type: 'text',
      dims: 0,
      pk_index: 0,
      not_null: true,
    });
  });

  it('holds a live request until a change arrives, and answers up-to-date when none does', async () => {
    const electric = await double({ liveTimeoutMs: 800 });
    const initial = await fetch(`${electric.url}/v1/shape?table=items&offset=-1`);
    const handle = initial.headers.get('electric-handle') ?? '';
    const offset = initial.headers.get('electric-offset') ?? '';
    const liveUrl = `${electric.url}/v1/shape?table=items&offset=${offset}&handle=${handle}&live=true`;

    const quiet = await fetch(liveUrl);
    expect(await quiet.json()).toEqual([
      { headers: { control: 'up-to-date', global_last_seen_lsn: offset.split('_')[0] } },
    ]);
    expect(quiet.headers.get('electric-cursor')).toBeTruthy();

    const pending = fetch(liveUrl);
    setTimeout(() => {
      void sql.query(`insert into items (id, owner, title) values ('late', 'u1', 'hello')`);
    }, 200);
    const body = (await (await pending).json()) as { value?: { id: string } }[];
    expect(body[0]?.value?.id).toBe('late');
  });

  it('serves json as written (\\u0000 included), bigint as text, floats and null arrays', async () => {
    const doc = '{"text": "a\\u0000b", "lone": "\\udfff", "n": 1.50}';
    await sql.query(
      `insert into documents (id, doc, big, pos, labels) values ('d1', $1, 9007199254740993, 0.1, null)`,
      [doc],
    );
    const electric = await double();
    // On the wire, as Electric sends them: every value as Postgres prints it, json untouched.
    const raw = await fetch(`${electric.url}/v1/shape?table=documents&offset=-1`);
    const [wire] = (await raw.json()) as { value: Record<string, unknown> }[];
    expect(wire?.value).toEqual({
      id: 'd1',
      doc,
      extra: null,
      big: '9007199254740993',
      pos: '0.1',
      labels: null,
    });
    expect(JSON.parse(raw.headers.get('electric-schema') ?? '{}')).toMatchObject({
      doc: { type: 'json', dims: 0, not_null: true },
      big: { type: 'int8', dims: 0 },
      pos: { type: 'float8', dims: 0, not_null: true },
      labels: { type: 'text', dims: 1 },
    });

    // Parsed by the client as the sync client asks it to (int8 kept as text), live changes too.
    const { messages } = stream(
      electric.url,
      { table: 'documents', replica: 'full' },
      { parser: { int8: (value: string) => value } },
    );
    await until(() => controls(messages).includes('up-to-date'), 'up-to-date');
    await sql.query(
      `update documents set extra = $1, labels = '{x,"y z"}', pos = 2.5 where id = 'd1'`,
      ['{"note": "\\u0000"}'],
    );
    await until(() => changes(messages).length === 2, 'the update');
    const [snapshot, update] = changes(messages);
    expect(snapshot?.value).toEqual({
      id: 'd1',
      doc: { text: 'a\u0000b', lone: '\udfff', n: 1.5 },
      extra: null,
      big: '9007199254740993',
      pos: 0.1,
      labels: null,
    });
    expect(update?.value).toMatchObject({
      extra: { note: '\u0000' },
      labels: ['x', 'y z'],
      pos: 2.5,
      doc: { text: 'a\u0000b' },
    });
    expect(update?.old_value).toEqual({ extra: null, labels: null, pos: 0.1 });
  });
});
