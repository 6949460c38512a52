import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const PASSWORD_TABLE = /platform_user_passwords|hashed_password/;

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
  it('bundles for production without the password table or its columns', async () => {
    const output = await bundle(`
      import * as schema from '@platform/schema/browser';
      import { browserMigrations } from '@platform/schema/browser-migrations';
      globalThis.keep = [schema, browserMigrations];
    `);

    expect(output).toContain('query_logs');
    expect(output).toContain('CREATE TABLE');
    expect(output).not.toMatch(PASSWORD_TABLE);
  });

  it('is the only thing keeping it out: the server entry does carry the table', async () => {
    const output = await bundle(`
      import * as schema from '@platform/schema/server';
      globalThis.keep = schema;
    `);

    expect(output).toMatch(PASSWORD_TABLE);
  });
});
