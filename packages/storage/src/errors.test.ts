import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  QuotaExceededError,
  StorageUnavailableError,
  translateDatabaseError,
  ValidationError,
} from './errors.ts';
import { testStorage, useTestStorage } from './test-support/shared-database.ts';
import { MemoryKeyValueStore } from './vault/index.ts';

const pgError = (code: string) => Object.assign(new Error(`pg ${code}`), { code });

describe('translateDatabaseError', () => {
  it('maps Postgres failures to storage errors', () => {
    expect(translateDatabaseError(pgError('23505'), 'x')).toBeInstanceOf(ConflictError);
    expect(translateDatabaseError(pgError('23514'), 'x')).toBeInstanceOf(ValidationError);
    expect(translateDatabaseError(pgError('53100'), 'x')).toBeInstanceOf(QuotaExceededError);
  });

  it('recognises a full browser store, however deep the cause', () => {
    const quota = new DOMException('full', 'QuotaExceededError');
    const wrapped = new Error('flush failed', { cause: quota });

    expect(translateDatabaseError(wrapped, 'x')).toBeInstanceOf(QuotaExceededError);
  });

  it('reports the leader tab closing mid-request as unavailable, for the caller to retry', () => {
    const leaderGone = Object.assign(new Error('pending operation'), {
      name: 'LeaderChangedError',
    });

    expect(translateDatabaseError(leaderGone, 'x')).toMatchObject({
      code: 'STORAGE_UNAVAILABLE',
      reason: 'leader-changed',
    });
    expect(translateDatabaseError(leaderGone, 'x')).toBeInstanceOf(StorageUnavailableError);
  });

  it('leaves errors it does not know alone', () => {
    const other = new TypeError('bug');

    expect(translateDatabaseError(other, 'x')).toBe(other);
  });
});

/** localStorage with its quota used up, as browsers throw it. */
class FullLocalStorage extends MemoryKeyValueStore {
  full = false;
  override setItem(key: string, value: string): void {
    if (this.full) throw new DOMException('quota', 'QuotaExceededError');
    super.setItem(key, value);
  }
}

describe('a full localStorage', () => {
  const ctx = useTestStorage();

  it('fails a connection save with a clear error and writes nothing', async () => {
    const localStorage = new FullLocalStorage();
    const { storage } = testStorage(ctx.database, { localStorage });
    await storage.open();
    localStorage.full = true;

    const attempt = storage.saveConnection({
      id: 'c1',
      name: 'Prod',
      type: 'postgres',
      password: 'pw',
      createdAt: new Date(),
    });

    await expect(attempt).rejects.toMatchObject({
      code: 'STORAGE_UNAVAILABLE',
      reason: 'VAULT_UNAVAILABLE',
    });
    expect(await storage.getConnections()).toEqual([]);
    await storage.close();
  });
});
