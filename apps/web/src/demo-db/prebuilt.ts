/**
 * The demo database, prebuilt (build time, Node): seeded once by the same SQL a worker would run,
 * shut down and packed, so a first run loads it in memory instead of running initdb and the seed
 * in the user's browser (about 8 s on two cores). The bytes travel as a hashed asset through the
 * module `virtual:demo-database`; the key changes with the seed and with PGlite.
 */
import {
  cachedDataDirectory,
  type DataDirectoryRecipe,
  type PrebuiltDatabase,
} from '@platform/storage/prebuilt';
import { dataDirectoryKey, packDataDirectory } from '@platform/storage/prebuilt/build';
import { dataDirectoryPlugin } from '@platform/storage/vite';
import type { Plugin } from 'vite';
import { DEMO_SEED_SQL } from './seed.ts';

export const demoDatabaseRecipe: DataDirectoryRecipe = {
  name: 'demo',
  key: () => dataDirectoryKey({ seed: DEMO_SEED_SQL }),
  build: () =>
    packDataDirectory(async (db) => {
      await db.exec(DEMO_SEED_SQL);
    }),
};

/** The demo database's data directory, from the build cache or built now. */
export function prebuiltDemoDatabase(): Promise<PrebuiltDatabase> {
  return cachedDataDirectory(demoDatabaseRecipe);
}

/** Add to `plugins` and `worker.plugins`: the demo worker imports `virtual:demo-database`. */
export function demoDatabasePlugin(): Plugin {
  return dataDirectoryPlugin({
    moduleId: 'virtual:demo-database',
    assetName: 'demo-database.tgz',
    recipe: demoDatabaseRecipe,
  });
}
