import { decodeText, type QueryStatus, queryLogs } from '@platform/schema/browser';
import { and, eq, gte, ilike, isNull, lte, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { ConflictError, translateDatabaseError, ValidationError } from '../errors.ts';
import type { QueryHistoryItem } from '../legacy/types.ts';
import { LIMITS } from '../limits.ts';
import { assertCan } from '../permissions.ts';
import { HISTORY_FIELDS } from '../records/fields.ts';
import { asStoredJson, type JsonObject, joinRecord, splitRecord } from '../records/open-record.ts';
import {
  assertJsonSize,
  dateInput,
  type HistoryRetention,
  historyItemInput,
  idInput,
  parse,
  statusInput,
} from '../validation.ts';
import type { RepositoryContext } from './context.ts';
import { containsPattern, removeRows } from './soft-delete.ts';

export interface HistoryEntry {
  id: string;
  connectionId: string | null;
  connectionName: string | null;
  tabName: string | null;
  query: string;
  rowCount: number | null;
  executionTimeMs: number | null;
  status: QueryStatus;
  errorMessage: string | null;
  executedAt: Date;
  /** The entry's fields that have no column (and known ones of an unexpected type), as given. */
  extra: JsonObject | null;
}

export interface HistoryFilter {
  status?: QueryStatus;
  connectionId?: string;
  /** Inclusive bounds on `executedAt`. */
  from?: Date;
  to?: Date;
  /** Case-insensitive substring of the query text. */
  search?: string;
}

/** What a list can be ordered by: when it ran, how long it took, how many rows it gave. */
export type HistorySortField = 'executedAt' | 'executionTime' | 'rowCount';
export type SortDirection = 'asc' | 'desc';

/**
 * The order of a list. Entries with the same value stay in the order of when they ran (the
 * later insert of one instant counting as later), in the same direction, so a list ascending is
 * exactly the list descending reversed. An entry without a duration or row count (an error, a
 * DDL statement, an imported entry) sorts below every value: last descending, first ascending.
 */
export interface HistorySort {
  field: HistorySortField;
  direction: SortDirection;
}

/** The default order: newest first. */
export const NEWEST_FIRST: HistorySort = { field: 'executedAt', direction: 'desc' };

export interface HistoryListRequest extends HistoryFilter {
  /** Default newest first. */
  sort?: HistorySort;
}

export interface HistoryPageRequest extends HistoryListRequest {
  /** 1–500, default 50. */
  limit?: number;
  /** `nextCursor` of the previous page, of a request with the same sort; absent for the first. */
  cursor?: string | null;
}

export interface Page<T> {
  items: T[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

const filterInput = z.object({
  status: statusInput.optional(),
  connectionId: idInput.optional(),
  from: dateInput.optional(),
  to: dateInput.optional(),
  search: z.string().max(LIMITS.searchText).optional(),
});

const sortInput = z.object({
  field: z.enum(['executedAt', 'executionTime', 'rowCount']),
  direction: z.enum(['asc', 'desc']),
});

const listRequest = filterInput.extend({ sort: sortInput.optional() });

const pageRequest = listRequest.extend({
  limit: z.number().int().min(1).max(LIMITS.pageSize).default(50),
  cursor: z.string().max(100).nullish(),
});

/** The default order's cursor: `<insert_seq>|<executed_at>`, as it always was. */
const CURSOR = /^(\d+)\|(.+)$/;
/** Any other order's: `<order code>|<value>|<insert_seq>|<executed_at>`. */
const SORTED_CURSOR = /^([a-z]{2})\|([^|]*)\|(\d+)\|(.+)$/;

/** A sorted value: its SQL, its type (for the cursor's parameter), its value in a fetched row. */
interface SortValue {
  expression: SQL;
  cast: SQL;
  of(row: JsonRow): number;
}

/**
 * A duration or row count that is absent sorts as -1 (the columns are never negative), so the
 * keyset compares plain values; by time there is no value, only the time and the insert order.
 */
const SORT_VALUES: Record<HistorySortField, SortValue | null> = {
  executedAt: null,
  executionTime: {
    expression: sql`coalesce(${queryLogs.executionTimeMs}, -1)`,
    cast: sql`float8`,
    of: (row) => row.execution_time_ms ?? -1,
  },
  rowCount: {
    expression: sql`coalesce(${queryLogs.rowCount}, -1)`,
    cast: sql`bigint`,
    of: (row) => row.row_count ?? -1,
  },
};

/** How one order is written in SQL and in its cursors. */
interface Ordering {
  /** Names the order in its cursors (`ta`, `dd`, `rd`…), so a cursor of another is refused. */
  code: string;
  value: SortValue | null;
  direction: SortDirection;
}

const SORT_CODES: Record<HistorySortField, string> = {
  executedAt: 't',
  executionTime: 'd',
  rowCount: 'r',
};

function orderingOf(sort: HistorySort): Ordering {
  return {
    code: `${SORT_CODES[sort.field]}${sort.direction === 'asc' ? 'a' : 'd'}`,
    value: SORT_VALUES[sort.field],
    direction: sort.direction,
  };
}

const isDefault = (sort: HistorySort | undefined) =>
  !sort || (sort.field === NEWEST_FIRST.field && sort.direction === NEWEST_FIRST.direction);

/** Newest first: the one order with an index, and the SQL every default list has always run. */
const NEWEST_FIRST_SQL = sql`${queryLogs.executedAt} desc, ${queryLogs.insertSeq} desc`;

function orderSql(o: Ordering): SQL {
  const dir = o.direction === 'asc' ? sql`asc` : sql`desc`;
  const byTime = sql`${queryLogs.executedAt} ${dir}, ${queryLogs.insertSeq} ${dir}`;
  return o.value ? sql`${o.value.expression} ${dir}, ${byTime}` : byTime;
}

/** A number as JavaScript prints one (`String(n)`), which float8 and bigint read exactly. */
const NUMBER_TEXT = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/;

/** The rows after a sorted cursor: one row comparison, in the order's direction. */
function afterSorted(o: Ordering, cursor: string): SQL {
  const match = SORTED_CURSOR.exec(cursor);
  const [, code, value = '', seq, at] = match ?? [];
  const valueOk = o.value ? NUMBER_TEXT.test(value) : value === '';
  if (!match || code !== o.code || !valueOk) {
    throw new ValidationError('Invalid history request: cursor is not one of this order');
  }
  const op = o.direction === 'asc' ? sql`>` : sql`<`;
  const time = sql`${at}::timestamptz`;
  return o.value
    ? sql`(${o.value.expression}, ${queryLogs.executedAt}, ${queryLogs.insertSeq}) ${op} (${value}::${o.value.cast}, ${time}, ${Number(seq)})`
    : sql`(${queryLogs.executedAt}, ${queryLogs.insertSeq}) ${op} (${time}, ${Number(seq)})`;
}

/** The timestamp as Postgres printed it keeps microseconds, so the cursor is exact. */
function sortedCursor(o: Ordering, row: JsonRow): string {
  return `${o.code}|${o.value ? String(o.value.of(row)) : ''}|${row.insert_seq}|${row.executed_at}`;
}

/** One row as `json_agg` hands it over: column names, timestamps as ISO text. */
interface JsonRow {
  id: string;
  connection_id: string | null;
  connection_name: string | null;
  tab_name: string | null;
  query: string;
  row_count: number | null;
  execution_time_ms: number | null;
  status: QueryStatus;
  error_message: string | null;
  executed_at: string;
  insert_seq: number;
  extra: JsonObject | null;
}

/**
 * The studio's history item as the row that stores it (the import writes rows the same way):
 * validated, then split into columns and `extra`. `item` is taken as JSON keeps it (Dates as
 * ISO strings, `NaN` as null), exactly what the studio's localStorage made of it.
 */
export function historyRow(item: unknown, userId: string) {
  const given = asStoredJson(item);
  parse(historyItemInput, given, 'history entry');
  const { columns, extra } = splitRecord(HISTORY_FIELDS, given as JsonObject);
  assertJsonSize(extra, LIMITS.extraBytes, 'history entry');
  return {
    id: columns.id as string,
    userId,
    connectionId: (columns.connectionId as string | undefined) ?? null,
    connectionName: (columns.connectionName as string | undefined) ?? null,
    tabName: (columns.tabName as string | undefined) ?? null,
    query: columns.query as string,
    rowCount: (columns.rowCount as number | undefined) ?? null,
    executionTimeMs: (columns.executionTimeMs as number | undefined) ?? null,
    status: columns.status as QueryStatus,
    errorMessage: (columns.errorMessage as string | undefined) ?? null,
    executedAt: columns.executedAt as Date,
    extra,
  };
}

type StoredRow = ReturnType<typeof historyRow>;

const text = (value: string | null) => (value === null ? null : decodeText(value));

/**
 * A time as Postgres prints it in JSON (`2026-06-01T10:00:00.123456+02:00`) in microseconds since
 * the epoch: `Date.parse` keeps milliseconds, the rest of the fraction is added back, so two
 * entries of one millisecond still compare as Postgres orders them.
 */
function microseconds(printed: string): number {
  const fraction = /\.(\d+)/.exec(printed)?.[1] ?? '';
  return Date.parse(printed) * 1000 + Number(`${fraction}000000`.slice(3, 6));
}

/** Newest first, as `NEWEST_FIRST_SQL` orders: by time, then the later insert first. */
function newerThan(a: JsonRow, b: JsonRow): boolean {
  const at = microseconds(a.executed_at) - microseconds(b.executed_at);
  return at !== 0 ? at > 0 : a.insert_seq > b.insert_seq;
}

/**
 * The newest `take` of `rows` (the newest `take` of the table, newest first) with `row` added:
 * in its place, or left out when older than all of them and they already fill `take`. Rows
 * beyond `take` of the table are older than every row here, so none is missing.
 */
function withRow(rows: readonly JsonRow[], row: JsonRow, take: number): JsonRow[] {
  const at = rows.findIndex((other) => newerThan(row, other));
  const merged = at === -1 ? [...rows, row] : [...rows.slice(0, at), row, ...rows.slice(at)];
  return merged.slice(0, take);
}

/** `json_agg` hands text columns over as stored: decoded here, as Drizzle does for its reads. */
function toEntry(row: JsonRow): HistoryEntry {
  return {
    id: row.id,
    connectionId: text(row.connection_id),
    connectionName: text(row.connection_name),
    tabName: text(row.tab_name),
    query: decodeText(row.query),
    rowCount: row.row_count,
    executionTimeMs: row.execution_time_ms,
    status: row.status,
    errorMessage: text(row.error_message),
    executedAt: new Date(row.executed_at),
    // A copy: `recent()` answers from rows it keeps, which a caller's edits must not reach.
    extra: row.extra === null ? null : structuredClone(row.extra),
  };
}

/** The studio's object back from an entry: every field it was given, dates as Dates. */
export function toLegacyHistoryItem(entry: HistoryEntry): QueryHistoryItem {
  const { extra, ...columns } = entry;
  return joinRecord(HISTORY_FIELDS, columns, extra) as QueryHistoryItem;
}

/**
 * The studio's history ids are 5–7 random characters, never checked: two runs can share one,
 * and both are history. The second is kept under its id with a suffix.
 */
function anotherId(id: string): string {
  const suffix = Math.random().toString(36).slice(2, 8);
  return `${id.slice(0, LIMITS.id - suffix.length - 1)}~${suffix}`;
}

/**
 * The current user's query history. Retention (count and age, from preferences) is enforced as
 * entries are added: amortised, so adding stays constant-time at any size, and never visible,
 * since `recent()` returns at most the retention count.
 */
export class HistoryRepository {
  #sincePrune = 0;
  /**
   * The last `recent()` answer, as fetched: the studio asks for it each time its history panel
   * mounts, and carrying 500 rows out of PGlite costs ~10 ms where its localStorage read cost
   * under 1. Valid while the change feed says nothing of `query_logs` or `platform_users`
   * (retention lives in preferences) changed, here or in another tab; `generation` counts those
   * announcements, so an answer fetched while one arrived is not kept. An `add()` here whose own
   * announcement was the only one extends the answer by its row instead (`withRow`), so the read
   * after a query ran, the studio's usual one, asks the database nothing either.
   */
  #recent: {
    readonly userId: string;
    /** The limit and the age window it answered. */
    readonly key: string;
    readonly take: number;
    readonly rows: readonly JsonRow[];
  } | null = null;
  #generation = 0;

  constructor(
    private readonly ctx: RepositoryContext,
    private readonly retention: () => Promise<HistoryRetention>,
  ) {}

  private mine(): SQL {
    return and(eq(queryLogs.userId, this.ctx.actor().id), isNull(queryLogs.deletedAt)) as SQL;
  }

  /** The current user's live entries that pass a validated filter. */
  private matching(f: z.output<typeof filterInput>): SQL[] {
    const conditions: SQL[] = [this.mine()];
    if (f.status) conditions.push(eq(queryLogs.status, f.status));
    if (f.connectionId) conditions.push(eq(queryLogs.connectionId, f.connectionId));
    if (f.from) conditions.push(gte(queryLogs.executedAt, f.from));
    if (f.to) conditions.push(lte(queryLogs.executedAt, f.to));
    const search = f.search?.trim();
    if (search) conditions.push(ilike(queryLogs.query, containsPattern(search)));
    return conditions;
  }

  /**
   * Rows (newest first unless told) as one JSON value: PGlite decodes a single `json_agg` with
   * one native JSON.parse, about 2.5× faster at 500 rows than decoding every field off the wire.
   * `json_agg` keeps the subquery's order. A null limit is none (`limit null`).
   */
  private async fetch(
    where: SQL | undefined,
    limit: number | null,
    order: SQL = NEWEST_FIRST_SQL,
  ): Promise<JsonRow[]> {
    const result = await this.ctx.db.execute<{ rows: JsonRow[] }>(sql`
      select coalesce(json_agg(t), '[]'::json) as rows from (
        select id, connection_id, connection_name, tab_name, query, row_count,
               execution_time_ms, status, error_message, executed_at, insert_seq, extra
        from ${queryLogs}
        where ${where}
        order by ${order}
        limit ${limit}
      ) t`);
    return result.rows[0]?.rows ?? [];
  }

  /**
   * The studio's `addToHistory`: never refused for an empty query or an id already used (that
   * run is kept under a new id: `<id>~<random>`). Returns the entry as stored.
   */
  async add(input: QueryHistoryItem): Promise<HistoryEntry> {
    const actor = this.ctx.actor();
    assertCan(actor, 'history.write');
    let row: StoredRow = historyRow(input, actor.id);
    const before = this.#recent;
    const generation = this.#generation;
    let stored: JsonRow | undefined;
    try {
      for (let attempt = 0; ; attempt++) {
        const inserted = await this.ctx.db
          .insert(queryLogs)
          .values(row)
          .onConflictDoNothing({ target: queryLogs.id })
          // The row as `fetch` hands rows over (text as stored, the time as Postgres prints it).
          .returning({ json: sql<JsonRow>`to_json(${queryLogs})` });
        stored = inserted[0]?.json;
        if (stored) break;
        if (attempt >= 8) throw new ConflictError(`No free id for history entry ${row.id}.`);
        row = { ...row, id: anotherId(String((input as { id: unknown }).id)) };
      }
    } catch (error) {
      throw translateDatabaseError(error, `history entry ${row.id}`);
    }
    await this.enforceRetention();
    this.ctx.changed('query_logs');
    // Only this write was announced since `before` was read: it is the last answer plus this row.
    if (
      before?.userId === actor.id &&
      stored &&
      this.#generation === generation + 1 &&
      !this.#recent
    ) {
      this.#recent = { ...before, rows: withRow(before.rows, stored, before.take) };
    }
    const { userId: _owner, ...entry } = row;
    return entry;
  }

  /**
   * Forget the cached `recent()` answer: the change feed calls it for every announcement of
   * `query_logs` or `platform_users`, from this storage or another tab.
   */
  invalidate(): void {
    this.#generation++;
    this.#recent = null;
  }

  /**
   * The newest entries, at most the retention count (the legacy `getHistory`). Served from the
   * last answer while nothing was announced since; entries that aged out since are left out of
   * it at each call, which is exactly what the query would now return: they are its oldest.
   */
  async recent(limit?: number): Promise<HistoryEntry[]> {
    const { maxEntries, maxAgeDays } = await this.retention();
    const take = Math.min(limit ?? maxEntries, maxEntries);
    const userId = this.ctx.actor().id;
    const key = `${take}|${maxAgeDays}`;
    const cutoff = maxAgeDays === null ? null : ageCutoff(maxAgeDays);
    const kept = this.#recent;
    let rows = kept?.userId === userId && kept.key === key ? kept.rows : null;
    if (!rows) {
      const generation = this.#generation;
      const conditions = [this.mine()];
      if (cutoff) conditions.push(gte(queryLogs.executedAt, cutoff));
      const fetched = await this.fetch(and(...conditions), take);
      if (generation === this.#generation) this.#recent = { key, userId, take, rows: fetched };
      rows = fetched;
    }
    const entries: HistoryEntry[] = [];
    for (const row of rows) {
      const entry = toEntry(row);
      if (cutoff && entry.executedAt < cutoff) break;
      entries.push(entry);
    }
    return entries;
  }

  /**
   * One page of history, filtered, newest first or in the order asked (`sort`); follow
   * `nextCursor` for more. Pages are by keyset in every order, so entries added or removed
   * while paging neither repeat nor skip an entry that stayed.
   */
  async list(request: HistoryPageRequest = {}): Promise<Page<HistoryEntry>> {
    const r = parse(pageRequest, request, 'history request');
    if (!isDefault(r.sort)) return this.listSorted(r, orderingOf(r.sort as HistorySort));
    const conditions = this.matching(r);
    if (r.cursor) {
      const match = CURSOR.exec(r.cursor);
      if (!match) throw new ValidationError('Invalid history request: cursor is not one of ours');
      conditions.push(
        sql`(${queryLogs.executedAt}, ${queryLogs.insertSeq}) < (${match[2]}::timestamptz, ${Number(match[1])})`,
      );
    }
    const rows = await this.fetch(and(...conditions), r.limit + 1);
    const items = rows.slice(0, r.limit);
    const last = items.at(-1);
    // The timestamp as Postgres printed it keeps microseconds, so the cursor is exact.
    const nextCursor =
      rows.length > r.limit && last ? `${last.insert_seq}|${last.executed_at}` : null;
    return { items: items.map(toEntry), nextCursor };
  }

  /**
   * Any order but the default. Only newest first has an index: these sort the profile's
   * matching entries (at most the retention count, 500 by default) for each page.
   */
  private async listSorted(
    r: z.output<typeof pageRequest>,
    o: Ordering,
  ): Promise<Page<HistoryEntry>> {
    const conditions = this.matching(r);
    if (r.cursor) conditions.push(afterSorted(o, r.cursor));
    const rows = await this.fetch(and(...conditions), r.limit + 1, orderSql(o));
    const items = rows.slice(0, r.limit);
    const last = items.at(-1);
    const nextCursor = rows.length > r.limit && last ? sortedCursor(o, last) : null;
    return { items: items.map(toEntry), nextCursor };
  }

  /**
   * Every entry a filter selects, in its order, as the studio's `QueryHistoryItem`s (every
   * field it was given): what an export file holds. One statement, so one consistent snapshot.
   */
  async exportItems(request: HistoryListRequest = {}): Promise<QueryHistoryItem[]> {
    const r = parse(listRequest, request, 'history export');
    const order = isDefault(r.sort)
      ? NEWEST_FIRST_SQL
      : orderSql(orderingOf(r.sort as HistorySort));
    const rows = await this.fetch(and(...this.matching(r)), null, order);
    return rows.map((row) => toLegacyHistoryItem(toEntry(row)));
  }

  async get(id: string): Promise<HistoryEntry | null> {
    const rows = await this.fetch(and(this.mine(), eq(queryLogs.id, parse(idInput, id, 'id'))), 1);
    return rows[0] ? toEntry(rows[0]) : null;
  }

  async count(filter: HistoryFilter = {}): Promise<number> {
    const conditions = this.matching(parse(filterInput, filter, 'history filter'));
    const rows = await this.ctx.db
      .select({ n: sql<number>`count(*)::int` })
      .from(queryLogs)
      .where(and(...conditions));
    return rows[0]?.n ?? 0;
  }

  /** Removes one entry; true when it existed. Unknown ids are not an error. */
  async delete(id: string): Promise<boolean> {
    assertCan(this.ctx.actor(), 'history.write');
    const removed = await removeRows(
      this.ctx,
      queryLogs,
      and(this.mine(), eq(queryLogs.id, parse(idInput, id, 'id'))),
    );
    if (removed > 0) this.ctx.changed('query_logs');
    return removed > 0;
  }

  /** Removes all of the current user's history; returns how many entries went. */
  async clear(): Promise<number> {
    assertCan(this.ctx.actor(), 'history.write');
    const removed = await removeRows(this.ctx, queryLogs, this.mine());
    this.#sincePrune = 0;
    if (removed > 0) this.ctx.changed('query_logs');
    return removed;
  }

  /** Applies the retention now (also done as entries are added). Returns entries removed. */
  async prune(): Promise<number> {
    const { maxEntries, maxAgeDays } = await this.retention();
    const userId = this.ctx.actor().id;
    let removed = 0;
    if (maxAgeDays !== null) {
      removed += await removeRows(
        this.ctx,
        queryLogs,
        and(this.mine(), sql`${queryLogs.executedAt} < ${ageCutoff(maxAgeDays)}`),
      );
    }
    // Everything older than the maxEntries-th newest entry goes.
    const boundary = sql`(
      select b.executed_at, b.insert_seq from query_logs b
      where b.user_id = ${userId} and b.deleted_at is null
      order by b.executed_at desc, b.insert_seq desc offset ${maxEntries - 1} limit 1)`;
    removed += await removeRows(
      this.ctx,
      queryLogs,
      and(
        this.mine(),
        sql`(${queryLogs.executedAt}, ${queryLogs.insertSeq}) < (select executed_at, insert_seq from ${boundary} as boundary)`,
      ),
    );
    this.#sincePrune = 0;
    return removed;
  }

  private async enforceRetention(): Promise<void> {
    const { maxEntries } = await this.retention();
    // Checking costs a scan of maxEntries index entries; doing it every maxEntries/100 adds keeps
    // the cost per add constant while never letting more than 1% extra sit on disk.
    this.#sincePrune++;
    if (this.#sincePrune >= Math.max(1, Math.floor(maxEntries / 100))) await this.prune();
  }
}

function ageCutoff(days: number): Date {
  return new Date(Date.now() - days * 86_400_000);
}
