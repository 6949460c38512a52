import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.ts';
import type { QueryHistoryItem } from '../legacy/types.ts';
import { LIMITS } from '../limits.ts';
import { useTestStorage } from '../test-support/shared-database.ts';

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
});
