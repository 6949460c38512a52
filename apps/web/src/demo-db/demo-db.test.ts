import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCompletionSchema, COMPLETION_SCHEMA_SQL } from '../editor/schema.ts';
import { runScript } from './execute.ts';
import { prebuiltDemoDatabase } from './prebuilt.ts';
import { DEMO_COUNTS, DEMO_SEED_SQL } from './seed.ts';

// The worker's logic, run on PGlite in Node, on the directory the build ships: the seed, scripts,
// errors, read-only runs.
let db: PGlite;
beforeAll(async () => {
  const { bytes } = await prebuiltDemoDatabase();
  db = await PGlite.create({ loadDataDir: new Blob([bytes], { type: 'application/x-gzip' }) });
});
afterAll(async () => {
  await db?.close();
});

/** Every table's rows hashed, and the schema's columns, indexes and views, of the public schema. */
async function fingerprint(pg: PGlite): Promise<unknown> {
  const rows = await pg.query(`
    select (select json_object_agg(t, h) from (
              select 'customers' t, md5(string_agg(x::text, '|' order by x.id)) h from customers x
              union all select 'products', md5(string_agg(x::text, '|' order by x.id)) from products x
              union all select 'orders', md5(string_agg(x::text, '|' order by x.id)) from orders x
              union all select 'order_items',
                md5(string_agg(x::text, '|' order by x.order_id, x.line)) from order_items x) s) as data,
           (select json_agg(c order by table_name, ordinal_position) from (
              select table_name, ordinal_position, column_name, data_type, is_nullable
              from information_schema.columns where table_schema = 'public') c) as columns,
           (select json_agg(indexdef order by indexname) from pg_indexes
              where schemaname = 'public') as indexes,
           (select json_agg(definition) from pg_views where schemaname = 'public') as views`);
  return rows.rows[0];
}

describe('the demo database', () => {
  it('ships seeded with the sample schema: the same rows as seeding a new database', async () => {
    const outcome = await runScript(
      db,
      `select (select count(*) from customers), (select count(*) from products),
              (select count(*) from orders), (select count(*) from order_items),
              (select name from customers where id = 1), (select sum(total) from customer_totals)`,
    );
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    const [customers, products, orders, items, first] = outcome.results[0]?.rows[0] ?? [];
    expect([customers, products, orders].map(Number)).toEqual([
      DEMO_COUNTS.customers,
      DEMO_COUNTS.products,
      DEMO_COUNTS.orders,
    ]);
    // 1 + o % 4 lines per order.
    expect(Number(items)).toBe(10_000);
    expect(first).toBe('Grace Thompson');
    // What the build made is what the seed makes (the worker's fallback when offline): every
    // row, column, index and view.
    const again = await PGlite.create();
    try {
      await again.exec(DEMO_SEED_SQL);
      expect(await fingerprint(db)).toEqual(await fingerprint(again));
    } finally {
      await again.close();
    }
  });

  it('runs scripts statement by statement, rows as arrays, with commands and counts', async () => {
    const outcome = await runScript(
      db,
      'create temp table t (x int); insert into t values (1), (2), (null); select x from t order by x;',
    );
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.results.map((r) => [r.command, r.rowCount])).toEqual([
      ['CREATE', null],
      ['INSERT', 3],
      ['SELECT', 3],
    ]);
    expect(outcome.results[2]?.rows).toEqual([[1], [2], [null]]);
    expect(outcome.results[2]?.columns).toEqual([{ name: 'x', dataTypeID: 23 }]);
    expect(outcome.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('returns Postgres errors with their position', async () => {
    const outcome = await runScript(db, 'select * from nope');
    expect(outcome).toMatchObject({
      ok: false,
      error: { code: '42P01', position: 15, kind: 'postgres' },
    });
  });

  it('cuts huge results to the maximum', async () => {
    const outcome = await runScript(db, 'select g from generate_series(1, 50) g', { maxRows: 20 });
    expect(outcome.ok && outcome.results[0]).toMatchObject({ truncated: true, rowCount: 50 });
  });

  it('runs a viewer read-only, then lets the next script write again', async () => {
    const blocked = await runScript(db, 'delete from order_items', { readOnly: true });
    expect(blocked).toMatchObject({ ok: false, error: { code: '25006' } });
    const allowed = await runScript(db, 'create temp table w (x int); drop table w;');
    expect(allowed.ok).toBe(true);
  });

  it('lists tables and columns for completion', async () => {
    const outcome = await runScript(db, COMPLETION_SCHEMA_SQL);
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    const schema = buildCompletionSchema(outcome.results[0]?.rows ?? []) as Record<
      string,
      Record<string, string[]>
    >;
    expect(schema.public?.customers).toEqual(['id', 'name', 'email', 'country', 'created_at']);
    expect(Object.keys(schema.public ?? {})).toEqual(
      expect.arrayContaining(['orders', 'order_items', 'products', 'customer_totals']),
    );
  });
});
