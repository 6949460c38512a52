import { fileURLToPath } from 'node:url';
import { browserMigrations } from '@platform/schema/browser-migrations';
import { buildPage } from '@platform/testing/build-page';
import { launchChromium } from '@platform/testing/chromium';
import { type StaticServer, serveDirectory } from '@platform/testing/static-server';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prebuiltDatabasePlugin } from './prebuilt/vite-plugin.ts';

interface MigratorPage {
  migrate(
    dataDir: string,
  ): Promise<{ applied: string[]; alreadyApplied: number; tables: string[] }>;
  addUser(dataDir: string, id: string): Promise<void>;
  users(dataDir: string): Promise<string[]>;
}
declare const migratorPage: MigratorPage;

let browser: Browser;
let server: StaticServer;
let page: Page;

beforeAll(async () => {
  const dist = await buildPage(fileURLToPath(new URL('./test-pages/migrator', import.meta.url)), {
    plugins: () => [prebuiltDatabasePlugin()],
  });
  server = await serveDirectory(dist);
  browser = await launchChromium();
  page = await browser.newPage();
  await page.goto(server.url);
  await page.waitForFunction(() => document.title === 'ready');
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('migrate in Chromium, on IndexedDB', () => {
  // Two PGlite opens on IndexedDB: ~15 s each here, several times that on a loaded machine.
  it('creates the schema, then finds nothing to do after a reload, with the data kept', {
    timeout: 240_000,
  }, async () => {
    const dataDir = 'idb://migrator-spec';
    const first = await page.evaluate((dir) => migratorPage.migrate(dir), dataDir);
    expect(first.applied).toEqual(browserMigrations.map((m) => m.tag));
    expect(first.tables).toContain('query_logs');
    expect(first.tables).not.toContain('platform_user_passwords');
    await page.evaluate((dir) => migratorPage.addUser(dir, 'ada'), dataDir);

    await page.reload();
    await page.waitForFunction(() => document.title === 'ready');
    const second = await page.evaluate((dir) => migratorPage.migrate(dir), dataDir);

    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied).toBe(browserMigrations.length);
    expect(await page.evaluate((dir) => migratorPage.users(dir), dataDir)).toEqual(['ada']);
  });
});
