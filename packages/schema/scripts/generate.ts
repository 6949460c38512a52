/**
 * `pnpm db:generate [--name <name>] [--custom]`: drizzle-kit generate for both targets, then the
 * browser migrations module. Extra arguments go to drizzle-kit (e.g. `--custom --name pg_trgm`
 * to write an empty migration for SQL drizzle-kit does not model, in both folders).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  BROWSER_MODULE,
  drizzleKit,
  REPO_DIR,
  renderBrowserMigrationsModule,
  TARGETS,
} from './targets.ts';

const extra = process.argv.slice(2);
for (const target of TARGETS) {
  const run = drizzleKit(target, ['generate', ...extra]);
  process.stdout.write(`[${target}] ${run.output}`);
  if (run.status !== 0) process.exit(run.status ?? 1);
}
writeFileSync(BROWSER_MODULE, renderBrowserMigrationsModule(join(REPO_DIR, 'drizzle/browser')));
console.log(`wrote ${BROWSER_MODULE}`);
