/**
 * `pnpm db:check`: fails when the committed migrations are not what the TypeScript schema
 * generates, when the browser migrations module is stale, or when anything the browser receives
 * mentions the password table.
 */
import { checkMigrations } from './check-migrations.ts';

const problems = checkMigrations();
if (problems.length > 0) {
  for (const problem of problems) console.error(`✗ ${problem}`);
  console.error('\nRun `pnpm db:generate` and commit drizzle/ and the generated module.');
  process.exit(1);
}
console.log('✓ schema, migrations and the browser migrations module agree');
