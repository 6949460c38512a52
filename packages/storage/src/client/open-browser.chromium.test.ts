import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { browserMigrations } from '@platform/schema/browser-migrations';
import { buildPage } from '@platform/testing/build-page';
import { CHROMIUM_FLAGS, CHROMIUM_PATH, launchChromium } from '@platform/testing/chromium';
import { type CpuHog, startCpuHog } from '@platform/testing/cpu-hog';
import { type StaticServer, serveDirectory } from '@platform/testing/static-server';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prebuiltDatabase } from '../prebuilt/cache.ts';
import { prebuiltDatabasePlugin } from '../prebuilt/vite-plugin.ts';
import { PLATFORM_SHARED_BUFFERS } from '../start-params.ts';
import type { StoragePreference } from './open-browser.ts';
import { newDatabasePoolSize } from './opfs-pool.ts';
import type { StorageEstimate, StorageLocation } from './types.ts';

interface ClientPage {
  open(
    name: string,
    storage?: StoragePreference,
  ): Promise<{ location: StorageLocation; isLeader: boolean; ms: number }>;
  openFailure(
    name: string,
    storage?: StoragePreference,
  ): Promise<{ name: string; code: string; reason: string; message: string } | null>;
  isLeader(): boolean;
  addUser(id: string): Promise<void>;
  addLogs(userId: string, prefix: string, count: number): Promise<string[]>;
  addLog(userId: string, id: string): Promise<number>;
  transact(userId: string, ids: string[], fail: boolean): Promise<string>;
  hangInTransaction(userId: string, id: string): Promise<void>;
  logIds(userId: string): Promise<string[]>;
  sql(text: string): Promise<unknown[]>;
  flush(): Promise<number>;
  close(): Promise<void>;
  opfsEntries(path: string): Promise<number>;
  estimate(): Promise<StorageEstimate>;
  persist(): Promise<boolean>;
}
declare const clientPage: ClientPage;

const SLOW = { timeout: 180_000 };
/** The prebuilt data directory the worker fetches on a first visit (a hashed asset). */
const PREBUILT_ASSET = /platform-database[^/]*\.tgz$/;

let server: StaticServer;
let browser: Browser;

beforeAll(async () => {
  const dist = await buildPage(fileURLToPath(new URL('../test-pages/client', import.meta.url)), {
    plugins: () => [prebuiltDatabasePlugin()],
  });
  server = await serveDirectory(dist);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function openPage(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.goto(server.url);
  await page.waitForFunction(() => document.title === 'ready');
  return page;
}

const open = (page: Page, name: string, storage: StoragePreference = 'auto') =>
  page.evaluate(([n, s]) => clientPage.open(n, s), [name, storage] as const);
const addUser = (page: Page, id: string) => page.evaluate((u) => clientPage.addUser(u), id);
const addLog = (page: Page, userId: string, id: string) =>
  page.evaluate(([u, i]) => clientPage.addLog(u, i), [userId, id] as const);
const logIds = (page: Page, userId: string) => page.evaluate((u) => clientPage.logIds(u), userId);

describe('openBrowserDatabase in Chromium', () => {
  it(
    'puts a new database in OPFS, in the files per write, and keeps it across a reload',
    SLOW,
    async () => {
      const context = await browser.newContext();
      const page = await openPage(context);

      const { location } = await open(page, 'reload-spec');
      expect(location).toEqual({
        kind: 'opfs',
        dataDir: 'opfs-ahp://pglite/reload-spec',
        durability: 'durable',
        flushWindowMs: 250,
      });
      await addUser(page, 'ada');
      await addLog(page, 'ada', 'before-reload');

      await page.reload();
      await page.waitForFunction(() => document.title === 'ready');
      await open(page, 'reload-spec');
      expect(await logIds(page, 'ada')).toEqual(['before-reload']);
      await context.close();
    },
  );

  it(
    'lets two tabs share one database: one leader, every write lands, both see all',
    SLOW,
    async () => {
      const context = await browser.newContext();
      const [first, second] = await Promise.all([openPage(context), openPage(context)]);

      const opened = await Promise.all([open(first, 'tabs-spec'), open(second, 'tabs-spec')]);
      expect(opened.map((tab) => tab.isLeader).sort()).toEqual([false, true]);
      expect(opened[0].location).toEqual(opened[1].location);

      await addUser(first, 'ada');
      const errors = await Promise.all([
        first.evaluate(() => clientPage.addLogs('ada', 'first', 100)),
        second.evaluate(() => clientPage.addLogs('ada', 'second', 100)),
      ]);
      expect(errors).toEqual([[], []]);

      const expected = [
        ...Array.from({ length: 100 }, (_, i) => `first-${i}`),
        ...Array.from({ length: 100 }, (_, i) => `second-${i}`),
      ].sort();
      for (const tab of [first, second]) {
        const ids = await logIds(tab, 'ada');
        expect(ids.length).toBe(200);
        expect([...ids].sort()).toEqual(expected);
      }
      await context.close();
    },
  );

  it(
    'hands the database to another tab when the leader closes, with nothing lost',
    SLOW,
    async () => {
      const context = await browser.newContext();
      const leader = await openPage(context);
      expect((await open(leader, 'handoff-spec')).isLeader).toBe(true);
      const survivor = await openPage(context);
      expect((await open(survivor, 'handoff-spec')).isLeader).toBe(false);
      await addUser(leader, 'ada');
      await addLog(leader, 'ada', 'from-leader');
      await leader.close({ runBeforeUnload: false });

      await survivor.waitForFunction(() => clientPage.isLeader(), undefined, { timeout: 60_000 });
      // A request already sent to the old leader fails with PGlite's LeaderChangedError; one
      // made after the new leader is up goes through.
      let failures: string[] = [];
      for (let attempt = 0; attempt < 3; attempt++) {
        failures = await survivor.evaluate(() => clientPage.addLogs('ada', 'from-survivor', 1));
        if (failures.length === 0) break;
        expect(failures[0]).toMatch(/Leader changed/);
      }
      expect(failures).toEqual([]);
      expect(await logIds(survivor, 'ada')).toEqual(['from-leader', 'from-survivor-0']);
      await context.close();
    },
  );

  it(
    "runs transactions in the leader from any tab: all or nothing, and a closed tab's is rolled back",
    SLOW,
    async () => {
      const context = await browser.newContext();
      const leader = await openPage(context);
      expect((await open(leader, 'tx-spec')).isLeader).toBe(true);
      const follower = await openPage(context);
      expect((await open(follower, 'tx-spec')).isLeader).toBe(false);
      await addUser(leader, 'ada');

      const transact = (page: Page, ids: string[], fail: boolean) =>
        page.evaluate(([i, f]) => clientPage.transact('ada', i, f), [ids, fail] as const);
      expect(await transact(follower, ['f-1', 'f-2'], false)).toBe('committed');
      expect(await transact(follower, ['f-3', 'f-4'], true)).toBe('planned failure');
      expect(await transact(leader, ['l-1'], false)).toBe('committed');
      expect(await transact(leader, ['l-2'], true)).toBe('planned failure');
      // A statement error inside the transaction fails the whole of it (f-1 exists already).
      expect(await transact(follower, ['f-5', 'f-1'], false)).toMatch(/duplicate key/);

      // The follower dies holding a transaction open: the leader rolls it back and goes on.
      await follower.evaluate(() => clientPage.hangInTransaction('ada', 'never'));
      await follower.close({ runBeforeUnload: false });
      await addLog(leader, 'ada', 'after');
      expect(await logIds(leader, 'ada')).toEqual(['after', 'f-1', 'f-2', 'l-1']);
      await context.close();
    },
  );

  it(
    'redoes a first open that was cut short, rather than failing on its half-made files',
    SLOW,
    async () => {
      const context = await browser.newContext();
      // The prebuilt directory never arrives: the open stops with its pool made and nothing in it.
      await context.route(PREBUILT_ASSET, () => undefined);
      const doomed = await openPage(context);
      await doomed.evaluate(() => {
        void clientPage.open('cut-spec').catch(() => undefined);
      });
      await doomed.waitForFunction(
        (pool) => clientPage.opfsEntries('pglite/cut-spec/data').then((n) => n >= pool),
        newDatabasePoolSize((await prebuiltDatabase()).files),
        { polling: 250, timeout: 120_000 },
      );
      await doomed.close({ runBeforeUnload: false });
      await context.unroute(PREBUILT_ASSET);

      const page = await openPage(context);
      const { location } = await open(page, 'cut-spec');
      expect(location.kind).toBe('opfs');
      await addUser(page, 'ada');
      await addLog(page, 'ada', 'after-the-cut');
      expect(await logIds(page, 'ada')).toEqual(['after-the-cut']);
      await context.close();
    },
  );

  it(
    'without the prebuilt directory (the network gone), initialises and migrates the database itself',
    SLOW,
    async () => {
      const context = await browser.newContext();
      let asked = 0;
      await context.route(PREBUILT_ASSET, (route) => {
        asked++;
        return route.abort('internetdisconnected');
      });
      const page = await openPage(context);
      const { location } = await open(page, 'offline-first-spec');
      expect(asked).toBe(1);
      expect(location.kind).toBe('opfs');
      const migrations = await page.evaluate(() =>
        clientPage.sql('select count(*)::int as n from drizzle.__drizzle_migrations'),
      );
      expect(migrations).toEqual([{ n: browserMigrations.length }]);
      await addUser(page, 'ada');
      await addLog(page, 'ada', 'made-offline');
      expect(await logIds(page, 'ada')).toEqual(['made-offline']);
      // Started as every platform database is, whichever directory it began from.
      expect(await page.evaluate(() => clientPage.sql('show shared_buffers'))).toEqual([
        { shared_buffers: PLATFORM_SHARED_BUFFERS },
      ]);
      await context.close();
    },
  );

  it('keeps a write whose page was closed the moment the write resolved', SLOW, async () => {
    const context = await browser.newContext();
    const writer = await openPage(context);
    const { isLeader } = await open(writer, 'close-spec');
    expect(isLeader).toBe(true);
    await addUser(writer, 'ada');
    await addLog(writer, 'ada', 'last-words');
    await writer.close({ runBeforeUnload: false });

    const reader = await openPage(context);
    await open(reader, 'close-spec');
    expect(await logIds(reader, 'ada')).toEqual(['last-words']);
    await context.close();
  });

  it(
    'on IndexedDB: relaxed (durable once flush resolves), and a closing non-leader loses nothing',
    SLOW,
    async () => {
      const context = await browser.newContext();
      const [leader, follower] = [await openPage(context), await openPage(context)];
      const first = await open(leader, 'idb-spec', 'indexeddb');
      expect(first.isLeader).toBe(true);
      expect(first.location).toEqual({
        kind: 'indexeddb',
        dataDir: 'idb://idb-spec',
        durability: 'relaxed',
        flushWindowMs: null,
      });
      await open(follower, 'idb-spec', 'indexeddb');
      await addUser(leader, 'ada');

      // A tab that is not the leader only forwards: its write is already in the leader's hands.
      await addLog(follower, 'ada', 'from-follower');
      await follower.close({ runBeforeUnload: false });

      // Write speed is measured by `pnpm bench`, not asserted here: a loaded machine varies it.
      await addLog(leader, 'ada', 'from-leader');
      await leader.evaluate(() => clientPage.flush());
      await leader.evaluate(() => clientPage.close());
      await leader.close();

      // `auto` keeps an existing IndexedDB database where it is rather than starting an empty one.
      const reader = await openPage(context);
      const reopened = await open(reader, 'idb-spec');
      expect(reopened.location.kind).toBe('indexeddb');
      expect(await logIds(reader, 'ada')).toEqual(['from-follower', 'from-leader']);
      await context.close();
    },
  );

  it(
    'reports a migration that cannot run as StorageUnavailableError migration-failed',
    SLOW,
    async () => {
      const context = await browser.newContext();
      const page = await openPage(context);
      await open(page, 'tampered-spec');
      await page.evaluate(() =>
        clientPage.sql(`update drizzle.__drizzle_migrations set hash = 'edited'`),
      );
      await page.evaluate(() => clientPage.close());

      const failure = await page.evaluate(() => clientPage.openFailure('tampered-spec'));
      expect(failure).toMatchObject({
        name: 'StorageUnavailableError',
        code: 'STORAGE_UNAVAILABLE',
        reason: 'migration-failed',
      });
      expect(failure?.message).toMatch(/was changed after it was applied/);
      await context.close();
    },
  );

  it('estimates usage and quota and answers a persistence request', async () => {
    const context = await browser.newContext();
    const page = await openPage(context);
    const estimate = await page.evaluate(() => clientPage.estimate());
    expect(estimate.usage).toEqual(expect.any(Number));
    expect(estimate.quota).toEqual(expect.any(Number));
    expect(estimate.quota).toBeGreaterThan(0);
    expect(typeof estimate.persisted).toBe('boolean');
    expect(typeof (await page.evaluate(() => clientPage.persist()))).toBe('boolean');
    await context.close();
  });
});

// A profile directory and a process of our own are needed here, to kill the browser the way a
// crash or a power cut of the app would.
interface OwnChromium {
  readonly browser: Browser;
  kill(): Promise<void>;
}

async function startChromium(userDataDir: string): Promise<OwnChromium> {
  const child: ChildProcess = spawn(
    CHROMIUM_PATH,
    [
      ...CHROMIUM_FLAGS,
      '--headless',
      `--user-data-dir=${userDataDir}`,
      '--remote-debugging-port=0',
      'about:blank',
    ],
    // Its own process group, so the whole browser (renderers, storage service) dies at once.
    { detached: true, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const endpoint = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`Chromium exited (${code}): ${output}`)));
  });
  const connected = await chromium.connectOverCDP(endpoint);
  return {
    browser: connected,
    async kill() {
      const exited = once(child, 'exit');
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
      await exited;
      await killStragglers(userDataDir);
    },
  };
}

/** Any process of that browser that left its process group (zygotes may) dies too. */
async function killStragglers(userDataDir: string): Promise<void> {
  for (const pid of await readdir('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(userDataDir)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
}

async function openOwnPage(own: OwnChromium): Promise<Page> {
  const context = own.browser.contexts()[0];
  if (!context) throw new Error('Chromium started without its default context');
  return openPage(context);
}

describe('a killed browser', () => {
  const profiles: string[] = [];
  afterAll(async () => {
    for (const dir of profiles) await rm(dir, { recursive: true, force: true });
  });

  // The machine as busy as it gets: durability must not depend on a spare core.
  let hog: CpuHog;
  beforeAll(() => {
    hog = startCpuHog();
  });
  afterAll(async () => {
    await hog?.stop();
  });

  async function writeThenKill(
    storage: StoragePreference,
    beforeKill: (page: Page) => Promise<unknown>,
  ): Promise<{ location: StorageLocation; ids: string[]; kind: string }> {
    const profile = await mkdtemp(join(tmpdir(), 'chromium-profile-'));
    profiles.push(profile);
    const doomed = await startChromium(profile);
    const page = await openOwnPage(doomed);
    const { location } = await open(page, 'kill-spec', storage);
    await addUser(page, 'ada');
    await addLog(page, 'ada', 'acknowledged');
    await beforeKill(page);
    await doomed.kill();

    const revived = await startChromium(profile);
    try {
      const reader = await openOwnPage(revived);
      const reopened = await open(reader, 'kill-spec', storage);
      return { location, ids: await logIds(reader, 'ada'), kind: reopened.location.kind };
    } finally {
      await revived.kill();
    }
  }

  it('loses nothing that resolved on OPFS, even killed at once', SLOW, async () => {
    const { location, ids, kind } = await writeThenKill('auto', async () => {});
    expect(location.durability).toBe('durable');
    expect(kind).toBe('opfs');
    expect(ids).toEqual(['acknowledged']);
  });

  it(
    'on IndexedDB, loses nothing that flush() resolved for, killed at once after',
    SLOW,
    async () => {
      const { location, ids, kind } = await writeThenKill('indexeddb', (page) =>
        page.evaluate(() => clientPage.flush()),
      );
      expect(location.durability).toBe('relaxed');
      expect(kind).toBe('indexeddb');
      expect(ids).toEqual(['acknowledged']);
    },
  );
});
