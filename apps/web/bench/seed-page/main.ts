// Served on the studio's own origin (at /__bench-seed/), so it writes into the very database the
// studio opens: the OPFS (or IndexedDB) database `platform`. The rows go in with one SQL statement,
// as packages/storage/bench/seed.ts does; adding 100k entries one by one would take many minutes.
import { createStorage } from '@platform/storage';
// Not exported by the package: the raw SQL client of the shared database is needed for the bulk
// insert. Read-only use of the storage package's source, as its own benchmark page does.
import { openBrowserDatabase } from '../../../../packages/storage/src/client/open-browser.ts';

export interface SeedResult {
  ms: number;
  location: string;
  userId: string;
  historyCount: number;
}

/**
 * Query texts in six shapes over twelve tables, ids and parameters varying per row, plus rare
 * words at known rates: `pangolin` 1 in 100, `axolotl` 1 in 1,000, `quokka` 1 in 10,000,
 * `narwhal` in one row.
 */
const SEED_SQL = `
insert into query_logs (id, user_id, connection_id, connection_name, tab_name, query,
                        row_count, execution_time_ms, status, error_message, executed_at)
select 'bench-' || i, $1, 'demo', 'Demo (in browser)', 'Query ' || (i % 9 + 1),
  case i % 6
    when 0 then 'select * from ' || t.names[1 + i % 12] || ' where id = ' || i || ' limit 50'
    when 1 then 'select count(*) from ' || t.names[1 + (i / 7) % 12] ||
                ' where created_at > now() - interval ''' || (i % 30 + 1) || ' days'''
    when 2 then 'select c.name, sum(o.total) from customers c join orders o on o.customer_id = c.id' ||
                ' where c.region = ''region_' || (i / 6) % 40 || ''' group by c.name order by 2 desc'
    when 3 then 'update ' || t.names[1 + (i / 5) % 12] || ' set updated_at = now() where id = ' || i
    when 4 then 'insert into ' || t.names[1 + (i / 11) % 12] || ' (id, note) values (' || i ||
                ', ''' || left(md5(i::text), 10) || ''')'
    else 'select p.name, p.price from products p where p.category = ''cat_' || (i / 6) % 200 ||
         ''' and p.price < ' || (i % 500) || ' order by p.price'
  end
  || case when i % 100 = 42 then ' -- pangolin' else '' end
  || case when i % 1000 = 7 then ' /* axolotl migration check */' else '' end
  || case when i % 10000 = 123 then ' -- quokka report' else '' end
  || case when i = 54321 then ' -- narwhal one-off' else '' end,
  i % 250, (i % 97) + 0.5,
  case when i % 17 = 0 then 'error' else 'success' end,
  case when i % 17 = 0 then 'relation does not exist' else null end,
  now() - ($2::int - i) * interval '30 seconds'
from (select array['customers', 'orders', 'order_items', 'products', 'invoices', 'payments',
                   'shipments', 'suppliers', 'inventory', 'reviews', 'employees', 'departments']
             as names) t,
     generate_series(1, $2::int) as i
on conflict (id) do nothing`;

async function seed(count: number): Promise<SeedResult> {
  const started = performance.now();
  const handle = await openBrowserDatabase({ name: 'platform' });
  const storage = createStorage({ database: handle, importLegacyData: false });
  try {
    await storage.open();
    // A user with this much history keeps it: the default retention (500) would prune it.
    await storage.preferences.setHistoryRetention({ maxEntries: 10_000_000, maxAgeDays: null });
    const user = await storage.currentUser();
    await handle.pg.query(SEED_SQL, [user.id, count]);
    await handle.pg.exec('analyze query_logs');
    const historyCount = await storage.history.count();
    await handle.flush();
    return {
      ms: performance.now() - started,
      location: handle.location.dataDir,
      userId: user.id,
      historyCount,
    };
  } finally {
    await storage.close();
    // Ends this tab's database worker, so the studio's tab becomes the leader.
    await handle.close();
  }
}

Object.assign(window, { benchSeed: { seed } });
document.title = 'ready';
