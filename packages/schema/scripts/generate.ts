/**
 * `pnpm db:generate [--name <name>] [--custom]`: drizzle-kit generate for both targets, then the
 * browser migrations module. Extra arguments go to drizzle-kit (e.g. `--custom --name pg_trgm`
 * to write an empty migration for SQL drizzle-kit does not model, in both folders, or with
 * `--target browser` in one).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BROWSER_MODULE,
  drizzleKit,
  REPO_DIR,
  renderBrowserMigrationsModule,
  TARGETS,
  type Target,
} from './targets.ts';

// `--target browser|server` generates for one side only: a custom migration for SQL only one of
// them has (the browser's sync triggers).
const args = process.argv.slice(2);
const at = args.indexOf('--target');
const only = at === -1 ? null : args[at + 1];
if (at !== -1 && !TARGETS.includes(only as Target)) {
  console.error(`--target must be one of ${TARGETS.join(', ')}`);
  process.exit(2);
}
const extra = at === -1 ? args : [...args.slice(0, at), ...args.slice(at + 2)];
for (const target of TARGETS.filter((t) => only === null || t === only)) {
  const run = drizzleKit(target, ['generate', ...extra]);
  process.stdout.write(`[${target}] ${run.output}`);
  if (run.status !== 0) process.exit(run.status ?? 1);
}
writeFileSync(BROWSER_MODULE, renderBrowserMigrationsModule(join(REPO_DIR, 'drizzle/browser')));
console.log(`wrote ${BROWSER_MODULE}`);
