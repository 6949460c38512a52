import { browserMigrations } from '@platform/schema/browser-migrations';
import { describe, expect, it } from 'vitest';
import { newDatabasePoolSize, OPFS_SPARE_HANDLES } from '../client/opfs-pool.ts';
import {
  buildPrebuiltDatabase,
  packedEntries,
  packedFileCount,
  prebuiltDatabaseKey,
} from './build.ts';
import { prebuiltDatabase } from './cache.ts';
import { initialiseDataDirectory } from './initialise.ts';
import { comparePrebuilt } from './verify.ts';

const SLOW = { timeout: 120_000 };
/** Handles a load must leave free for PostgreSQL's start (see the spec that uses it). */
const START_HEADROOM = 25;

describe('the prebuilt platform database', () => {
  it(
    'is the database a fresh migration makes: same schema, triggers, functions and migration records',
    SLOW,
    async () => {
      const { bytes, files } = await prebuiltDatabase();
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
      // Started, it has the files it shipped with and the `postmaster.pid` PGlite writes: no map
      // left out is made again on start.
      expect(report.files).toBe(files + 1);
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

  it(
    'ships without the free-space and visibility maps, and a new OPFS pool holds it with every spare handle free',
    SLOW,
    async () => {
      const { bytes, files } = await prebuiltDatabase();
      const entries = await packedEntries(bytes);
      expect(entries.filter((entry) => /_(fsm|vm)$/.test(entry.path))).toEqual([]);
      expect(entries.filter((entry) => entry.file)).toHaveLength(files);
      expect(newDatabasePoolSize(files) - files).toBe(OPFS_SPARE_HANDLES);
    },
  );

  it(
    'the directory the worker initialises itself (no prebuilt one) fits the same pool, with room for the start',
    SLOW,
    async () => {
      const { files } = await prebuiltDatabase();
      const initialised = await packedFileCount(new Uint8Array(await initialiseDataDirectory()));
      // PostgreSQL's start takes a few handles before PGlite tops the pool up after the first
      // statement; the margin is generous on purpose.
      expect(initialised).toBeLessThanOrEqual(newDatabasePoolSize(files) - START_HEADROOM);
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
