import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PACKAGE_DIR } from './targets.ts';

const scratchDirs: string[] = [];

/** A copy of the schema source inside the package, so its imports still resolve. */
function copySchema(): string {
  const dir = mkdtempSync(join(PACKAGE_DIR, '.tmp-check-'));
  scratchDirs.push(dir);
  cpSync(join(PACKAGE_DIR, 'src'), join(dir, 'src'), { recursive: true });
  return join(dir, 'src');
}

function runCheck(schemaSrc: string) {
  const run = spawnSync(join(PACKAGE_DIR, 'node_modules/.bin/tsx'), ['scripts/check.ts'], {
    cwd: PACKAGE_DIR,
    env: { ...process.env, PLATFORM_SCHEMA_SRC: schemaSrc },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

afterEach(() => {
  for (const dir of scratchDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('pnpm db:check', () => {
  it('passes when the schema and the committed migrations agree', () => {
    const result = runCheck(copySchema());

    expect(result.output).toContain('agree');
    expect(result.status).toBe(0);
  });

  it('fails for both targets when a column changes without regenerating migrations', () => {
    const src = copySchema();
    const file = join(src, 'tables/query-logs.ts');
    const original = readFileSync(file, 'utf8');
    const edited = original.replace(
      "connectionName: userText('connection_name'),",
      "connectionName: userText('connection_name').notNull(),",
    );
    expect(edited).not.toBe(original);
    writeFileSync(file, edited);

    const result = runCheck(src);

    expect(result.status).toBe(1);
    expect(result.output).toContain('browser: the schema differs from drizzle/browser');
    expect(result.output).toContain('server: the schema differs from drizzle/server');
  });

  it('fails when only the server schema drifts', () => {
    const src = copySchema();
    const file = join(src, 'tables/platform-user-passwords.ts');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(
        "hashedPassword: text('hashed_password').notNull(),",
        "hashedPassword: text('hashed_password').notNull(),\n  algorithm: text('algorithm'),",
      ),
    );

    const result = runCheck(src);

    expect(result.status).toBe(1);
    expect(result.output).toContain('server: the schema differs');
    expect(result.output).not.toContain('browser: the schema differs');
  });
});
