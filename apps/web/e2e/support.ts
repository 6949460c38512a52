// Shared setup of the end-to-end specs: the studio as users run it, i.e. the production build
// of apps/web served by apps/server on loopback, driven in Debian's Chromium.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildServer } from '@platform/server';
import { launchChromium } from '@platform/testing/chromium';
import { type ElectricDouble, startElectricDouble } from '@platform/testing/electric-double';
import { createDatabase, type TestDatabase } from '@platform/testing/postgres';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, afterEach, beforeAll, expect, inject } from 'vitest';

const appRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * Where the specs' screenshots go: `docs/screenshots` (the README's pictures) when
 * `UPDATE_SCREENSHOTS=1`, else the ignored `.tmp/screenshots`, so a test run leaves the tree clean.
 */
export const SCREENSHOTS = fileURLToPath(
  new URL(
    process.env.UPDATE_SCREENSHOTS === '1'
      ? '../../../docs/screenshots/'
      : '../../../.tmp/screenshots/',
    import.meta.url,
  ),
);

/** PGlite's first open into OPFS takes 20–60 s on slow machines: wait generously, never time it. */
export const STORAGE_TIMEOUT = 150_000;

export interface Studio {
  /** `http://127.0.0.1:PORT`, the origin the server accepts. */
  readonly url: string;
  /** The production build being served. */
  readonly webRoot: string;
  readonly browser: Browser;
  /** A page on a fresh browser context (its own localStorage, IndexedDB and OPFS). */
  newPage(): Promise<Page>;
  /** Closes the contexts opened since the last call; for `afterEach`. */
  closeContexts(): Promise<void>;
  close(): Promise<void>;
}

export interface StudioOptions {
  /**
   * Sync mode: the server on this platform database (a fresh one of the test PostgreSQL),
   * with Electric's test double on the same database behind its shape proxy.
   */
  syncDatabaseUrl?: string;
}

export interface StudioFixture {
  readonly studio: Studio;
  /** With `sync`: the fresh platform database of the test PostgreSQL the server syncs to. */
  readonly databaseUrl: string;
}

/**
 * The hooks every end-to-end spec file needs: the studio for the file, a fresh browser context
 * per test, closed after it, and everything closed (the sync database dropped) at the end.
 */
export function useStudio(options: { sync?: boolean } = {}): StudioFixture {
  const fixture = {} as { studio: Studio; databaseUrl: string };
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    if (options.sync) {
      database = await createDatabase(inject('postgresUrl'), 'e2e_sync');
      fixture.databaseUrl = database.url;
    }
    fixture.studio = await startStudio(database ? { syncDatabaseUrl: database.url } : {});
    // Building the app and Chromium's first start take minutes on a loaded machine.
  }, 300_000);
  afterEach(async () => {
    await fixture.studio?.closeContexts();
  });
  afterAll(async () => {
    await fixture.studio?.close();
    await database?.drop();
  });
  return fixture;
}

/** Builds apps/web into a temporary folder, serves it with apps/server, launches Chromium. */
export async function startStudio(options: StudioOptions = {}): Promise<Studio> {
  const webRoot = await mkdtemp(join(tmpdir(), 'studio-e2e-'));
  let server: Awaited<ReturnType<typeof buildServer>> | undefined;
  let electric: ElectricDouble | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  const close = async () => {
    await Promise.allSettled(contexts.splice(0).map((c) => c.close()));
    await browser?.close();
    // Long polls of closed pages may hold connections half-open until Node's header timeout.
    server?.server.closeAllConnections();
    await server?.close();
    await electric?.close();
    await rm(webRoot, { recursive: true, force: true });
  };
  try {
    await build({
      root: appRoot,
      configFile: join(appRoot, 'vite.config.ts'),
      // The config imports the storage package's plugin, TypeScript source: run, not bundled.
      configLoader: 'runner',
      logLevel: 'silent',
      build: { outDir: webRoot, emptyOutDir: true },
    });
    if (options.syncDatabaseUrl) {
      electric = await startElectricDouble({
        databaseUrl: options.syncDatabaseUrl,
        liveTimeoutMs: 2_000,
      });
    }
    const app = await buildServer({
      port: 0,
      webRoot,
      ...(options.syncDatabaseUrl && electric
        ? {
            sync: {
              databaseUrl: options.syncDatabaseUrl,
              jwtSecret: 'e2e-secret-for-sessions-0123456789abcdef',
              electricUrl: electric.url,
            },
          }
        : {}),
    });
    server = app;
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    const launched = await launchChromium();
    browser = launched;
    return {
      url: `http://127.0.0.1:${port}`,
      webRoot,
      browser: launched,
      async newPage() {
        const context = await launched.newContext({ viewport: { width: 1280, height: 800 } });
        contexts.push(context);
        return context.newPage();
      },
      async closeContexts() {
        await Promise.allSettled(contexts.splice(0).map((c) => c.close()));
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * A same-origin document that is not the studio: the server answers `/api/*` GETs with JSON, so
 * here the app (and its storage worker) does not run, while localStorage, IndexedDB and OPFS are
 * the studio's.
 */
export function blankPageUrl(studio: Studio): string {
  return `${studio.url}/api/e2e-blank`;
}

/** Uncaught errors of the page, to assert there were none. */
export function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

/** Opens the studio and waits until its platform storage is ready. */
export async function openStudio(page: Page, url: string): Promise<void> {
  await page.goto(url);
  // Attached, not visible: on another page than the workbench the editor is there but hidden.
  await page.locator('.cm-content').waitFor({ state: 'attached', timeout: 30_000 });
  await waitForStorage(page);
}

export async function waitForStorage(page: Page): Promise<void> {
  await expect
    .poll(() => page.getByTestId('storage-chip').getAttribute('data-state'), {
      timeout: STORAGE_TIMEOUT,
      interval: 250,
    })
    .toBe('ready');
}

/** Storage answers can take seconds on a loaded machine; expect.poll's default is 1 s. */
export const SOON = { timeout: 30_000, interval: 200 };

export type StudioPage = 'Workbench' | 'Profiles' | 'Settings' | 'Storage' | 'Sync';

/** Opens one of the studio's pages from the header's navigation. */
export async function goTo(page: Page, name: StudioPage): Promise<void> {
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name }).click();
}

/** Replaces the active tab's SQL and runs it with Ctrl+Enter. */
export async function runSql(page: Page, sql: string): Promise<void> {
  const editor = page.locator('.cm-content');
  // Focusing a hidden element does nothing: after a page change the workbench shows a render later.
  await editor.waitFor({ state: 'visible' });
  // Focus without a click: an open completion list may cover the editor.
  await editor.focus();
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Delete');
  await page.keyboard.insertText(sql);
  await expect.poll(() => editor.textContent()).toBe(sql);
  // Close the completion list typing opened, so Ctrl+Enter runs rather than picks.
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+Enter');
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, name) });
}

export interface StoredText {
  indexedDb: string;
  opfs: string;
  opfsFiles: number;
  /** OPFS files still held open by a database worker: their bytes could not be read. */
  lockedFiles: number;
  localStorage: string;
}

/**
 * Everything the origin keeps in the browser, as raw text: every IndexedDB record (keys and
 * values), every OPFS file's bytes, every localStorage item. Run it on `blankPageUrl`, after
 * the studio has gone, so no worker holds the OPFS files.
 */
export function dumpStoredText(page: Page): Promise<StoredText> {
  return page.evaluate(async () => {
    const latin1 = new TextDecoder('latin1');
    const bytesOf = async (value: unknown): Promise<string> => {
      if (value instanceof ArrayBuffer) return latin1.decode(new Uint8Array(value));
      if (ArrayBuffer.isView(value))
        return latin1.decode(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
      if (value instanceof Blob) return latin1.decode(await value.arrayBuffer());
      if (typeof CryptoKey !== 'undefined' && value instanceof CryptoKey) return '[CryptoKey]';
      if (Array.isArray(value)) return (await Promise.all(value.map(bytesOf))).join('\n');
      if (value && typeof value === 'object') {
        const parts = await Promise.all(
          Object.entries(value).map(async ([k, v]) => `${k}=${await bytesOf(v)}`),
        );
        return parts.join('\n');
      }
      return String(value);
    };
    const request = <T>(r: IDBRequest<T>) =>
      new Promise<T>((resolve, reject) => {
        r.onsuccess = () => resolve(r.result);
        r.onerror = () => reject(r.error);
      });

    const idb: string[] = [];
    for (const info of await indexedDB.databases()) {
      if (!info.name) continue;
      const open = indexedDB.open(info.name);
      const db = await request(open);
      for (const store of Array.from(db.objectStoreNames)) {
        const keys = await request(db.transaction(store).objectStore(store).getAllKeys());
        const values = await request(db.transaction(store).objectStore(store).getAll());
        idb.push(`${info.name}/${store}: ${values.length} records`);
        idb.push(await bytesOf(keys), await bytesOf(values));
      }
      db.close();
    }

    const opfs: string[] = [];
    let opfsFiles = 0;
    let lockedFiles = 0;
    const walk = async (dir: FileSystemDirectoryHandle): Promise<void> => {
      for await (const [, handle] of dir as unknown as AsyncIterable<[string, FileSystemHandle]>) {
        if (handle.kind === 'directory') await walk(handle as FileSystemDirectoryHandle);
        else {
          opfsFiles++;
          try {
            const file = await (handle as FileSystemFileHandle).getFile();
            opfs.push(latin1.decode(await file.arrayBuffer()));
          } catch {
            lockedFiles++;
          }
        }
      }
    };
    if (navigator.storage?.getDirectory) await walk(await navigator.storage.getDirectory());

    const local = Object.keys(localStorage)
      .map((key) => `${key}=${localStorage.getItem(key)}`)
      .join('\n');
    return {
      indexedDb: idb.join('\n'),
      opfs: opfs.join('\n'),
      opfsFiles,
      lockedFiles,
      localStorage: local,
    };
  });
}
