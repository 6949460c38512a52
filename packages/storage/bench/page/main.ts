// Benchmark page: platform storage in a real tab (leader worker, OPFS or IndexedDB) beside the
// legacy algorithm on this tab's real localStorage.
import { openBrowserDatabase } from '../../src/client/open-browser.ts';
import type { DatabaseHandle } from '../../src/client/types.ts';
import { createStorage, type PlatformStorage } from '../../src/storage.ts';
import { legacyAddToHistory, legacyGetHistory, legacySeed, sampleItem } from '../legacy-store.ts';
import { seedHistory } from '../seed.ts';
import { type Stats, sample } from '../stats.ts';

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

function bareOpen(dataDir: string): Promise<number> {
  const worker = new Worker(new URL('./bare.worker.ts', import.meta.url), { type: 'module' });
  return new Promise((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<{ ms: number }>) => {
      worker.terminate();
      resolve(event.data.ms);
    };
    worker.onerror = (event) => reject(new Error(event.message));
    worker.postMessage({ dataDir });
  });
}

async function measure(size: number) {
  if (!storage || !handle) throw new Error('open first');
  await handle.pg.exec('truncate query_logs');
  await storage.preferences.setHistoryRetention({ maxEntries: 10_000_000, maxAgeDays: null });
  await seedHistory(handle.pg, (await storage.currentUser()).id, size);
  const s = storage;
  // Warm up first: the JIT, PGlite's caches and the worker channel, so no size pays for them.
  for (let i = 0; i < 30; i++) {
    await s.addToHistory({ ...sampleItem(i), id: `warm${counter++}` });
    await s.history.list({ limit: 50 });
  }
  const add = await sample(100, () =>
    s.addToHistory({ ...sampleItem(size + counter), id: `b${counter++}` }),
  );
  const get = await sample(10, () => s.history.recent(500));
  const firstPage = await sample(30, () => s.history.list({ limit: 50 }));
  const { nextCursor } = await s.history.list({ limit: 50 });
  const nextPage = await sample(30, () => s.history.list({ limit: 50, cursor: nextCursor }));
  const page = await sample(30, () =>
    s.history.list({ status: 'success', connectionId: 'conn-1', search: 'table_12', limit: 50 }),
  );
  const search = await sample(30, (i) => s.history.list({ search: `needle-${i % 7}`, limit: 50 }));

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
  return { add, get, firstPage, nextPage, page, search, legacyAdd, legacyGet, legacyNote };
}

Object.assign(window, { bench: { open, close, measure, bareOpen } });
document.title = 'ready';
