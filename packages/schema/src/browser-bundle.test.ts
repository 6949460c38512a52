import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
// The password table, and the server's session and username-key tables.
const SERVER_ONLY_TABLES =
  /platform_user_passwords|hashed_password|platform_sessions|platform_username_keys/;

/** Bundles `source` for production as a browser app would, resolving through package exports. */
async function bundle(source: string): Promise<string> {
  const result = await build({
    stdin: { contents: source, resolveDir: PACKAGE_DIR, loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles.map((file) => file.text).join('\n');
}

describe('the browser entry point', () => {
  it('bundles for production without the password, session or username-key tables', async () => {
    const output = await bundle(`
      import * as schema from '@platform/schema/browser';
      import { browserMigrations } from '@platform/schema/browser-migrations';
      globalThis.keep = [schema, browserMigrations];
    `);

    expect(output).toContain('query_logs');
    expect(output).toContain('CREATE TABLE');
    expect(output).not.toMatch(SERVER_ONLY_TABLES);
  });

  it('is the only thing keeping them out: the server entry does carry them', async () => {
    const output = await bundle(`
      import * as schema from '@platform/schema/server';
      globalThis.keep = schema;
    `);

    for (const table of [
      'platform_user_passwords',
      'platform_sessions',
      'platform_username_keys',
    ]) {
      expect(output).toContain(table);
    }
  });
});
