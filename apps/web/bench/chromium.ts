/**
 * `pnpm bench` for the studio: its budgets measured on the production build served by
 * apps/server, in Debian's Chromium with on-disk profiles, as users run it.
 *
 * 1. Initial JavaScript, gzipped, without PGlite's WASM and data: the JS the page requested until
 *    the editor was ready (first visit, empty cache), and statically index.html's entry and
 *    modulepreloads. Lazily loaded JS and PGlite's binaries are reported beside it.
 * 2. Navigation to an editor that takes input, first visit (fresh profile, nothing in OPFS) and
 *    warm (the same profile later, platform database created): the app's `studio:editor-ready`
 *    mark, then a typed character seen in the editor; storage readiness for information.
 * 3. History search over 100k rows through the history panel: the panel's own
 *    `studio:history-page` measures, and keystroke-to-list for information.
 *
 * Targets are reported, not asserted. Writes bench-results/studio-chromium.json at the
 * repository root.
 */
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildServer } from '@platform/server';
import { prebuiltDatabasePlugin } from '@platform/storage/vite';
import { buildPage } from '@platform/testing/build-page';
import { launchChromiumProfile } from '@platform/testing/chromium';
import { legacyLocalStorage } from '@platform/testing/legacy-studio';
import type { BrowserContext, Page } from 'playwright-core';
import { build } from 'vite';
import {
  type FileSize,
  fileSize,
  GZIP_LEVEL,
  isJavaScript,
  isPgliteBinary,
  referencesPgliteBinary,
  staticBundle,
  sum,
} from './bundle.ts';
import type { SeedResult } from './seed-page/main.ts';
import { kb, ms, stats } from './stats.ts';

const TARGET = { initialJsGzipBytes: 300 * 1024, editorReadyMs: 1_500, historySearchMs: 100 };
const FIRST_VISITS = 3;
/** First visits that run the starter query on the demo database at once (its own fresh profile each). */
const DEMO_VISITS = 3;
/** First visits of a browser the real studio used: its localStorage, 500 history entries kept. */
const LEGACY_VISITS = 2;
const DEMO_READY_TARGET_MS = 2_000;
const LEGACY_VISIBLE_TARGET_MS = 5_000;
const WARM_STORAGE_TARGET_MS = 2_000;
const WARM_VISITS = 5;
const HISTORY_ROWS = 100_000;
/** PGlite's first open into OPFS takes 10–60 s here: wait generously, never time out a sample. */
const STORAGE_TIMEOUT = 180_000;
/** Typed into the editor to prove it takes input. */
const TYPED = 'x';
/** Where the seed page is served, on the studio's origin. */
const SEED_PATH = '/__bench-seed/';
/** The history panel's debounce (src/history/HistoryPanel.tsx), for the table only. */
const SEARCH_DEBOUNCE_MS = 250;
/** Pause between visits in one profile. */
const SETTLE_MS = 3_000;
/** First search, not counted: the first run of the search code path. */
const WARM_UP_TERM = 'employees';
/** Common words, mid-frequency words, rare words (rates in seed-page/main.ts), no match. */
const SEARCH_TERMS = [
  'select',
  'SELECT',
  'customers',
  'orders',
  'order by',
  'group by',
  'limit 50',
  'count(*)',
  'where id =',
  'products p',
  'interval',
  'region_7',
  'cat_19',
  'pangolin',
  'axolotl',
  'quokka',
  'narwhal',
  '12345',
  'xylophone',
  'zebra crossing',
  'drop table',
  'delete from',
];

const appRoot = fileURLToPath(new URL('..', import.meta.url));
const resultsDir = resolve(appRoot, '../../bench-results');

// ---------------------------------------------------------------------------------------------
// What the page records about itself (installed before any of its scripts run).

interface TypedProbe {
  before: number;
  focused: boolean;
  inDomAt: number | null;
  visibleAt: number | null;
}

interface SearchProbe {
  term: string;
  inputAt: number | null;
  visibleAt: number | null;
  measure: { startTime: number; duration: number; items: number } | null;
  error: string | null;
}

interface Probe {
  storage: 'ready' | 'error' | null;
  storageAt: number | null;
  keydownAt: number | null;
  typed: TypedProbe | null;
  search: SearchProbe | null;
}

declare global {
  interface Window {
    __bench: Probe;
    __history: HistoryProbe;
    benchSeed: { seed(count: number): Promise<SeedResult> };
  }
}

interface HistoryProbe {
  expected: number;
  /** When the panel first listed an entry, and when it had listed every one of `expected`. */
  firstAt: number | null;
  allAt: number | null;
  count: number;
}

/** esbuild (tsx) may wrap functions in `__name(...)`; the page has no such helper. */
const NAME_SHIM = 'globalThis.__name = globalThis.__name || ((f) => f);';

/**
 * Runs in every document before its scripts: notes when the storage chip settles, and at the
 * `studio:editor-ready` mark starts watching the editor for `char` to appear, so the harness has
 * only to press the key.
 */
function installProbe(char: string): void {
  const probe: Probe = {
    storage: null,
    storageAt: null,
    keydownAt: null,
    typed: null,
    search: null,
  };
  window.__bench = probe;
  const chip = new MutationObserver(() => {
    const state = document
      .querySelector('[data-testid="storage-chip"]')
      ?.getAttribute('data-state');
    if (state === 'ready' || state === 'error') {
      probe.storage = state;
      probe.storageAt = performance.now();
      chip.disconnect();
    }
  });
  chip.observe(document, {
    childList: true,
    subtree: true,
    attributes: true,
    attributeFilter: ['data-state'],
  });
  document.addEventListener(
    'keydown',
    (event) => {
      probe.keydownAt ??= event.timeStamp;
    },
    true,
  );
  const marks = new PerformanceObserver((list) => {
    if (!list.getEntriesByName('studio:editor-ready').length) return;
    marks.disconnect();
    const content = document.querySelector('.cm-content');
    if (!content) return;
    const count = () => (content.textContent ?? '').split(char).length - 1;
    const typed: TypedProbe = {
      before: count(),
      focused: content.contains(document.activeElement),
      inDomAt: null,
      visibleAt: null,
    };
    probe.typed = typed;
    const editor = new MutationObserver(() => {
      if (count() <= typed.before) return;
      editor.disconnect();
      typed.inDomAt = performance.now();
      // The frame that paints it.
      requestAnimationFrame(() => {
        typed.visibleAt = performance.now();
      });
    });
    editor.observe(content, { childList: true, subtree: true, characterData: true });
  });
  marks.observe({ type: 'mark', buffered: true });
}

/**
 * Runs in every document before its scripts: once the history panel is there, switches it to
 * "All connections" (it opens on the active connection's entries), then on every frame scrolls
 * its list to the end (so it loads the next page, as a user scrolling would) and notes when it
 * first shows an entry and when it shows `expected` of them.
 */
function installHistoryProbe(expected: number): void {
  const probe: HistoryProbe = { expected, firstAt: null, allAt: null, count: 0 };
  window.__history = probe;
  const tick = () => {
    const panel = document.querySelector('[data-testid="history-panel"]');
    const all = [...(panel?.querySelectorAll('button[aria-pressed]') ?? [])].find(
      (b) => b.textContent === 'All connections',
    );
    if (all && all.getAttribute('aria-pressed') !== 'true') (all as HTMLButtonElement).click();
    const list = panel?.querySelector('.history-list');
    if (list && all?.getAttribute('aria-pressed') === 'true') {
      probe.count = list.querySelectorAll('[data-testid="history-item"]').length;
      if (probe.count > 0) probe.firstAt ??= performance.now();
      if (probe.count >= expected) {
        probe.allAt = performance.now();
        return;
      }
      list.scrollTo(0, list.scrollHeight);
    }
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

/** Writes a real-shaped legacy localStorage once per tab, before the studio's first script runs. */
function installLegacyStorage(entries: Record<string, string>): void {
  if (sessionStorage.getItem('bench:legacy-written')) return;
  for (const [key, value] of Object.entries(entries)) localStorage.setItem(key, value);
  sessionStorage.setItem('bench:legacy-written', '1');
}

/**
 * Watches the next search for `term`: the input event that sets it (its timestamp is the
 * keystroke), the panel's measure of the list call, and the first frame after it where the panel
 * is no longer loading and shows that page.
 */
function armSearch(term: string): void {
  const input = document.querySelector<HTMLInputElement>('input[aria-label="Search history"]');
  const panel = document.querySelector('[data-testid="history-panel"]');
  const search: SearchProbe = { term, inputAt: null, visibleAt: null, measure: null, error: null };
  window.__bench.search = search;
  if (!input || !panel) {
    search.error = 'no history panel or search box';
    return;
  }
  const tick = () => {
    const inputAt = search.inputAt ?? 0;
    if (!search.measure) {
      const entry = performance
        .getEntriesByName('studio:history-page')
        .find(
          (e) =>
            e.startTime >= inputAt &&
            (e as PerformanceMeasure).detail?.search === term &&
            typeof (e as PerformanceMeasure).detail?.items === 'number',
        ) as PerformanceMeasure | undefined;
      if (entry)
        search.measure = {
          startTime: entry.startTime,
          duration: entry.duration,
          items: entry.detail.items,
        };
    }
    const loading = (panel.textContent ?? '').includes('Loading…');
    const shown = panel.querySelectorAll('[data-testid="history-item"]').length;
    if (search.measure && !loading && shown >= search.measure.items) {
      search.visibleAt = performance.now();
      return;
    }
    if (performance.now() - inputAt > 60_000) {
      search.error = search.measure ? 'list never showed the page' : 'no measure for the search';
      return;
    }
    requestAnimationFrame(tick);
  };
  const onInput = (event: Event) => {
    if (input.value !== term) return;
    input.removeEventListener('input', onInput);
    search.inputAt = event.timeStamp;
    requestAnimationFrame(tick);
  };
  input.addEventListener('input', onInput);
}

interface ResourceRecord {
  url: string;
  startTime: number;
  responseEnd: number;
  initiatorType: string;
  transferSize: number;
}

function collectVisit() {
  const mark = performance.getEntriesByName('studio:editor-ready')[0];
  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  const nav = performance.getEntriesByType('navigation')[0] as
    | PerformanceNavigationTiming
    | undefined;
  const resources: ResourceRecord[] = performance.getEntriesByType('resource').map((entry) => {
    const r = entry as PerformanceResourceTiming;
    return {
      url: r.name,
      startTime: r.startTime,
      responseEnd: r.responseEnd,
      initiatorType: r.initiatorType,
      transferSize: r.transferSize,
    };
  });
  return {
    editorReady: mark ? mark.startTime : null,
    firstContentfulPaint: fcp ? fcp.startTime : null,
    documentLoaded: nav ? nav.responseEnd : null,
    domContentLoaded: nav ? nav.domContentLoadedEventEnd : null,
    timeOrigin: performance.timeOrigin,
    probe: window.__bench,
    chipTitle:
      document.querySelector('[data-testid="storage-chip"]')?.getAttribute('title') ?? null,
    resources,
    userAgent: navigator.userAgent,
  };
}

// ---------------------------------------------------------------------------------------------
// Node side.

interface ServedRequest {
  path: string;
  /** Epoch ms when the request reached the server. */
  at: number;
}

interface Visit {
  kind: 'first' | 'warm';
  editorReadyMs: number;
  typedInDomMs: number;
  typedVisibleMs: number;
  /** From the key event reaching the page to the frame showing the character. */
  keyToVisibleMs: number;
  /** From the mark to the key event: the harness noticing the mark and pressing the key. */
  harnessDelayMs: number;
  /** The mark plus `keyToVisibleMs`: text visible had the key come at the mark. */
  typedVisibleNoHarnessMs: number;
  editorFocused: boolean;
  storageReadyMs: number;
  /** Navigation timing, for where the time before the mark goes. */
  documentLoadedMs: number | null;
  entryScriptLoadedMs: number | null;
  domContentLoadedMs: number | null;
  firstContentfulPaintMs: number | null;
  storageLocation: string | null;
  timeOrigin: number;
  userAgent: string;
  resources: ResourceRecord[];
  served: ServedRequest[];
}

const cleanups: Array<() => Promise<unknown>> = [];
async function cleanUp(): Promise<void> {
  for (let fn = cleanups.pop(); fn; fn = cleanups.pop()) {
    try {
      await fn();
    } catch (error) {
      console.error('cleanup failed:', error);
    }
  }
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: cleaning up`);
    void cleanUp().finally(() => process.exit(130));
  });
}

const sleep = (msDelay: number) => new Promise((r) => setTimeout(r, msDelay));
const pathOf = (url: string) => decodeURIComponent(new URL(url).pathname);

interface Profile {
  context: BrowserContext;
  /** Closes the browser and removes the profile; once, whoever calls first. */
  close(): Promise<void>;
}

async function openProfile(): Promise<Profile> {
  const profile = await launchChromiumProfile();
  let closing: Promise<void> | null = null;
  const close = () => {
    closing ??= profile.close();
    return closing;
  };
  cleanups.push(close);
  profile.context.setDefaultTimeout(STORAGE_TIMEOUT);
  await profile.context.addInitScript({ content: NAME_SHIM });
  await profile.context.addInitScript(installProbe, TYPED);
  // Close the blank page a persistent context starts with: each visit opens its own tab.
  await Promise.all(profile.context.pages().map((p) => p.close()));
  return { context: profile.context, close };
}

/** Navigates to `url` and presses `key` in the editor the moment the probe sees it ready. */
async function pressAtEditorReady(page: Page, url: string, key: string): Promise<void> {
  await page.goto(url, { waitUntil: 'commit' });
  // The probe starts watching the editor at the mark.
  const armed = await page.waitForFunction(
    () => (window.__bench.typed ? { focused: window.__bench.typed.focused } : null),
    undefined,
    { polling: 'raf', timeout: 60_000 },
  );
  if (!(await armed.jsonValue())?.focused) await page.locator('.cm-content').focus();
  await page.keyboard.press(key);
}

async function visit(
  context: BrowserContext,
  url: string,
  kind: Visit['kind'],
  served: ServedRequest[],
  entryScript: string,
  keepOpen = false,
): Promise<{ visit: Visit; page: Page }> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  const from = Date.now();
  try {
    await pressAtEditorReady(page, url, TYPED);
    await page.waitForFunction(() => window.__bench.typed?.visibleAt != null, undefined, {
      timeout: 15_000,
    });
    await page.waitForFunction(() => window.__bench.storage !== null, undefined, {
      polling: 250,
      timeout: STORAGE_TIMEOUT,
    });
    const r = await page.evaluate(collectVisit);
    if (r.probe.storage !== 'ready')
      throw new Error(`platform storage did not open: ${r.chipTitle ?? 'no reason shown'}`);
    if (errors.length > 0) throw new Error(`page errors: ${errors.join('; ')}`);
    const typed = r.probe.typed;
    if (
      r.editorReady === null ||
      !typed ||
      typed.inDomAt === null ||
      typed.visibleAt === null ||
      r.probe.keydownAt === null ||
      r.probe.storageAt === null
    )
      throw new Error(`incomplete measurements: ${JSON.stringify(r.probe)}`);
    const to = Date.now();
    const result: Visit = {
      kind,
      editorReadyMs: r.editorReady,
      typedInDomMs: typed.inDomAt,
      typedVisibleMs: typed.visibleAt,
      keyToVisibleMs: typed.visibleAt - r.probe.keydownAt,
      harnessDelayMs: r.probe.keydownAt - r.editorReady,
      typedVisibleNoHarnessMs: r.editorReady + (typed.visibleAt - r.probe.keydownAt),
      editorFocused: typed.focused,
      storageReadyMs: r.probe.storageAt,
      documentLoadedMs: r.documentLoaded,
      entryScriptLoadedMs:
        r.resources.find((x) => x.url.startsWith(url) && pathOf(x.url) === entryScript)
          ?.responseEnd ?? null,
      domContentLoadedMs: r.domContentLoaded,
      firstContentfulPaintMs: r.firstContentfulPaint,
      storageLocation: r.chipTitle,
      timeOrigin: r.timeOrigin,
      userAgent: r.userAgent,
      resources: r.resources,
      served: served.filter((s) => s.at >= from && s.at <= to),
    };
    if (!keepOpen) await page.close();
    return { visit: result, page };
  } catch (error) {
    await page.close().catch(() => undefined);
    throw error;
  }
}

interface DemoVisit {
  /** The demo worker's start, from navigation. */
  demoStartMs: number;
  /** The worker's start to a seeded database taking queries (`studio:demo-ready`). */
  demoReadyMs: number;
  /** Navigation to the demo ready. */
  demoReadyFromNavigationMs: number;
  storageReadyMs: number;
}

/**
 * A first visit where the starter query (on the demo connection) is run the moment the editor
 * takes input: the demo database starts beside the platform database's first open.
 */
async function demoVisit(context: BrowserContext, url: string): Promise<DemoVisit> {
  const page = await context.newPage();
  try {
    await pressAtEditorReady(page, url, 'Control+Enter');
    const measure = await page.waitForFunction(
      () => {
        const entry = performance.getEntriesByName('studio:demo-ready')[0];
        return entry ? { startTime: entry.startTime, duration: entry.duration } : null;
      },
      undefined,
      { polling: 100, timeout: STORAGE_TIMEOUT },
    );
    const demo = (await measure.jsonValue()) as { startTime: number; duration: number };
    await page.waitForFunction(() => window.__bench.storage !== null, undefined, {
      polling: 250,
      timeout: STORAGE_TIMEOUT,
    });
    const probe = await page.evaluate(() => window.__bench);
    if (probe.storage !== 'ready' || probe.storageAt === null)
      throw new Error('platform storage did not open beside the demo database');
    return {
      demoStartMs: demo.startTime,
      demoReadyMs: demo.duration,
      demoReadyFromNavigationMs: demo.startTime + demo.duration,
      storageReadyMs: probe.storageAt,
    };
  } finally {
    await page.close().catch(() => undefined);
  }
}

interface LegacyVisit {
  entries: number;
  /** Navigation to the history panel listing its first imported entry. */
  firstEntryMs: number;
  /** Navigation to the panel having listed every entry, scrolled through on every frame. */
  allEntriesMs: number;
  storageReadyMs: number | null;
}

/** A first visit of a browser the real studio used (see `installLegacyStorage`). */
async function legacyVisit(context: BrowserContext, url: string): Promise<LegacyVisit> {
  const page = await context.newPage();
  try {
    await page.goto(url, { waitUntil: 'commit' });
    await page.waitForFunction(() => window.__history?.allAt != null, undefined, {
      polling: 250,
      timeout: STORAGE_TIMEOUT,
    });
    const { history, bench } = await page.evaluate(() => ({
      history: window.__history,
      bench: window.__bench,
    }));
    if (history.firstAt === null || history.allAt === null)
      throw new Error(`history probe incomplete: ${JSON.stringify(history)}`);
    return {
      entries: history.count,
      firstEntryMs: history.firstAt,
      allEntriesMs: history.allAt,
      storageReadyMs: bench.storageAt,
    };
  } finally {
    await page.close().catch(() => undefined);
  }
}

interface InitialLoad {
  /** JS requested before the editor-ready mark, by the page (Resource Timing) or seen by the server. */
  initialJs: { bytes: number; gzipBytes: number; files: (FileSize & { seenBy: string })[] };
  lazyJs: { bytes: number; gzipBytes: number; files: (FileSize & { requests: number })[] };
  pgliteBinaries: { bytes: number; gzipBytes: number; files: (FileSize & { requests: number })[] };
  binariesBeforeReady: string[];
  initialChunksWithPglite: string[];
  pgliteLazy: boolean;
  transferredBeforeReadyBytes: number;
}

async function initialLoad(webRoot: string, v: Visit, origin: string): Promise<InitialLoad> {
  const readyEpoch = v.timeOrigin + v.editorReadyMs;
  const byPage = v.resources
    .filter((r) => r.url.startsWith(origin) && r.startTime <= v.editorReadyMs)
    .map((r) => pathOf(r.url));
  const byServer = v.served.filter((s) => s.at <= readyEpoch).map((s) => s.path);
  const before = new Set([...byPage, ...byServer]);
  const initialPaths = [...before].filter(isJavaScript).sort();
  const initialFiles = await Promise.all(
    initialPaths.map(async (p) => ({
      ...(await fileSize(webRoot, p)),
      seenBy: [byPage.includes(p) ? 'page' : '', byServer.includes(p) ? 'server' : '']
        .filter(Boolean)
        .join('+'),
    })),
  );
  const all = new Set([...v.resources.map((r) => pathOf(r.url)), ...v.served.map((s) => s.path)]);
  // How often the server was asked for it: both PGlite workers fetch the same binaries.
  const withRequests = async (p: string) => ({
    ...(await fileSize(webRoot, p)),
    requests: v.served.filter((s) => s.path === p).length,
  });
  const lazyFiles = await Promise.all(
    [...all]
      .filter((p) => isJavaScript(p) && !before.has(p))
      .sort()
      .map(withRequests),
  );
  const binaries = await Promise.all([...all].filter(isPgliteBinary).sort().map(withRequests));
  const binariesBeforeReady = [...before].filter(isPgliteBinary);
  const initialChunksWithPglite: string[] = [];
  for (const p of initialPaths)
    if (await referencesPgliteBinary(webRoot, p)) initialChunksWithPglite.push(p);
  return {
    initialJs: {
      bytes: sum(initialFiles, 'bytes'),
      gzipBytes: sum(initialFiles, 'gzipBytes'),
      files: initialFiles,
    },
    lazyJs: {
      bytes: sum(lazyFiles, 'bytes'),
      gzipBytes: sum(lazyFiles, 'gzipBytes'),
      files: lazyFiles,
    },
    pgliteBinaries: {
      bytes: sum(binaries, 'bytes'),
      gzipBytes: sum(binaries, 'gzipBytes'),
      files: binaries,
    },
    binariesBeforeReady,
    initialChunksWithPglite,
    pgliteLazy: binariesBeforeReady.length === 0 && initialChunksWithPglite.length === 0,
    transferredBeforeReadyBytes: v.resources
      .filter((r) => r.startTime <= v.editorReadyMs)
      .reduce((total, r) => total + r.transferSize, 0),
  };
}

interface SearchSample {
  term: string;
  items: number;
  listMs: number;
  /** Input event to the list call starting: the debounce, then React. */
  inputToCallMs: number;
  /** End of the list call to the frame showing the page. */
  callToVisibleMs: number;
  endToEndMs: number;
}

async function search(page: Page, term: string): Promise<SearchSample> {
  await page.evaluate(armSearch, term);
  const box = page.locator('input[aria-label="Search history"]');
  await box.selectText();
  // One input event carrying the whole term, as a paste: a single debounced search.
  await page.keyboard.insertText(term);
  await page.waitForFunction(
    () => {
      const s = window.__bench.search;
      return s !== null && (s.visibleAt !== null || s.error !== null);
    },
    undefined,
    { timeout: 90_000 },
  );
  const s = await page.evaluate(() => window.__bench.search);
  if (!s || s.error || !s.measure || s.inputAt === null || s.visibleAt === null)
    throw new Error(`search "${term}": ${s?.error ?? 'no result'}`);
  return {
    term,
    items: s.measure.items,
    listMs: s.measure.duration,
    inputToCallMs: s.measure.startTime - s.inputAt,
    callToVisibleMs: s.visibleAt - (s.measure.startTime + s.measure.duration),
    endToEndMs: s.visibleAt - s.inputAt,
  };
}

/** Adds the seed page's build to the web root: its assets beside the app's, its page in SEED_PATH. */
async function installSeedPage(seedDist: string, webRoot: string): Promise<void> {
  for (const name of await readdir(join(seedDist, 'assets'))) {
    // Content-hashed names: a name already there is the same file.
    await cp(join(seedDist, 'assets', name), join(webRoot, 'assets', name), {
      force: false,
      errorOnExist: false,
    });
  }
  await mkdir(join(webRoot, SEED_PATH), { recursive: true });
  await cp(join(seedDist, 'index.html'), join(webRoot, SEED_PATH, 'index.html'));
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const webRoot = await mkdtemp(join(tmpdir(), 'studio-bench-'));
  cleanups.push(() => rm(webRoot, { recursive: true, force: true }));

  console.log('building apps/web (vite build, production) …');
  await build({
    root: appRoot,
    configFile: join(appRoot, 'vite.config.ts'),
    // The config imports the storage package's plugin, TypeScript source: run, not bundled.
    configLoader: 'runner',
    logLevel: 'silent',
    build: { outDir: webRoot, emptyOutDir: true },
  });
  // Before the seed page's files join it.
  const bundle = await staticBundle(webRoot);
  const entryScript = bundle.entry[0]?.path ?? '';

  console.log('building the seed page …');
  const seedDist = await buildPage(join(appRoot, 'bench/seed-page'), {
    plugins: () => [prebuiltDatabasePlugin()],
  });
  cleanups.push(() => rm(seedDist, { recursive: true, force: true }));
  await installSeedPage(seedDist, webRoot);

  const served: ServedRequest[] = [];
  const app = await buildServer({ port: 0, webRoot });
  app.addHook('onRequest', async (request) => {
    served.push({
      path: decodeURIComponent(request.url.split('?')[0] ?? request.url),
      at: Date.now(),
    });
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  cleanups.push(() => app.close());
  const { port } = app.server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  console.log(`serving the build with apps/server at ${url}`);

  const firstVisits: Visit[] = [];
  const warmVisits: Visit[] = [];

  // Profile A: first visit, warm visits, then 100k history rows and the searches.
  console.log(`first visit 1/${FIRST_VISITS} (fresh profile; PGlite's first open takes a while) …`);
  const profileA = await openProfile();
  const contextA = profileA.context;
  firstVisits.push((await visit(contextA, url, 'first', served, entryScript)).visit);
  for (let i = 0; i < WARM_VISITS; i++) {
    // Let the closed tab's workers wind down: on two cores they would slow the next visit.
    await sleep(SETTLE_MS);
    console.log(`warm visit ${i + 1}/${WARM_VISITS} …`);
    warmVisits.push((await visit(contextA, url, 'warm', served, entryScript)).visit);
  }

  // `STUDIO_BENCH_SEARCH=0` leaves out part 3 (seeding 100k rows takes about five minutes).
  const searchPart = process.env.STUDIO_BENCH_SEARCH !== '0';
  let seeded: SeedResult | null = null;
  let firstPageMs: number | null = null;
  let warmUp: SearchSample | null = null;
  const samples: SearchSample[] = [];
  if (searchPart) {
    console.log(
      `seeding ${HISTORY_ROWS.toLocaleString('en')} history rows on the studio's origin …`,
    );
    const seedPage = await contextA.newPage();
    await seedPage.goto(`${url}${SEED_PATH}`);
    await seedPage.waitForFunction(() => document.title === 'ready');
    seeded = await seedPage.evaluate((n) => window.benchSeed.seed(n), HISTORY_ROWS);
    await seedPage.close();
    if (seeded.historyCount < HISTORY_ROWS)
      throw new Error(`seeded ${seeded.historyCount} history rows, expected ${HISTORY_ROWS}`);
    console.log(`  ${seeded.historyCount} rows in ${ms(seeded.ms)} (${seeded.location})`);
    await sleep(SETTLE_MS);

    console.log('searching history in the studio …');
    const { page } = await visit(contextA, url, 'warm', served, entryScript, true);
    await page.waitForFunction(
      () =>
        performance
          .getEntriesByName('studio:history-page')
          .some((e) => (e as PerformanceMeasure).detail?.search === null),
      undefined,
      { timeout: 60_000 },
    );
    firstPageMs = await page.evaluate(
      () =>
        performance
          .getEntriesByName('studio:history-page')
          .find((e) => (e as PerformanceMeasure).detail?.search === null)?.duration ?? null,
    );
    warmUp = await search(page, WARM_UP_TERM);
    for (const term of SEARCH_TERMS) samples.push(await search(page, term));
    await page.close();
  }

  for (let i = 1; i < FIRST_VISITS; i++) {
    console.log(`first visit ${i + 1}/${FIRST_VISITS} (fresh profile) …`);
    const profile = await openProfile();
    firstVisits.push((await visit(profile.context, url, 'first', served, entryScript)).visit);
    await profile.close();
  }
  await profileA.close();

  const demoVisits: DemoVisit[] = [];
  for (let i = 0; i < DEMO_VISITS; i++) {
    console.log(`first visit running the demo query at once ${i + 1}/${DEMO_VISITS} …`);
    const profile = await openProfile();
    demoVisits.push(await demoVisit(profile.context, url));
    await profile.close();
  }
  const legacyVisits: LegacyVisit[] = [];
  let legacyHistoryCount = 0;
  for (let i = 0; i < LEGACY_VISITS; i++) {
    console.log(`first visit of a browser the real studio used ${i + 1}/${LEGACY_VISITS} …`);
    const made = legacyLocalStorage({ generation: 'libredb', seed: `bench-${i}` });
    legacyHistoryCount = made.counts.history;
    const profile = await openProfile();
    await profile.context.addInitScript(installLegacyStorage, made.entries);
    await profile.context.addInitScript(installHistoryProbe, made.counts.history);
    legacyVisits.push(await legacyVisit(profile.context, url));
    await profile.close();
  }

  const [first] = firstVisits;
  if (!first) throw new Error('no first visit');
  const load = await initialLoad(webRoot, first, url);
  // The page's own list of JS requested before the mark, to check every first visit agrees.
  const jsBeforeReady = (v: Visit) =>
    v.resources
      .filter((r) => r.startTime <= v.editorReadyMs && isJavaScript(pathOf(r.url)))
      .map((r) => pathOf(r.url))
      .sort()
      .join(' ');
  const sameInitialSet = firstVisits.every((v) => jsBeforeReady(v) === jsBeforeReady(first));

  const pick = (vs: Visit[], key: keyof Visit) =>
    stats(vs.map((v) => v[key]).filter((x): x is number => typeof x === 'number'));
  const timing = (vs: Visit[]) => ({
    editorReadyMs: pick(vs, 'editorReadyMs'),
    typedVisibleMs: pick(vs, 'typedVisibleMs'),
    typedVisibleNoHarnessMs: pick(vs, 'typedVisibleNoHarnessMs'),
    keyToVisibleMs: pick(vs, 'keyToVisibleMs'),
    harnessDelayMs: pick(vs, 'harnessDelayMs'),
    firstContentfulPaintMs: pick(vs, 'firstContentfulPaintMs'),
    storageReadyMs: pick(vs, 'storageReadyMs'),
    samples: vs.map(
      ({ resources: _r, served: _s, timeOrigin: _t, userAgent: _u, ...rest }) => rest,
    ),
  });
  const demoReady = stats(demoVisits.map((v) => v.demoReadyMs));
  const demoFromNavigation = stats(demoVisits.map((v) => v.demoReadyFromNavigationMs));
  const storageBesideDemo = stats(demoVisits.map((v) => v.storageReadyMs));
  const legacyAll = stats(legacyVisits.map((v) => v.allEntriesMs));
  const legacyFirst = stats(legacyVisits.map((v) => v.firstEntryMs));
  const firstTiming = timing(firstVisits);
  const warmTiming = timing(warmVisits);
  const listStats = stats(samples.map((s) => s.listMs));
  const endToEnd = stats(samples.map((s) => s.endToEndMs));

  const met = (ok: boolean) => (ok ? 'met' : 'NOT MET');
  const typedText = (t: ReturnType<typeof timing>) =>
    `${ms(t.typedVisibleMs.median)} (${ms(t.typedVisibleNoHarnessMs.median)} without harness delay)`;
  const rows = [
    {
      budget: '1. initial JS, gzip -9 (page load, until editor ready)',
      target: `< ${kb(TARGET.initialJsGzipBytes)}`,
      measured: `${kb(load.initialJs.gzipBytes)} in ${load.initialJs.files.length} files`,
      result: met(load.initialJs.gzipBytes < TARGET.initialJsGzipBytes),
    },
    {
      budget: '1. initial JS, gzip -9 (index.html entry + modulepreload)',
      target: `< ${kb(TARGET.initialJsGzipBytes)}`,
      measured: `${kb(bundle.initialJs.gzipBytes)} in ${bundle.initialJs.files.length} files`,
      result: met(bundle.initialJs.gzipBytes < TARGET.initialJsGzipBytes),
    },
    {
      budget: '1. PGlite loaded lazily',
      target: 'no PGlite before editor ready',
      measured: load.pgliteLazy
        ? 'none before ready'
        : `${[...load.binariesBeforeReady, ...load.initialChunksWithPglite].join(', ')}`,
      result: met(load.pgliteLazy),
    },
    {
      budget: '   lazy JS (storage, PGlite client, workers), info',
      target: '',
      measured: `${kb(load.lazyJs.gzipBytes)} gzip (${kb(load.lazyJs.bytes)} raw)`,
      result: '',
    },
    {
      budget: '   PGlite WASM + data, info',
      target: '',
      measured: `${kb(load.pgliteBinaries.gzipBytes)} gzip (${kb(load.pgliteBinaries.bytes)} raw)`,
      result: '',
    },
    {
      budget: `2. editor ready, first visit (median of ${firstVisits.length})`,
      target: `< ${ms(TARGET.editorReadyMs)}`,
      measured: ms(firstTiming.editorReadyMs.median),
      result: met(firstTiming.editorReadyMs.median < TARGET.editorReadyMs),
    },
    {
      budget: '   typed character visible, first visit, info',
      target: '',
      measured: typedText(firstTiming),
      result: '',
    },
    {
      budget: '   storage chip ready, first visit, info',
      target: '',
      measured: ms(firstTiming.storageReadyMs.median),
      result: '',
    },
    {
      budget: `2. editor ready, warm (median of ${warmVisits.length})`,
      target: `< ${ms(TARGET.editorReadyMs)}`,
      measured: ms(warmTiming.editorReadyMs.median),
      result: met(warmTiming.editorReadyMs.median < TARGET.editorReadyMs),
    },
    {
      budget: '   typed character visible, warm, info',
      target: '',
      measured: typedText(warmTiming),
      result: '',
    },
    {
      budget: '4. storage chip ready, warm',
      target: `≤ ${ms(WARM_STORAGE_TARGET_MS)}`,
      measured: ms(warmTiming.storageReadyMs.median),
      result: met(warmTiming.storageReadyMs.median <= WARM_STORAGE_TARGET_MS),
    },
    {
      budget: `4. demo database ready (seeded), first visit, run at editor ready (median of ${demoVisits.length})`,
      target: `≤ ${ms(DEMO_READY_TARGET_MS)}`,
      measured: `${ms(demoReady.median)} from its start (${ms(demoFromNavigation.median)} from navigation)`,
      result: met(demoReady.median <= DEMO_READY_TARGET_MS),
    },
    {
      budget: '   storage chip ready, first visit, the demo starting beside it, info',
      target: 'no slower than without',
      measured: `${ms(storageBesideDemo.median)} (without: ${ms(firstTiming.storageReadyMs.median)})`,
      result: '',
    },
    {
      budget: `4. every one of ${legacyHistoryCount} legacy history entries listed, first visit (median of ${legacyVisits.length})`,
      target: `≤ ${ms(LEGACY_VISIBLE_TARGET_MS)}`,
      measured: `${ms(legacyAll.median)} (first entry ${ms(legacyFirst.median)})`,
      result: met(legacyAll.median <= LEGACY_VISIBLE_TARGET_MS),
    },
    ...(searchPart
      ? [
          {
            budget: `3. history search, ${HISTORY_ROWS / 1000}k rows (median of ${samples.length})`,
            target: `< ${ms(TARGET.historySearchMs)}`,
            measured: `${ms(listStats.median)} (p95 ${ms(listStats.p95)})`,
            result: met(listStats.median < TARGET.historySearchMs),
          },
          {
            budget: '   keystroke to list shown, info',
            target: '',
            measured: `${ms(endToEnd.median)} (p95 ${ms(endToEnd.p95)}), of it ${SEARCH_DEBOUNCE_MS} ms debounce`,
            result: '',
          },
        ]
      : []),
  ];

  const runtime = first.userAgent;
  const machine = {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    platform: `${process.platform} ${process.arch}`,
    node: process.version,
  };
  const results = {
    at: startedAt.toISOString(),
    runtime,
    machine,
    served: 'vite build of apps/web, served by apps/server (buildServer) on 127.0.0.1',
    profile: 'on disk (persistent context), a fresh one per first visit',
    targets: TARGET,
    initialJs: {
      gzipLevel: GZIP_LEVEL,
      note: 'each file gzipped on its own with node:zlib; apps/server sends them uncompressed',
      pageLoad: load,
      sameCountOnEveryFirstVisit: sameInitialSet,
      static: bundle,
    },
    editorReady: {
      method:
        "performance.getEntriesByName('studio:editor-ready')[0].startTime; then a key press, and the frame after the character reached .cm-content",
      firstVisit: firstTiming,
      warm: warmTiming,
    },
    demoDatabase: {
      method:
        "Control+Enter at the studio:editor-ready mark runs the starter query on the demo connection; performance.measure('studio:demo-ready') runs from the worker's start to its ready message",
      readyMs: demoReady,
      fromNavigationMs: demoFromNavigation,
      storageReadyBesideMs: storageBesideDemo,
      samples: demoVisits,
    },
    legacyFirstVisit: {
      method:
        'a real-shaped libredb localStorage (@platform/testing/legacy-studio) written before the first script; the history list scrolled to its end on every frame until it lists every entry',
      entries: legacyHistoryCount,
      allEntriesMs: legacyAll,
      firstEntryMs: legacyFirst,
      samples: legacyVisits,
    },
    historySearch: {
      rows: HISTORY_ROWS,
      seed: seeded,
      method:
        "the panel's performance.measure('studio:history-page') whose detail.search is the term typed into its search box",
      firstPageNoSearchMs: firstPageMs,
      warmUp,
      listMs: listStats,
      endToEndMs: endToEnd,
      debounceMs: SEARCH_DEBOUNCE_MS,
      samples,
    },
    summary: rows,
  };

  console.log(`\nstudio budgets, ${runtime}`);
  console.log(`${machine.cpus} × ${machine.cpuModel}, ${startedAt.toISOString()}\n`);
  console.table(rows);
  console.log('\ninitial JS (first visit, requested before the editor was ready):');
  console.table(
    load.initialJs.files.map((f) => ({
      file: f.path,
      raw: kb(f.bytes),
      gzip: kb(f.gzipBytes),
      seenBy: f.seenBy,
    })),
  );
  console.log('lazily loaded JS and PGlite binaries (first visit, after the editor was ready):');
  console.table(
    [...load.lazyJs.files, ...load.pgliteBinaries.files].map((f) => ({
      file: f.path,
      raw: kb(f.bytes),
      gzip: kb(f.gzipBytes),
      requests: f.requests,
    })),
  );
  console.log('visits (ms from navigation start):');
  console.table(
    [...firstVisits, ...warmVisits].map((v) => ({
      visit: v.kind,
      editorReady: Math.round(v.editorReadyMs),
      fcp: Math.round(v.firstContentfulPaintMs ?? Number.NaN),
      typedVisible: Math.round(v.typedVisibleMs),
      keyToVisible: Math.round(v.keyToVisibleMs),
      storageReady: Math.round(v.storageReadyMs),
    })),
  );
  console.log(`history searches (${HISTORY_ROWS.toLocaleString('en')} rows):`);
  console.table(
    samples.map((s) => ({
      term: s.term,
      items: s.items,
      list: Math.round(s.listMs * 10) / 10,
      keystrokeToShown: Math.round(s.endToEndMs),
    })),
  );

  await mkdir(resultsDir, { recursive: true });
  const out = join(resultsDir, 'studio-chromium.json');
  await writeFile(out, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`wrote ${out}`);
}

try {
  await main();
} catch (error) {
  console.error(error);
  process.exitCode = 1;
} finally {
  await cleanUp();
}
