import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The password table (and its column), and the server's session and username-key tables.
const SERVER_ONLY =
  /platform_user_passwords|hashed_password|platform_sessions|platform_username_keys/;
const TEXT = /\.(js|css|html)$/;

const appRoot = fileURLToPath(new URL('..', import.meta.url));
let outDir: string;
let files: string[];

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'web-bundle-'));
  await build({
    root: appRoot,
    configFile: join(appRoot, 'vite.config.ts'),
    configLoader: 'runner',
    logLevel: 'silent',
    build: { outDir, emptyOutDir: true },
  });
  files = (await readdir(outDir, { recursive: true })).map((file) => join(outDir, file));
});

afterAll(async () => {
  if (outDir) await rm(outDir, { recursive: true, force: true });
});

describe("the studio's production build", () => {
  it('carries no server-only table or column name in any script, style or page', async () => {
    const scripts = files.filter((file) => TEXT.test(file));
    const text = (await Promise.all(scripts.map((file) => readFile(file, 'utf8')))).join('\n');
    expect(text).toContain('query_logs');
    expect(text).not.toMatch(SERVER_ONLY);
  });

  it('ships a prebuilt database without them either', async () => {
    const prebuilt = files.find((file) => /platform-database[^/]*\.tgz$/.test(file));
    expect(prebuilt).toBeDefined();
    const tar = gunzipSync(await readFile(prebuilt as string)).toString('latin1');
    expect(tar).toContain('query_logs');
    expect(tar).not.toMatch(SERVER_ONLY);
  });
});
