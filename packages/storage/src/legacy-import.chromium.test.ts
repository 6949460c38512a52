import { fileURLToPath } from 'node:url';
import { buildPage } from '@platform/testing/build-page';
import { launchChromium } from '@platform/testing/chromium';
import {
  bothGenerations,
  legacyLocalStorage,
  secretSearchForms,
} from '@platform/testing/legacy-studio';
import { type StaticServer, serveDirectory } from '@platform/testing/static-server';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LEGACY_KEYS, LIBREDB_KEYS } from './legacy/import.ts';
import { prebuiltDatabasePlugin } from './prebuilt/vite-plugin.ts';

/**
 * The import of the old studio's localStorage in a real browser: real localStorage, the vault's
 * key in IndexedDB, PGlite on OPFS. After it, no secret the old studio stored is anywhere the
 * browser keeps data in clear, and every one comes back from `getConnections()`.
 */

interface StoragePage {
  call(method: string, ...args: unknown[]): Promise<unknown>;
  close(): Promise<void>;
  seed(entries: Record<string, string>): void;
  dumpTables(): Promise<string>;
  scan(
    needles: string[],
    probes: string[],
  ): Promise<{ found: string[]; probeIn: string[][]; files: number; locked: number }>;
}
declare const storagePage: StoragePage;

let browser: Browser;
let server: StaticServer;
let context: BrowserContext;

beforeAll(async () => {
  const dist = await buildPage(fileURLToPath(new URL('./test-pages/storage', import.meta.url)), {
    plugins: () => [prebuiltDatabasePlugin()],
  });
  server = await serveDirectory(dist);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});
// A fresh context is a fresh origin: IndexedDB, OPFS and localStorage all empty.
beforeEach(async () => {
  context = await browser.newContext();
});
afterEach(async () => {
  await context.close();
});

async function openPage(query = ''): Promise<Page> {
  const page = await context.newPage();
  await page.goto(`${server.url}/${query}`);
  await page.waitForFunction(() => document.title === 'ready');
  return page;
}

const call = (page: Page, method: string, ...args: unknown[]) =>
  page.evaluate(([m, a]) => storagePage.call(m as string, ...(a as unknown[])), [
    method,
    args,
  ] as const);

type Json = Record<string, unknown>;
const parsed = (raw: string | undefined): Json[] => (raw ? (JSON.parse(raw) as Json[]) : []);

/** What the old studio's `getConnections()` gave, as JSON: the newer list, then the older's rest. */
function studioConnections(entries: Record<string, string>): Json[] {
  const newer = parsed(entries[LIBREDB_KEYS.connections]);
  const ids = new Set(newer.map((c) => c.id));
  return [...newer, ...parsed(entries[LEGACY_KEYS.connections]).filter((c) => !ids.has(c.id))];
}

/** The kinds of secret a browser holds, by the markers the generator puts in each. */
function secretKinds(secrets: readonly string[]): string[] {
  const kinds = new Set<string>();
  for (const secret of secrets) {
    const marked = /SECRET-\d+-([A-Za-z]+)/.exec(secret)?.[1];
    if (marked) kinds.add(marked);
    if (secret.includes('BEGIN OPENSSH PRIVATE KEY')) kinds.add('sshPrivateKey');
    if (secret.includes('BEGIN PRIVATE KEY')) kinds.add('sslClientKey');
  }
  return [...kinds].sort();
}

const browsers = {
  orchids: () => legacyLocalStorage({ generation: 'orchids', seed: 'chromium-orchids' }),
  libredb: () => legacyLocalStorage({ generation: 'libredb', seed: 'chromium-libredb' }),
  both: () => bothGenerations({ seed: 'chromium-both' }),
};

describe('the legacy import in Chromium', () => {
  for (const [name, make] of Object.entries(browsers)) {
    it(`${name}: afterwards no secret is in localStorage, IndexedDB, OPFS or any table; getConnections() gives each back`, {
      timeout: 240_000,
    }, async () => {
      const legacy = make();
      const expected = studioConnections(legacy.entries);
      const kinds = secretKinds(legacy.secrets);
      // The studio's every kind of secret (the agent's password only exists since libredb).
      expect(kinds).toEqual(
        [
          'connectionString',
          'password',
          'sshPassphrase',
          'sshPassword',
          'sshPrivateKey',
          'sslClientKey',
          ...(name === 'orchids' ? [] : ['agentPassword']),
        ].sort(),
      );
      const page = await openPage();
      await page.evaluate((entries) => storagePage.seed(entries), legacy.entries);

      const status = (await call(page, 'open')) as {
        legacyImport: { legacyKeysRemoved: boolean; skipped: unknown[]; imported: Json };
      };

      expect(status.legacyImport).toMatchObject({ legacyKeysRemoved: true, skipped: [] });
      const connections = (await call(page, 'getConnections')) as Json[];
      expect(connections).toEqual(expected);
      const given = JSON.stringify(connections);
      expect(
        legacy.secrets.filter((s) => !secretSearchForms(s).some((f) => given.includes(f))),
      ).toEqual([]);

      // Values that must be in the database files in clear: a host, and a non-ASCII name (which
      // shows UTF-8 text is found in the files too).
      const host = expected.find((c) => typeof c.host === 'string' && c.host.length > 8)?.host;
      const named = expected.find((c) => /[^\x20-\x7e]/.test(String(c.name)))?.name;
      const probes = [host, named] as string[];
      expect(probes.every((p) => typeof p === 'string')).toBe(true);
      const needles = legacy.secrets.flatMap(secretSearchForms);
      const tables = await page.evaluate(() => storagePage.dumpTables());
      await page.evaluate(() => storagePage.close());
      const stored = await page.evaluate(([n, p]) => storagePage.scan(n, p), [
        needles,
        probes,
      ] as const);

      // The scan sees the data: every OPFS file read, the probes there in clear…
      expect(stored.files).toBeGreaterThan(0);
      expect(stored.locked).toBe(0);
      expect(stored.probeIn).toEqual([
        expect.arrayContaining(['opfs']),
        expect.arrayContaining(['opfs']),
      ]);
      for (const probe of probes) expect(tables).toContain(probe);
      // …and no secret, in any form stored text may hold it, anywhere.
      expect(
        stored.found.map((at) => `${at} ${needles[Number(at.split('#')[1])]?.slice(0, 30)}`),
      ).toEqual([]);
      expect(needles.filter((form) => tables.includes(form))).toEqual([]);

      // A new storage in this tab opens the vault again: every secret still comes back.
      expect(await call(page, 'getConnections')).toEqual(expected);
    });
  }

  it('while the vault is in memory, both generations are left in place, untouched', {
    timeout: 180_000,
  }, async () => {
    const legacy = bothGenerations({ seed: 'chromium-deferred' });
    const page = await openPage('?broken-idb');
    await page.evaluate((entries) => storagePage.seed(entries), legacy.entries);

    const status = (await call(page, 'open')) as {
      warnings: { code: string }[];
      legacyImport: unknown;
    };

    expect(status.warnings.map((w) => w.code)).toEqual([
      'vault-memory-fallback',
      'legacy-import-deferred',
    ]);
    expect(status.legacyImport).toBeNull();
    expect(await call(page, 'getConnections')).toEqual([]);
    const kept = await page.evaluate(
      (keys) => Object.fromEntries(keys.map((key) => [key, localStorage.getItem(key)])),
      Object.keys(legacy.entries),
    );
    expect(kept).toEqual(legacy.entries);
  });
});
