import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { ValidationError } from '../errors.ts';
import type { QueryHistoryItem } from '../legacy/types.ts';
import { LIMITS } from '../limits.ts';
import type { PlatformStorage } from '../storage.ts';
import { testStorage, useTestStorage } from '../test-support/shared-database.ts';
import type { HistoryPageRequest, HistorySort } from './history.ts';

const ctx = useTestStorage();

const T0 = Date.UTC(2026, 5, 1);
const entry = (n: number, overrides: Partial<QueryHistoryItem> = {}): QueryHistoryItem => ({
  id: `h${n}`,
  connectionId: n % 2 === 0 ? 'even' : 'odd',
  query: `select ${n} from t${n}`,
  executionTime: n,
  status: n % 3 === 0 ? 'error' : 'success',
  executedAt: new Date(T0 + n * 60_000),
  ...overrides,
});

async function addMany(count: number): Promise<void> {
  for (let n = 0; n < count; n++) await ctx.storage.history.add(entry(n));
}

async function storedCount(): Promise<number> {
  const { rows } = await ctx.database.pg.query<{ n: number }>(
    'select count(*)::int as n from query_logs',
  );
  return rows[0]?.n ?? 0;
}

describe('history repository', () => {
  it('pages newest first with a cursor, without gaps or repeats', async () => {
    await ctx.storage.preferences.setHistoryRetention({ maxEntries: 1000, maxAgeDays: null });
    await addMany(25);
    const seen: string[] = [];
    let cursor: string | null = null;

    do {
      const page = await ctx.storage.history.list({ limit: 10, cursor });
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
    } while (cursor);

    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => `h${24 - i}`));
  });

  it('pages through entries that share one instant in reverse insertion order', async () => {
    const at = new Date(T0);
    for (let n = 0; n < 7; n++) await ctx.storage.history.add(entry(n, { executedAt: at }));

    const first = await ctx.storage.history.list({ limit: 4 });
    const second = await ctx.storage.history.list({ limit: 4, cursor: first.nextCursor });

    expect([...first.items, ...second.items].map((i) => i.id)).toEqual([
      'h6',
      'h5',
      'h4',
      'h3',
      'h2',
      'h1',
      'h0',
    ]);
    expect(second.nextCursor).toBeNull();
  });

  it('filters by status, connection and time range, and combines them', async () => {
    await addMany(12);

    const errors = await ctx.storage.history.list({ status: 'error' });
    const even = await ctx.storage.history.list({ connectionId: 'even' });
    const window = await ctx.storage.history.list({
      from: new Date(T0 + 3 * 60_000),
      to: new Date(T0 + 6 * 60_000),
    });
    const both = await ctx.storage.history.list({ status: 'error', connectionId: 'even' });

    expect(errors.items.map((i) => i.id)).toEqual(['h9', 'h6', 'h3', 'h0']);
    expect(even.items.map((i) => i.id)).toEqual(['h10', 'h8', 'h6', 'h4', 'h2', 'h0']);
    expect(window.items.map((i) => i.id)).toEqual(['h6', 'h5', 'h4', 'h3']);
    expect(both.items.map((i) => i.id)).toEqual(['h6', 'h0']);
  });

  it('searches the query text case-insensitively, taking % and _ literally', async () => {
    await ctx.storage.history.add(entry(1, { query: 'SELECT * FROM Orders' }));
    await ctx.storage.history.add(entry(2, { query: "select 'a_b'" }));
    await ctx.storage.history.add(entry(3, { query: "select 'axb'" }));
    await ctx.storage.history.add(entry(4, { query: 'select 100%' }));

    expect((await ctx.storage.history.list({ search: 'orders' })).items.map((i) => i.id)).toEqual([
      'h1',
    ]);
    expect((await ctx.storage.history.list({ search: 'a_b' })).items.map((i) => i.id)).toEqual([
      'h2',
    ]);
    expect((await ctx.storage.history.list({ search: '100%' })).items.map((i) => i.id)).toEqual([
      'h4',
    ]);
  });

  it('deletes one entry; an unknown id is not an error', async () => {
    await addMany(3);

    expect(await ctx.storage.history.delete('h1')).toBe(true);
    expect(await ctx.storage.history.delete('nope')).toBe(false);
    expect((await ctx.storage.history.list()).items.map((i) => i.id)).toEqual(['h2', 'h0']);
  });

  it('keeps at most the retention count on disk as entries are added', async () => {
    await ctx.storage.preferences.setHistoryRetention({ maxEntries: 100, maxAgeDays: null });

    await addMany(250);

    expect(await storedCount()).toBeLessThanOrEqual(101);
    expect((await ctx.storage.getHistory()).length).toBe(100);
    expect((await ctx.storage.getHistory())[0]?.id).toBe('h249');
    await ctx.storage.history.prune();
    expect(await storedCount()).toBe(100);
  });

  it('drops entries older than the retention age', async () => {
    const now = Date.now();
    await ctx.storage.history.add(entry(1, { executedAt: new Date(now - 40 * 86_400_000) }));
    await ctx.storage.history.add(entry(2, { executedAt: new Date(now - 1_000) }));

    await ctx.storage.preferences.setHistoryRetention({ maxEntries: 500, maxAgeDays: 30 });
    await ctx.storage.history.prune();

    expect((await ctx.storage.history.list()).items.map((i) => i.id)).toEqual(['h2']);
    expect(await storedCount()).toBe(1);
  });

  describe('rejects bad input with a ValidationError and writes nothing', () => {
    const cases: [string, unknown][] = [
      ['an oversized query', entry(1, { query: 'x'.repeat(LIMITS.queryText + 1) })],
      ['an invalid date', entry(1, { executedAt: new Date('not a date') })],
      ['an unknown status', { ...entry(1), status: 'maybe' }],
      ['a negative execution time', entry(1, { executionTime: -1 })],
      ['a string where a number belongs', { ...entry(1), rowCount: '12' }],
      ['a missing id', { ...entry(1), id: undefined }],
    ];
    for (const [what, input] of cases) {
      it(what, async () => {
        await expect(ctx.storage.history.add(input as QueryHistoryItem)).rejects.toBeInstanceOf(
          ValidationError,
        );
        expect(await storedCount()).toBe(0);
      });
    }
  });

  it('keeps a second run under an id already used, under a new id, and the first as it was', async () => {
    await ctx.storage.history.add(entry(1));

    const second = await ctx.storage.history.add(entry(1, { query: 'other' }));

    expect(second.id).toMatch(/^h1~[0-9a-z]+$/);
    expect((await ctx.storage.history.get('h1'))?.query).toBe('select 1 from t1');
    expect((await ctx.storage.history.get(second.id))?.query).toBe('other');
    expect(await storedCount()).toBe(2);
  });

  it('keeps what the studio writes every day: an empty editor run, a whitespace query', async () => {
    await ctx.storage.history.add(entry(1, { query: '' }));
    await ctx.storage.history.add(entry(2, { query: '   ' }));

    expect((await ctx.storage.getHistory()).map((h) => h.query)).toEqual(['   ', '']);
  });

  it('rejects a cursor it did not make', async () => {
    await expect(ctx.storage.history.list({ cursor: 'garbage' })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });

  it('counts with the same filters it lists with', async () => {
    await addMany(12);

    expect(await ctx.storage.history.count()).toBe(12);
    expect(await ctx.storage.history.count({ status: 'error', connectionId: 'even' })).toBe(2);
    expect(
      await ctx.storage.history.count({
        from: new Date(T0 + 3 * 60_000),
        to: new Date(T0 + 6 * 60_000),
      }),
    ).toBe(4);
    expect(await ctx.storage.history.count({ search: 'from t1' })).toBe(3);
  });

  describe('sorted by duration or rows, ascending or descending', () => {
    /** Every id of a request, page by page through `nextCursor`. */
    async function allPages(request: HistoryPageRequest): Promise<string[]> {
      const seen: string[] = [];
      let cursor: string | null = request.cursor ?? null;
      do {
        const page = await ctx.storage.history.list({ ...request, cursor });
        seen.push(...page.items.map((i) => i.id));
        cursor = page.nextCursor;
      } while (cursor);
      return seen;
    }

    // Durations with ties (a third of a millisecond, twice: no exact decimal), an entry without
    // one, rows with ties, errors without a row count, and two runs in one instant.
    const third = 1 / 3;
    const at = (minute: number) => new Date(T0 + minute * 60_000);
    const SORTABLE: QueryHistoryItem[] = [
      entry(1, { executionTime: 5, rowCount: 10, executedAt: at(1) }),
      entry(2, { executionTime: third, rowCount: 0, executedAt: at(2) }),
      entry(3, { executionTime: 120.5, status: 'error', executedAt: at(3) }),
      entry(4, { executionTime: third, rowCount: 10, executedAt: at(4) }),
      entry(5, { executionTime: 5, rowCount: 3, executedAt: at(5) }),
      entry(6, { executionTime: Number.NaN, rowCount: 7, executedAt: at(6) }),
      entry(7, { executionTime: 0, rowCount: 10, executedAt: at(6) }),
      entry(8, { executionTime: 9_007_199.25, status: 'error', executedAt: at(7) }),
    ];

    async function addSortable(): Promise<void> {
      for (const item of SORTABLE) await ctx.storage.history.add(item);
    }

    const sort = (field: HistorySort['field'], direction: HistorySort['direction']) => ({
      sort: { field, direction },
    });

    it('by duration, longest first; ties newest first; without one last; asc is the reverse', async () => {
      await addSortable();
      const desc = ['h8', 'h3', 'h5', 'h1', 'h4', 'h2', 'h7', 'h6'];

      for (const limit of [1, 2, 3, 50]) {
        expect(await allPages({ ...sort('executionTime', 'desc'), limit })).toEqual(desc);
        expect(await allPages({ ...sort('executionTime', 'asc'), limit })).toEqual(
          [...desc].reverse(),
        );
      }
    });

    it('by rows, most first; ties newest first, one instant by insertion; none below zero', async () => {
      await addSortable();
      const desc = ['h7', 'h4', 'h1', 'h6', 'h5', 'h2', 'h8', 'h3'];

      for (const limit of [1, 3, 50]) {
        expect(await allPages({ ...sort('rowCount', 'desc'), limit })).toEqual(desc);
        expect(await allPages({ ...sort('rowCount', 'asc'), limit })).toEqual([...desc].reverse());
      }
    });

    it('by time, oldest first, entries of one instant in insertion order', async () => {
      await addSortable();

      expect(await allPages({ ...sort('executedAt', 'asc'), limit: 3 })).toEqual([
        'h1',
        'h2',
        'h3',
        'h4',
        'h5',
        'h6',
        'h7',
        'h8',
      ]);
    });

    it('keeps newest first exactly as before when the sort is given as the default', async () => {
      await addSortable();
      const plain = await ctx.storage.history.list({ limit: 3 });
      const explicit = await ctx.storage.history.list({ ...sort('executedAt', 'desc'), limit: 3 });

      expect(explicit).toEqual(plain);
      // The same cursors: they go on from each other.
      expect(plain.nextCursor).toMatch(/^\d+\|/);
      expect(await allPages({ ...sort('executedAt', 'desc'), limit: 3 })).toEqual(
        await allPages({ limit: 3 }),
      );
    });

    it('combines a sort with the filters', async () => {
      await addSortable();

      expect(
        await allPages({ ...sort('executionTime', 'desc'), status: 'error', limit: 1 }),
      ).toEqual(['h8', 'h3', 'h6']);
      expect(
        await allPages({
          ...sort('rowCount', 'asc'),
          connectionId: 'even',
          search: 'from',
          limit: 1,
        }),
      ).toEqual(['h8', 'h2', 'h6', 'h4']);
    });

    it('neither repeats nor skips an entry that stayed while others came and went', async () => {
      await addSortable();
      const first = await ctx.storage.history.list({ ...sort('executionTime', 'desc'), limit: 3 });
      expect(first.items.map((i) => i.id)).toEqual(['h8', 'h3', 'h5']);

      // Longer and shorter runs arrive, one already shown goes.
      await ctx.storage.history.add(entry(20, { executionTime: 1_000 }));
      await ctx.storage.history.add(entry(21, { executionTime: 1 }));
      await ctx.storage.history.delete('h3');

      const rest = await allPages({
        ...sort('executionTime', 'desc'),
        limit: 2,
        cursor: first.nextCursor,
      });
      expect(rest).toEqual(['h1', 'h21', 'h4', 'h2', 'h7', 'h6']);
    });

    it('refuses a cursor of another order, and a default cursor for a sorted list', async () => {
      await addSortable();
      const byDuration = await ctx.storage.history.list({
        ...sort('executionTime', 'desc'),
        limit: 2,
      });
      const byTime = await ctx.storage.history.list({ limit: 2 });

      const refused: HistoryPageRequest[] = [
        { ...sort('executionTime', 'asc'), cursor: byDuration.nextCursor },
        { ...sort('rowCount', 'desc'), cursor: byDuration.nextCursor },
        { cursor: byDuration.nextCursor },
        { ...sort('executionTime', 'desc'), cursor: byTime.nextCursor },
        { ...sort('executionTime', 'desc'), cursor: 'dd|x|1|2026-06-01T00:00:00+00:00' },
        { ...sort('executedAt', 'asc'), cursor: 'ta|5|1|2026-06-01T00:00:00+00:00' },
        { sort: { field: 'name', direction: 'desc' } } as unknown as HistoryPageRequest,
      ];
      for (const request of refused) {
        await expect(ctx.storage.history.list(request)).rejects.toBeInstanceOf(ValidationError);
      }
    });

    it('exports every entry a filter selects, past one page, in its order, as the studio wrote them', async () => {
      await ctx.storage.preferences.setHistoryRetention({ maxEntries: 2_000, maxAgeDays: null });
      const count = LIMITS.pageSize + 20;
      for (let n = 0; n < count; n++) {
        await ctx.storage.history.add(
          entry(n, {
            executionTime: n % 7,
            tabName: `Tab ${n}`,
            ...(n === 4 ? { engine: 'pg' } : {}),
          }),
        );
      }

      const all = await ctx.storage.history.exportItems({
        sort: { field: 'executionTime', direction: 'asc' },
      });
      expect(all).toHaveLength(count);
      const durations = all.map((i) => i.executionTime);
      expect(durations).toEqual([...durations].sort((a, b) => a - b));
      // The studio's own objects: its field names, a Date, extra fields kept, absent left out.
      const four = all.find((i) => i.id === 'h4');
      expect(four).toEqual({
        id: 'h4',
        connectionId: 'even',
        tabName: 'Tab 4',
        query: 'select 4 from t4',
        executionTime: 4,
        status: 'success',
        executedAt: new Date(T0 + 4 * 60_000),
        engine: 'pg',
      });

      const errors = await ctx.storage.history.exportItems({
        status: 'error',
        connectionId: 'odd',
      });
      expect(errors.map((i) => i.id)).toEqual(
        Array.from({ length: count }, (_, n) => count - 1 - n)
          .filter((n) => n % 3 === 0 && n % 2 === 1)
          .map((n) => `h${n}`),
      );
    });
  });
});

/** Resolves when `storage` hears that another storage object (another tab) changed `table`. */
function remoteChange(storage: PlatformStorage, table: string): Promise<void> {
  return new Promise((resolve) => {
    const stop = storage.subscribe((event) => {
      if (event.origin === 'remote' && event.table === table) {
        stop();
        resolve();
      }
    });
  });
}

describe('recent(), the studio’s getHistory, answered again from its last answer', () => {
  const ids = async (storage: PlatformStorage = ctx.storage) =>
    (await storage.history.recent()).map((e) => e.id);

  it('shows an entry added here at once', async () => {
    await addMany(3);
    expect(await ids()).toEqual(['h2', 'h1', 'h0']);

    await ctx.storage.history.add(entry(7));
    await ctx.storage.history.delete('h1');

    expect(await ids()).toEqual(['h7', 'h2', 'h0']);
  });

  it('shows what another tab wrote once its announcement arrives, never an older answer', async () => {
    const other = testStorage(ctx.database).storage;
    try {
      await addMany(2);
      expect(await ids()).toEqual(['h1', 'h0']);
      expect(await ids(other)).toEqual(['h1', 'h0']);

      const heard = remoteChange(ctx.storage, 'query_logs');
      await other.history.add(entry(5));
      await heard;

      expect(await ids()).toEqual(['h5', 'h1', 'h0']);
    } finally {
      await other.close();
    }
  });

  it('follows a retention change, a profile switch and a cleared history', async () => {
    await addMany(4);
    expect(await ids()).toHaveLength(4);

    await ctx.storage.preferences.setHistoryRetention({ maxEntries: 2, maxAgeDays: null });
    expect(await ids()).toEqual(['h3', 'h2']);
    expect((await ctx.storage.history.recent(1)).map((e) => e.id)).toEqual(['h3']);
    expect(await ids()).toEqual(['h3', 'h2']);

    const guest = await ctx.storage.users.create({ username: 'guest', role: 'user' });
    await ctx.storage.switchUser(guest.id);
    expect(await ids()).toEqual([]);
    await ctx.storage.history.add(entry(9));
    expect(await ids()).toEqual(['h9']);

    await ctx.storage.history.clear();
    expect(await ids()).toEqual([]);
  });

  it('leaves out an entry that aged out since the last answer, with nothing announced', async () => {
    const now = Date.now();
    await ctx.storage.preferences.setHistoryRetention({ maxEntries: 500, maxAgeDays: 1 });
    await ctx.storage.history.add(entry(1, { executedAt: new Date(now - 23 * 3_600_000) }));
    await ctx.storage.history.add(entry(2, { executedAt: new Date(now - 1_000) }));
    expect(await ids()).toEqual(['h2', 'h1']);

    const later = vi.spyOn(Date, 'now').mockReturnValue(now + 2 * 3_600_000);
    try {
      expect(await ids()).toEqual(['h2']);
    } finally {
      later.mockRestore();
    }
  });

  it('keeps its own copy: a caller editing an answer does not change the next one', async () => {
    await ctx.storage.history.add(
      entry(1, { engine: { name: 'pg' } } as Partial<QueryHistoryItem>),
    );
    const first = await ctx.storage.history.recent();
    const [one] = first;
    if (!one) throw new Error('no entry');
    one.query = 'edited';
    one.executedAt.setTime(0);
    (one.extra?.engine as { name: string }).name = 'edited';
    first.pop();

    const [again] = await ctx.storage.history.recent();
    expect(again?.query).toBe('select 1 from t1');
    expect(again?.executedAt).toEqual(new Date(T0 + 60_000));
    expect(again?.extra).toEqual({ engine: { name: 'pg' } });
  });

  it('answers a read right after an add here from its last answer and the added row, asking the database nothing', async () => {
    await addMany(3);
    await ctx.storage.history.recent();
    await ctx.storage.history.add(entry(9));

    const pg = ctx.database.pg;
    const query = pg.query.bind(pg);
    let asked = 0;
    pg.query = ((...args: Parameters<typeof pg.query>) => {
      asked++;
      return query(...args);
    }) as typeof pg.query;
    try {
      expect(await ids()).toEqual(['h9', 'h2', 'h1', 'h0']);
    } finally {
      pg.query = query;
    }
    expect(asked).toBe(0);
  });

  it('after each add here, answers exactly what the query returns, wherever the entry falls', async () => {
    const truth = async (limit: number) =>
      (await ctx.storage.history.list({ limit })).items.map((e) => e.id);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: 6 }),
        async (minutes, limit) => {
          await ctx.database.pg.exec('truncate query_logs');
          ctx.storage.history.invalidate();
          for (const [n, minute] of minutes.entries()) {
            expect((await ctx.storage.history.recent(limit)).map((e) => e.id)).toEqual(
              await truth(limit),
            );
            // Same minutes repeat: same-instant entries order by insert.
            await ctx.storage.history.add(entry(n, { executedAt: new Date(T0 + minute * 60_000) }));
          }
          expect((await ctx.storage.history.recent(limit)).map((e) => e.id)).toEqual(
            await truth(limit),
          );
        },
      ),
      { numRuns: 25 },
    );
  });

  it('answers a read that overlapped a write with what the write left, afterwards', async () => {
    await addMany(2);
    const reads = Array.from({ length: 5 }, () => ctx.storage.history.recent());
    const write = ctx.storage.history.add(entry(8));
    await Promise.all([...reads, write]);

    expect(await ids()).toEqual(['h8', 'h1', 'h0']);
  });
});
