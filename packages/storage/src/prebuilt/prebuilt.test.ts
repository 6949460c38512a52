import { browserMigrations } from '@platform/schema/browser-migrations';
import { describe, expect, it } from 'vitest';
import { OPFS_INITIAL_POOL, OPFS_SPARE_HANDLES } from '../client/opfs-pool.ts';
import { buildPrebuiltDatabase, prebuiltDatabaseKey } from './build.ts';
import { prebuiltDatabase } from './cache.ts';
import { comparePrebuilt } from './verify.ts';

const SLOW = { timeout: 120_000 };

describe('the prebuilt platform database', () => {
  it(
    'is the database a fresh migration makes: same schema, triggers, functions and migration records',
    SLOW,
    async () => {
      const { bytes } = await prebuiltDatabase();
      const report = await comparePrebuilt(bytes);
      expect(report.appliedOnLoad).toEqual([]);
      expect(report.loaded.schema).toEqual(report.fresh.schema);
      expect(report.loaded.migrations).toEqual(report.fresh.migrations);
      expect(report.loaded.migrations).toHaveLength(browserMigrations.length);
      // Only the database the platform uses: the templates are left out on purpose.
      expect(report.loaded.databases).toEqual(['postgres']);
      expect(report.fresh.databases).toEqual(['postgres', 'template0', 'template1']);
      // Made from a database that was shut down: a load starts it without crash recovery.
      expect(report.clusterState).toBe('shut down');
      // Its files fit in a new OPFS pool with PGlite's spare handles still free.
      expect(report.files + OPFS_SPARE_HANDLES).toBeLessThanOrEqual(OPFS_INITIAL_POOL);
    },
  );

  it(
    'built before the newest migration, is migrated forward on load to the same schema',
    SLOW,
    async () => {
      const older = browserMigrations.slice(0, -1);
      const newest = browserMigrations.at(-1);
      const report = await comparePrebuilt(await buildPrebuiltDatabase(older));
      expect(report.appliedOnLoad).toEqual([newest?.tag]);
      expect(report.clusterState).toBe('shut down');
      expect(report.loaded.schema).toEqual(report.fresh.schema);
      expect(report.loaded.migrations).toEqual(report.fresh.migrations);
    },
  );

  it('is built again when any migration changes: its key follows tags and hashes', () => {
    const key = prebuiltDatabaseKey();
    expect(prebuiltDatabaseKey(browserMigrations)).toBe(key);
    const edited = browserMigrations.map((m, i) =>
      i === browserMigrations.length - 1 ? { ...m, hash: `${m.hash}0` } : m,
    );
    expect(prebuiltDatabaseKey(edited)).not.toBe(key);
    expect(prebuiltDatabaseKey(browserMigrations.slice(0, -1))).not.toBe(key);
  });
});
