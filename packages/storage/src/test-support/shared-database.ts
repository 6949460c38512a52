import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { openNodeDatabase } from '../client/open-node.ts';
import type { DatabaseHandle } from '../client/types.ts';
import { type CreateStorageOptions, createStorage, type PlatformStorage } from '../storage.ts';
import { MemoryCryptoKeyStore, MemoryKeyValueStore } from '../vault/index.ts';

/**
 * Test support: creating a PGlite takes seconds here, so a test file opens one migrated database
 * and empties it between tests.
 */
export async function openTestDatabase(): Promise<DatabaseHandle> {
  return openNodeDatabase('memory://');
}

export async function emptyDatabase(handle: DatabaseHandle): Promise<void> {
  await handle.pg.exec(
    'truncate platform_users, query_logs, saved_queries, connections, studio_documents, sync_config, sync_outbox, sync_shapes restart identity cascade',
  );
}

export interface TestStorage {
  storage: PlatformStorage;
  localStorage: MemoryKeyValueStore;
  keys: MemoryCryptoKeyStore;
}

/** A storage over the shared database with its own fresh localStorage and key store. */
export function testStorage(
  database: DatabaseHandle,
  options: Partial<CreateStorageOptions> = {},
): TestStorage {
  const localStorage = (options.localStorage as MemoryKeyValueStore) ?? new MemoryKeyValueStore();
  const keys = (options.cryptoKeys as MemoryCryptoKeyStore) ?? new MemoryCryptoKeyStore();
  const storage = createStorage({ ...options, database, localStorage, cryptoKeys: keys });
  return { storage, localStorage, keys };
}

export interface StorageFixture {
  readonly database: DatabaseHandle;
  readonly storage: PlatformStorage;
}

/**
 * Registers the hooks every storage spec needs: one database for the file, emptied before each
 * test, with a fresh storage over it (its own localStorage and vault key).
 */
export function useTestStorage(): StorageFixture {
  const fixture = {} as { database: DatabaseHandle; storage: PlatformStorage };
  beforeAll(async () => {
    fixture.database = await openTestDatabase();
  });
  afterAll(async () => {
    await fixture.database?.close();
  });
  beforeEach(async () => {
    await emptyDatabase(fixture.database);
    fixture.storage = testStorage(fixture.database).storage;
  });
  afterEach(async () => {
    await fixture.storage?.close();
  });
  return fixture;
}
