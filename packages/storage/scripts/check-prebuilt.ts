// `pnpm db:check`, storage part: the prebuilt database that builds ship (the cached build for the
// current migrations, or a new one) loads, migrates to nothing, and equals a fresh migration.
import { deepStrictEqual } from 'node:assert/strict';
import { prebuiltDatabase } from '../src/prebuilt/cache.ts';
import { comparePrebuilt } from '../src/prebuilt/verify.ts';

const { key, bytes } = await prebuiltDatabase();
const report = await comparePrebuilt(bytes);
try {
  deepStrictEqual(report.appliedOnLoad, [], 'the prebuilt database lacks migrations');
  deepStrictEqual(report.clusterState, 'shut down', 'the prebuilt database was not shut down');
  deepStrictEqual(report.loaded.schema, report.fresh.schema, 'schemas differ');
  deepStrictEqual(report.loaded.migrations, report.fresh.migrations, 'migration records differ');
} catch (error) {
  console.error(`prebuilt database ${key}: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
console.log(
  `prebuilt database ${key}: ${(bytes.length / 1024 / 1024).toFixed(1)} MB gzip, ${report.files} files, ${report.loaded.migrations.length} migrations, ${report.clusterState}, same schema as a fresh migration`,
);
