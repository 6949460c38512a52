// Benchmark page: platform storage in a real tab (leader worker, OPFS or IndexedDB) beside the
// legacy algorithm on this tab's real localStorage.
import { openBrowserDatabase } from '../../src/client/open-browser.ts';
import type { DatabaseHandle } from '../../src/client/types.ts';
import { createStorage, type PlatformStorage } from '../../src/storage.ts';
import { legacyAddToHistory, legacyGetHistory, legacySeed, sampleItem } from '../legacy-store.ts';
import { seedHistory } from '../seed.ts';
import { type Stats, sample, stats } from '../stats.ts';

let handle: DatabaseHandle | null = null;
let storage: PlatformStorage | null = null;
let counter = 0;

async function open(): Promise<{ ms: number; location: DatabaseHandle['location'] }> {
  const start = performance.now();
  handle = await openBrowserDatabase();
  const ms = performance.now() - start;
  storage = createStorage({ database: handle, importLegacyData: false });
  await storage.open();
  return { ms, location: handle.location };
}

async function close(): Promise<void> {
  await storage?.close();
  await handle?.close();
  storage = null;
  handle = null;
}

/**
 * A bare PGlite.create on the same data dir in a fresh worker (OPFS access handles exist only in
 * workers), timed from the page like `open()`: worker start-up included on both sides.
 */
function bareOpen(dataDir: string): Promise<number> {
  const start = performance.now();
  const worker = new Worker(new URL('./bare.worker.ts', import.meta.url), { type: 'module' });
  return new Promise((resolve, reject) => {
    let ms = Number.NaN;
    worker.onmessage = (event: MessageEvent<{ ready?: true; closed?: true }>) => {
      if (event.data.ready) ms = performance.now() - start;
      if (event.data.closed) {
        worker.terminate();
        resolve(ms);
      }
    };
    worker.onerror = (event) => reject(new Error(event.message));
    worker.postMessage({ dataDir });
  });
}

async function measure(size: number) {
  if (!storage || !handle) throw new Error('open first');
  await handle.pg.exec('truncate query_logs');
  await storage.preferences.setHistoryRetention({ maxEntries: 10_000_000, maxAgeDays: null });
  const userId = (await storage.currentUser()).id;
  await seedHistory(handle.pg, userId, size);
  // Let the seed's writes reach the disk before timing anything.
  await handle.flush();
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const s = storage;
  const h = handle;
  // Warm up first: the JIT, PGlite's caches and the worker channel, so no size pays for them.
  for (let i = 0; i < 100; i++) {
    await s.addToHistory({ ...sampleItem(i), id: `warm${counter++}` });
    await s.history.list({ limit: 50 });
  }
  // What every statement pays for the trip to the worker and back, and one bare insert.
  const roundTrip = await sample(100, () => h.pg.query('select 1'));
  const insert = await sample(100, () =>
    h.pg.query(
      `insert into query_logs (id, user_id, query, status) values ($1, $2, 'q', 'success')`,
      [`raw${counter++}`, userId],
    ),
  );

  const add = await sample(100, () =>
    s.addToHistory({ ...sampleItem(size + counter), id: `b${counter++}` }),
  );
  // Read again with nothing written in between (the history panel mounting again): answered from
  // the last answer.
  const get = await sample(10, () => s.history.recent(500));
  // Read right after a write: the query runs and its rows come out of PGlite.
  const afterWrite: number[] = [];
  for (let i = 0; i < 10; i++) {
    await s.addToHistory({ ...sampleItem(size + counter), id: `w${counter++}` });
    const start = performance.now();
    await s.history.recent(500);
    afterWrite.push(performance.now() - start);
  }
  const getAfterWrite = stats(afterWrite);
  const firstPage = await sample(30, () => s.history.list({ limit: 50 }));
  const { nextCursor } = await s.history.list({ limit: 50 });
  const nextPage = await sample(30, () => s.history.list({ limit: 50, cursor: nextCursor }));
  const page = await sample(30, () =>
    s.history.list({ status: 'success', connectionId: 'conn-1', search: 'table_12', limit: 50 }),
  );
  const search = await sample(30, (i) => s.history.list({ search: `needle-${i % 7}`, limit: 50 }));

  // The legacy store on this tab's real localStorage, after ours rather than in turns with it:
  // its multi-megabyte strings leave garbage and a localStorage commit behind that would land in
  // our timings.
  let legacyAdd: Stats | null = null;
  let legacyGet: Stats | null = null;
  let legacyNote: string | null = null;
  try {
    localStorage.clear();
    legacySeed(localStorage, size);
    legacyAdd = await sample(100, (i) => legacyAddToHistory(localStorage, sampleItem(i), size));
    legacyGet = await sample(10, () => legacyGetHistory(localStorage));
  } catch (error) {
    legacyNote = `legacy store cannot hold ${size} rows: ${(error as Error).name}`;
  } finally {
    localStorage.clear();
  }
  return {
    roundTrip,
    insert,
    add,
    get,
    getAfterWrite,
    firstPage,
    nextPage,
    page,
    search,
    legacyAdd,
    legacyGet,
    legacyNote,
  };
}

Object.assign(window, { bench: { open, close, measure, bareOpen } });
document.title = 'ready';
