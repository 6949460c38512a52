/**
 * TEST DOUBLE of Electric's HTTP Shape API. Not product code: tests only.
 *
 * Electric's sync service cannot run on these machines (no Docker engine, no Elixir), so tests
 * that need shapes talk to this instead. It follows `shared/reference/electric-api.yaml` for
 * `GET /v1/shape`: an initial snapshot (optionally in chunks), shape handles and offsets, live
 * long-polling with `electric-cursor`, `up-to-date` control messages, 409 `must-refetch` when a
 * shape is rotated, `where` with positional `params`, `columns`, `replica=default|full`, the
 * `secret` parameter, and the `electric-*` response headers. Rows come from the same real
 * PostgreSQL the server writes to (see `capture.ts` for how changes are seen). Subset snapshots
 * (`subset__*`) and SSE are not implemented: requests for them get a 400.
 *
 * It is itself tested against `@electric-sql/client` (`electric-double.test.ts`).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { captureTable, installChangeLog, NOTIFY_CHANNEL, quoteIdent } from './capture.ts';
import {
  type ColumnInfo,
  DISPLAY_SETTINGS,
  describeTable,
  messageKey,
  schemaHeader,
  type TableInfo,
  textRow,
} from './rows.ts';

export interface ElectricDoubleOptions {
  /** The PostgreSQL database whose tables are served. */
  databaseUrl: string;
  /** When set, every request must carry `secret=` (or the deprecated `api_secret=`) with it. */
  secret?: string;
  /** How long a live request waits for a change before answering up-to-date (Electric: 20 s). */
  liveTimeoutMs?: number;
  /** Rows per response of an initial snapshot (default: all of them in one). */
  snapshotChunkRows?: number;
  /** Changes per response after the snapshot. */
  changesPerResponse?: number;
}

export interface RecordedRequest {
  url: URL;
  status: number;
}

export interface ElectricDouble {
  /** `http://127.0.0.1:PORT`: append `/v1/shape`. */
  readonly url: string;
  /** Every request answered, newest last. */
  readonly requests: RecordedRequest[];
  /** Invalidates the shapes of `table` (or all): their next request gets 409 must-refetch. */
  rotate(table?: string): void;
  close(): Promise<void>;
}

type Message = Record<string, unknown>;

interface Definition {
  table: string;
  where: string | null;
  params: string[];
  columns: string[];
  replica: 'default' | 'full';
}

interface Shape {
  handle: string;
  key: string;
  definition: Definition;
  info: TableInfo;
  columns: ColumnInfo[];
  snapshot: Message[];
  snapshotLsn: number;
}

class BadRequest extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const OFFSET = /^(\d+)_(\d+)$/;

export async function startElectricDouble(options: ElectricDoubleOptions): Promise<ElectricDouble> {
  const liveTimeoutMs = options.liveTimeoutMs ?? 20_000;
  const chunkRows = options.snapshotChunkRows ?? Number.POSITIVE_INFINITY;
  const changesPerResponse = options.changesPerResponse ?? 1_000;
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: 4,
    options: DISPLAY_SETTINGS,
  });
  pool.on('error', () => {});
  const setup = await pool.connect();
  try {
    await installChangeLog(setup);
  } finally {
    setup.release();
  }

  // Long polls wait for a NOTIFY from the capture trigger of their table.
  const listener = new pg.Client({ connectionString: options.databaseUrl });
  listener.on('error', () => {});
  await listener.connect();
  await listener.query(`listen ${NOTIFY_CHANNEL}`);
  const waiters = new Set<{ table: string; wake: () => void }>();
  listener.on('notification', (note) => {
    for (const waiter of [...waiters]) if (waiter.table === note.payload) waiter.wake();
  });

  const shapesByKey = new Map<string, Shape>();
  const shapesByHandle = new Map<string, Shape>();
  const requests: RecordedRequest[] = [];
  const tableInfo = new Map<string, TableInfo>();
  let closing = false;

  async function info(table: string): Promise<TableInfo> {
    const known = tableInfo.get(table);
    if (known) return known;
    const found = await describeTable(pool as unknown as pg.ClientBase, table);
    if (!found) throw new BadRequest(`Table "${table}" does not exist`);
    tableInfo.set(table, found);
    return found;
  }

  async function parseDefinition(url: URL): Promise<{ definition: Definition; info: TableInfo }> {
    const table = url.searchParams.get('table');
    if (!table) throw new BadRequest('table is required');
    const name = table.startsWith('public.') ? table.slice('public.'.length) : table;
    if (name.includes('.')) throw new BadRequest('only tables in the public schema are served');
    const described = await info(name);
    const requested = url.searchParams.get('columns');
    const columns = requested
      ? requested.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1'))
      : described.columns.map((c) => c.name);
    for (const column of columns) {
      if (!described.columns.some((c) => c.name === column)) {
        throw new BadRequest(`columns: unknown column "${column}"`);
      }
    }
    for (const key of described.primaryKey) {
      if (!columns.includes(key))
        throw new BadRequest(`columns: must include primary key "${key}"`);
    }
    const params: string[] = [];
    for (const [key, value] of url.searchParams) {
      const match = /^params\[(\d+)\]$/.exec(key);
      if (match) params[Number(match[1]) - 1] = value;
    }
    const where = url.searchParams.get('where');
    if (params.some((p) => p === undefined)) throw new BadRequest('params must be numbered from 1');
    if (where) {
      // Postgres itself judges the clause: the same rules as the rows it will filter.
      try {
        await pool.query(
          `explain select 1 from public.${quoteIdent(name)} where (${where})`,
          params,
        );
      } catch (error) {
        throw new BadRequest(`where: ${(error as Error).message}`);
      }
    }
    const replica = url.searchParams.get('replica') === 'full' ? 'full' : 'default';
    return {
      definition: { table: name, where: where || null, params, columns, replica },
      info: described,
    };
  }

  async function createShape(definition: Definition, described: TableInfo): Promise<Shape> {
    const columns = described.columns.filter((c) => definition.columns.includes(c.name));
    const client = await pool.connect();
    try {
      await captureTable(client, definition.table);
      await client.query('begin isolation level repeatable read');
      try {
        const lsn = await client.query<{ lsn: string }>(
          'select coalesce(max(id), 0)::text as lsn from electric_double.changes',
        );
        const rows = await client.query<{ row: Record<string, string | null> }>(
          `select ${textRow(columns, 't')} as row from public.${quoteIdent(definition.table)} t
           where ${definition.where ? `(${definition.where})` : 'true'}
           order by ${described.primaryKey.map((k) => `t.${quoteIdent(k)}`).join(', ')}`,
          definition.params,
        );
        await client.query('commit');
        const shape: Shape = {
          handle: `${randomBytes(4).readUInt32BE()}-${Date.now()}`,
          key: JSON.stringify(definition),
          definition,
          info: described,
          columns,
          snapshot: rows.rows.map(({ row }) => ({
            headers: { operation: 'insert', relation: ['public', definition.table] },
            key: messageKey(definition.table, described.primaryKey, row),
            value: row,
          })),
          snapshotLsn: Number(lsn.rows[0]?.lsn ?? 0),
        };
        return shape;
      } catch (error) {
        await client.query('rollback').catch(() => {});
        throw error;
      }
    } finally {
      client.release();
    }
  }

  async function currentShape(definition: Definition, described: TableInfo): Promise<Shape> {
    const key = JSON.stringify(definition);
    const existing = shapesByKey.get(key);
    if (existing) return existing;
    const shape = await createShape(definition, described);
    // Another request may have created it meanwhile: keep the first.
    const raced = shapesByKey.get(key);
    if (raced) return raced;
    shapesByKey.set(key, shape);
    shapesByHandle.set(shape.handle, shape);
    return shape;
  }

  /** Changes of the shape after `lsn`, as messages, and the lsn reached. */
  async function changesAfter(
    shape: Shape,
    lsn: number,
  ): Promise<{ messages: Message[]; lsn: number }> {
    const { definition, columns, info: described } = shape;
    const table = `public.${quoteIdent(definition.table)}`;
    const where = definition.where ? `(${definition.where})` : 'true';
    const n = definition.params.length;
    // Each image is the row's record text (capture.ts), read back as a row of the table.
    const image = (side: 'new' | 'old') => `
      case when c.${side} is null then null
           else (select ${textRow(described.columns, 't')} from (select (c.${side}::${table}).*) t) end`;
    const inShape = (side: 'new' | 'old') => `
      case when c.${side} is null then false
           else exists (select 1 from (select (c.${side}::${table}).*) t where ${where}) end`;
    const { rows } = await pool.query<{
      id: string;
      op: 'insert' | 'update' | 'delete';
      xid: string;
      new_row: Record<string, string | null> | null;
      old_row: Record<string, string | null> | null;
      new_in: boolean;
      old_in: boolean;
    }>(
      `select c.id::text, c.op, c.xid::text, ${image('new')} as new_row, ${image('old')} as old_row,
              ${inShape('new')} as new_in, ${inShape('old')} as old_in
         from electric_double.changes c
        where c.relation = $${n + 1} and c.id > $${n + 2}
        order by c.id limit $${n + 3}`,
      [...definition.params, definition.table, lsn, changesPerResponse],
    );
    const pick = (row: Record<string, string | null>, names: string[]) =>
      Object.fromEntries(names.map((name) => [name, row[name] ?? null]));
    const all = columns.map((c) => c.name);
    const messages: Message[] = [];
    rows.forEach((change, index) => {
      const headers = (operation: string) => ({
        operation,
        relation: ['public', definition.table],
        lsn: change.id,
        op_position: 0,
        txids: [change.xid],
        ...(rows[index + 1]?.xid !== change.xid ? { last: true } : {}),
      });
      const newRow = change.new_row;
      const oldRow = change.old_row;
      const key = messageKey(
        definition.table,
        described.primaryKey,
        (newRow ?? oldRow) as object as Record<string, unknown>,
      );
      if (newRow && change.new_in && !(oldRow && change.old_in)) {
        messages.push({ headers: headers('insert'), key, value: pick(newRow, all) });
      } else if (newRow && oldRow && change.new_in && change.old_in) {
        const changed = all.filter((name) => newRow[name] !== oldRow[name]);
        if (changed.length === 0) return;
        if (definition.replica === 'full') {
          messages.push({
            headers: headers('update'),
            key,
            value: pick(newRow, all),
            old_value: pick(oldRow, changed),
          });
        } else {
          messages.push({
            headers: headers('update'),
            key,
            value: pick(newRow, [...new Set([...described.primaryKey, ...changed])]),
          });
        }
      } else if (oldRow && change.old_in) {
        const value =
          definition.replica === 'full' ? pick(oldRow, all) : pick(oldRow, described.primaryKey);
        messages.push({ headers: headers('delete'), key, value });
      }
    });
    const reached = rows.length > 0 ? Number(rows[rows.length - 1]?.id) : lsn;
    return { messages, lsn: reached };
  }

  function waitForChange(table: string, ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const waiter = {
        table,
        wake: () => {
          clearTimeout(timer);
          waiters.delete(waiter);
          resolve();
        },
      };
      const timer = setTimeout(waiter.wake, ms);
      signal.addEventListener('abort', waiter.wake, { once: true });
      waiters.add(waiter);
    });
  }

  async function maxLsn(): Promise<number> {
    const { rows } = await pool.query<{ lsn: string }>(
      'select coalesce(max(id), 0)::text as lsn from electric_double.changes',
    );
    return Number(rows[0]?.lsn ?? 0);
  }

  function send(
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string>,
  ): void {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }

  async function handle(res: ServerResponse, url: URL, signal: AbortSignal) {
    if (options.secret) {
      const given = url.searchParams.get('secret') ?? url.searchParams.get('api_secret');
      if (given !== options.secret)
        throw new BadRequest('Unauthorized: wrong or missing secret', 401);
    }
    if ([...url.searchParams.keys()].some((k) => k.startsWith('subset__'))) {
      throw new BadRequest('subset snapshots are not implemented by this test double');
    }
    if (
      url.searchParams.get('live_sse') === 'true' ||
      url.searchParams.get('experimental_live_sse') === 'true'
    ) {
      throw new BadRequest('SSE is not implemented by this test double');
    }
    const offset = url.searchParams.get('offset');
    if (!offset) throw new BadRequest('offset is required');
    if (offset !== '-1' && offset !== 'now' && !OFFSET.test(offset)) {
      throw new BadRequest(`offset: "${offset}" is not an offset`);
    }
    const live = url.searchParams.get('live') === 'true';
    const { definition, info: described } = await parseDefinition(url);
    const requestedHandle = url.searchParams.get('handle');
    if (offset !== '-1' && offset !== 'now' && !requestedHandle) {
      throw new BadRequest('handle is required unless offset is -1 or now');
    }
    const shape = await currentShape(definition, described);
    const common = { 'electric-handle': shape.handle };
    const cursor = String(Math.floor(Date.now() / liveTimeoutMs));
    const upToDate = (lsn: number) => ({
      headers: { control: 'up-to-date', global_last_seen_lsn: String(lsn) },
    });
    const reply = (messages: Message[], nextOffset: string, done: boolean, lsn: number) => {
      send(res, 200, done ? [...messages, upToDate(lsn)] : messages, {
        ...common,
        'electric-offset': nextOffset,
        ...(live
          ? { 'electric-cursor': cursor }
          : { 'electric-schema': schemaHeader(shape.columns) }),
        ...(done ? { 'electric-up-to-date': '' } : {}),
        etag: `${shape.handle}:${offset}:${nextOffset}`,
        'cache-control': live
          ? 'public, max-age=5, stale-while-revalidate=5'
          : 'public, max-age=604800',
      });
    };

    if (offset === '-1' || (OFFSET.test(offset) && offset.startsWith('0_') && offset !== '0_0')) {
      // A snapshot chunk; offset -1 ignores any handle (the client's cache buster after a 409).
      if (offset !== '-1' && requestedHandle !== shape.handle) return mustRefetch(res, shape);
      const chunk = offset === '-1' ? 0 : Number(offset.split('_')[1]);
      const size = Number.isFinite(chunkRows) ? chunkRows : shape.snapshot.length || 1;
      const rows = shape.snapshot.slice(chunk * size, (chunk + 1) * size);
      const last = (chunk + 1) * size >= shape.snapshot.length;
      return reply(
        rows,
        last ? `${shape.snapshotLsn}_0` : `0_${chunk + 1}`,
        last,
        shape.snapshotLsn,
      );
    }
    if (offset === 'now') {
      const lsn = await maxLsn();
      return reply([], `${lsn}_0`, true, lsn);
    }
    if (requestedHandle !== shape.handle) return mustRefetch(res, shape);
    const from = Number(offset.split('_')[0]);
    let batch = await changesAfter(shape, from);
    if (batch.messages.length === 0 && batch.lsn === from && live) {
      await waitForChange(definition.table, liveTimeoutMs, signal);
      if (signal.aborted) {
        res.end();
        return;
      }
      batch = await changesAfter(shape, from);
    }
    const done = batch.lsn === from || batch.messages.length < changesPerResponse;
    return reply(batch.messages, `${batch.lsn}_0`, done, batch.lsn);
  }

  function mustRefetch(res: ServerResponse, shape: Shape) {
    send(res, 409, [{ headers: { control: 'must-refetch' } }], {
      'electric-handle': shape.handle,
      'cache-control': 'public, max-age=60, must-revalidate',
    });
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://double');
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    const finish = () => requests.push({ url, status: res.statusCode });
    res.on('finish', finish);
    if (closing) return send(res, 503, { message: 'shutting down' }, {});
    if (url.pathname !== '/v1/shape') return send(res, 404, { message: 'not found' }, {});
    if (req.method !== 'GET') return send(res, 405, { message: `${req.method} not supported` }, {});
    handle(res, url, abort.signal).catch((error: unknown) => {
      if (res.headersSent) return;
      const status = error instanceof BadRequest ? error.status : 500;
      send(res, status, { message: (error as Error).message }, {});
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    rotate(table) {
      for (const shape of [...shapesByKey.values()]) {
        if (table && shape.definition.table !== table) continue;
        shapesByKey.delete(shape.key);
        shapesByHandle.delete(shape.handle);
      }
    },
    async close() {
      closing = true;
      for (const waiter of [...waiters]) waiter.wake();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await listener.end().catch(() => {});
      await pool.end();
    },
  };
}
