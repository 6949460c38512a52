import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BROWSER_MODULE,
  drizzleKit,
  migrationsOut,
  renderBrowserMigrationsModule,
  TARGETS,
} from './targets.ts';

const FORBIDDEN_IN_BROWSER =
  /platform_user_passwords|hashed_password|platform_sessions|platform_username_keys/i;

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

/** Every disagreement found, as sentences; empty when all is in order. */
export function checkMigrations(): string[] {
  const problems: string[] = [];
  for (const target of TARGETS) {
    const committed = migrationsOut(target);
    const scratch = mkdtempSync(join(tmpdir(), `db-check-${target}-`));
    try {
      cpSync(committed, scratch, { recursive: true });
      const before = listFiles(scratch);
      // drizzle-kit diffs the schema against the newest snapshot and writes a migration only
      // when they differ: any new file means the schema moved without regenerating.
      const run = drizzleKit(target, ['generate'], {
        PLATFORM_MIGRATIONS_OUT: scratch,
      });
      if (run.status !== 0) {
        problems.push(`${target}: drizzle-kit generate failed:\n${run.output.trim()}`);
        continue;
      }
      const added = listFiles(scratch).filter((file) => !before.includes(file));
      if (added.length > 0) {
        problems.push(
          `${target}: the schema differs from drizzle/${target} (would generate ${added.join(', ')})`,
        );
      }
      const consistency = drizzleKit(target, ['check']);
      if (consistency.status !== 0) {
        problems.push(`${target}: drizzle-kit check failed:\n${consistency.output.trim()}`);
      }
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }

  const browserFolder = migrationsOut('browser');
  for (const file of listFiles(browserFolder)) {
    if (!file.endsWith('.sql') && !file.endsWith('.json')) continue;
    if (FORBIDDEN_IN_BROWSER.test(readFileSync(join(browserFolder, file), 'utf8'))) {
      problems.push(`browser: drizzle/browser/${file} mentions a server-only table`);
    }
  }

  const expected = renderBrowserMigrationsModule(browserFolder);
  let actual = '';
  try {
    actual = readFileSync(BROWSER_MODULE, 'utf8');
  } catch {
    // reported below as stale
  }
  if (actual !== expected) {
    problems.push('browser: src/browser-migrations.generated.ts is stale');
  }
  return problems;
}
