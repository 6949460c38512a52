/**
 * `pnpm bench` (Chromium part): the same measurements as bench/node.ts in a real tab (leader
 * worker, OPFS or IndexedDB), the legacy algorithm on real localStorage, and time-to-ready
 * (first runs in fresh profiles beside bare PGlite's own first create, warm reopens beside a bare
 * PGlite.create on the same data dir). Writes
 * bench-results/storage-chromium.json at the repository root.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPage } from '@platform/testing/build-page';
import { launchChromiumProfile } from '@platform/testing/chromium';
import { serveDirectory } from '@platform/testing/static-server';
import type { Page } from 'playwright-core';
import { prebuiltDatabasePlugin } from '../src/prebuilt/vite-plugin.ts';
import { ms, type Stats } from './stats.ts';

interface BenchPage {
  open(): Promise<{ ms: number; location: { kind: string; dataDir: string } }>;
  close(): Promise<void>;
  measure(size: number): Promise<Record<string, Stats | string | null>>;
  bareOpen(dataDir: string): Promise<number>;
}
declare const bench: BenchPage;

const SIZES = [500, 10_000, 100_000];
/** Fresh profiles the first run is measured in, ours and bare PGlite's in each. */
const FIRST_RUN_PROFILES = 5;
const dist = await buildPage(fileURLToPath(new URL('./page', import.meta.url)), {
  plugins: () => [prebuiltDatabasePlugin()],
});
const server = await serveDirectory(dist);
// A real on-disk profile: an incognito context keeps OPFS in memory and is 3–4× slower per write.
const chromium = await launchChromiumProfile();
const page = await chromium.context.newPage();
page.setDefaultTimeout(600_000);
const ready = async (p: Page) => {
  await p.goto(server.url);
  await p.waitForFunction(() => document.title === 'ready');
};
const results: Record<string, unknown> = {
  runtime: await page.evaluate(() => navigator.userAgent),
  profile: 'on disk (persistent context)',
  at: new Date().toISOString(),
};
const rows: Record<string, string>[] = [];
const show = (s: Stats | string | null | undefined) =>
  s && typeof s === 'object' ? `${ms(s.median)} (p95 ${ms(s.p95)})` : (s ?? 'n/a');

try {
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
  // First runs, each in a fresh profile of its own (nothing in OPFS, no compiled wasm cached):
  // ours from the prebuilt directory, then bare PGlite's own first create() (initdb, no prebuilt
  // directory) on the same backend. One sample of each moves by ±30% on two cores.
  const firstRuns: { ours: number; bare: number }[] = [];
  let location: { kind: string; dataDir: string } | null = null;
  for (let i = 0; i < FIRST_RUN_PROFILES; i++) {
    const fresh = await launchChromiumProfile();
    try {
      const p = await fresh.context.newPage();
      p.setDefaultTimeout(600_000);
      await ready(p);
      const first = await p.evaluate(() => bench.open());
      await p.evaluate(() => bench.close());
      location = first.location;
      await ready(p);
      const bare = await p.evaluate(
        (dir) => bench.bareOpen(dir),
        first.location.dataDir.replace(/[^/]+$/, 'bare-first-create'),
      );
      firstRuns.push({ ours: first.ms, bare });
    } finally {
      await fresh.close();
    }
  }
  const firstMs = median(firstRuns.map((r) => r.ours));
  const bareFirstMs = median(firstRuns.map((r) => r.bare));
  const firstRatio = median(firstRuns.map((r) => r.ours / r.bare));

  // The database the rest measures, in this profile; then warm reopens and bare opens in turns,
  // so both see the same machine.
  await ready(page);
  const made = await page.evaluate(() => bench.open());
  await page.evaluate(() => bench.close());
  const warm: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < 5; i++) {
    await ready(page);
    warm.push((await page.evaluate(() => bench.open())).ms);
    await page.evaluate(() => bench.close());
    await ready(page);
    bare.push(await page.evaluate((dir) => bench.bareOpen(dir), made.location.dataDir));
  }
  results.ready = {
    location,
    firstRuns,
    firstRunMs: firstMs,
    barePGliteFirstCreateMs: bareFirstMs,
    firstRunRatio: firstRatio,
    warmReopenMs: median(warm),
    barePGliteMs: median(bare),
    warmRatio: median(warm) / median(bare),
  };

  await ready(page);
  await page.evaluate(() => bench.open());
  for (const size of SIZES) {
    const r = await page.evaluate((n) => bench.measure(n), size);
    results[`size_${size}`] = r;
    rows.push({
      what: 'round trip: select 1',
      size: String(size),
      ours: show(r.roundTrip),
      legacy: '',
    });
    rows.push({
      what: 'one insert statement',
      size: String(size),
      ours: show(r.insert),
      legacy: '',
    });
    rows.push({
      what: 'addToHistory',
      size: String(size),
      ours: show(r.add),
      legacy: show(r.legacyAdd ?? r.legacyNote),
    });
    rows.push({
      what: 'getHistory: the 500 newest, read again',
      size: String(size),
      ours: show(r.get),
      legacy: show(r.legacyGet ?? r.legacyNote),
    });
    rows.push({
      what: 'getHistory right after addToHistory',
      size: String(size),
      ours: show(r.getAfterWrite),
      legacy: show(r.legacyGet ?? r.legacyNote),
    });
    rows.push({
      what: 'page of 50, newest',
      size: String(size),
      ours: show(r.firstPage),
      legacy: '',
    });
    rows.push({
      what: 'page of 50, by cursor',
      size: String(size),
      ours: show(r.nextPage),
      legacy: '',
    });
    rows.push({
      what: 'filtered + searched page of 50',
      size: String(size),
      ours: show(r.page),
      legacy: '',
    });
    rows.push({
      what: 'text search, page of 50',
      size: String(size),
      ours: show(r.search),
      legacy: '',
    });
  }
  await page.evaluate(() => bench.close());
  rows.push({
    what: `ready: first run (${location?.kind ?? '?'}, prebuilt directory, target ≤ 0.3× bare; median of ${firstRuns.length} fresh profiles)`,
    size: '',
    ours: `${ms(firstMs)} (${firstRuns.map((r) => ms(r.ours)).join(', ')})`,
    legacy: `bare PGlite first create ${ms(bareFirstMs)} (${firstRuns.map((r) => ms(r.bare)).join(', ')}); ×${firstRatio.toFixed(2)} (median of the ratios)`,
  });
  rows.push({
    what: 'ready: warm reopen (target ≤ 1.0× bare)',
    size: '',
    ours: ms(median(warm)),
    legacy: `bare PGlite.create ${ms(median(bare))} (×${(median(warm) / median(bare)).toFixed(2)})`,
  });
} finally {
  await chromium.close();
  await server.close();
}

console.log(`\nplatform storage, ${String(results.runtime)} (ms; median, p95)\n`);
console.table(rows);
const out = resolve(import.meta.dirname, '../../../bench-results');
mkdirSync(out, { recursive: true });
writeFileSync(join(out, 'storage-chromium.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(`wrote ${join(out, 'storage-chromium.json')}`);
