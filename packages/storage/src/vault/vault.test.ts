import { describe, expect, it } from 'vitest';
import { MemoryCryptoKeyStore, MemoryKeyValueStore } from './stores.ts';
import { Vault } from './vault.ts';

const STORAGE_KEY = 'platform_vault_v1';

async function openVault(storage = new MemoryKeyValueStore(), keys = new MemoryCryptoKeyStore()) {
  return { vault: await Vault.open({ storage, keys }), storage, keys };
}

/** A store whose writes fail, as localStorage does when the origin's quota is used up. */
class FullStore extends MemoryKeyValueStore {
  full = false;
  override setItem(key: string, value: string): void {
    if (this.full) throw new DOMException('quota', 'QuotaExceededError');
    super.setItem(key, value);
  }
}

describe('the vault', () => {
  it('gives back connection secrets, and stores them only as ciphertext', async () => {
    const { vault, storage } = await openVault();

    await vault.setConnectionSecrets('u1', 'c1', {
      password: 'pg-pass-123',
      connectionStringPassword: 'url-pass-456',
    });

    expect(await vault.getConnectionSecrets('u1', 'c1')).toEqual({
      password: 'pg-pass-123',
      connectionStringPassword: 'url-pass-456',
    });
    const raw = storage.getItem(STORAGE_KEY) ?? '';
    expect(raw).toContain('conn:u1:c1');
    expect(raw).not.toContain('pg-pass-123');
    expect(raw).not.toContain('url-pass-456');
  });

  it('answers nulls for a connection without secrets, and forgets deleted ones', async () => {
    const { vault } = await openVault();
    await vault.setConnectionSecrets('u1', 'c1', { password: 'x' });

    await vault.deleteConnectionSecrets('u1', 'c1');

    expect(await vault.getConnectionSecrets('u1', 'c1')).toEqual({
      password: null,
      connectionStringPassword: null,
    });
  });

  it('verifies profile passwords without storing the password or its hash in clear', async () => {
    const { vault, storage } = await openVault();

    await vault.setProfilePassword('u1', 'my profile password');

    expect(vault.hasProfilePassword('u1')).toBe(true);
    expect(await vault.verifyProfilePassword('u1', 'my profile password')).toBe(true);
    expect(await vault.verifyProfilePassword('u1', 'nope')).toBe(false);
    expect(await vault.verifyProfilePassword('u2', 'my profile password')).toBe(false);
    const hash = await vault.profilePasswordHash('u1');
    const raw = storage.getItem(STORAGE_KEY) ?? '';
    expect(hash).toMatch(/^pbkdf2-sha256\$600000\$/);
    expect(raw).not.toContain('my profile password');
    expect(raw).not.toContain(hash?.split('$')[3]);
  });

  it('keeps the key non-extractable', async () => {
    const keys = new MemoryCryptoKeyStore();
    await openVault(new MemoryKeyValueStore(), keys);

    const key = await keys.load();
    expect(key?.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('raw', key as CryptoKey)).rejects.toThrow();
  });

  it('refuses an entry moved to another slot', async () => {
    const { vault, storage } = await openVault();
    await vault.setConnectionSecrets('u1', 'c1', { password: 'a' });
    const doc = JSON.parse(storage.getItem(STORAGE_KEY) ?? '{}');
    doc.entries['conn:u2:c1'] = doc.entries['conn:u1:c1'];
    storage.setItem(STORAGE_KEY, JSON.stringify(doc));

    await expect(vault.getConnectionSecrets('u2', 'c1')).rejects.toMatchObject({
      reason: 'VAULT_KEY_LOST',
    });
  });

  it('reports a lost key, and reset recovers an empty, working vault', async () => {
    const storage = new MemoryKeyValueStore();
    const { vault } = await openVault(storage);
    await vault.setConnectionSecrets('u1', 'c1', { password: 'a' });

    // The key store was cleared (say, IndexedDB wiped) while localStorage kept the ciphertext.
    const { vault: reopened } = await openVault(storage, new MemoryCryptoKeyStore());
    await expect(reopened.getConnectionSecrets('u1', 'c1')).rejects.toMatchObject({
      reason: 'VAULT_KEY_LOST',
    });

    await reopened.reset();
    expect(await reopened.getConnectionSecrets('u1', 'c1')).toEqual({
      password: null,
      connectionStringPassword: null,
    });
    await reopened.setConnectionSecrets('u1', 'c1', { password: 'b' });
    expect((await reopened.getConnectionSecrets('u1', 'c1')).password).toBe('b');
  });

  it('reports a damaged vault document', async () => {
    const storage = new MemoryKeyValueStore();
    storage.setItem(STORAGE_KEY, '{broken');
    const { vault } = await openVault(storage);

    await expect(vault.getConnectionSecrets('u', 'c')).rejects.toMatchObject({
      reason: 'VAULT_CORRUPT',
    });
  });

  it('when storage is full, fails clearly and keeps what was stored', async () => {
    const storage = new FullStore();
    const { vault } = await openVault(storage);
    await vault.setConnectionSecrets('u1', 'c1', { password: 'before' });
    storage.full = true;

    await expect(
      vault.setConnectionSecrets('u1', 'c1', { password: 'after' }),
    ).rejects.toMatchObject({
      reason: 'VAULT_UNAVAILABLE',
    });
    expect((await vault.getConnectionSecrets('u1', 'c1')).password).toBe('before');
  });

  it("two tabs writing at once keep each other's entries", async () => {
    const storage = new MemoryKeyValueStore();
    const keys = new MemoryCryptoKeyStore();
    const { vault: a } = await openVault(storage, keys);
    const { vault: b } = await openVault(storage, keys);

    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 ? a : b).setConnectionSecrets('u', `c${i}`, { password: `p${i}` }),
      ),
    );

    for (let i = 0; i < 10; i++)
      expect((await a.getConnectionSecrets('u', `c${i}`)).password).toBe(`p${i}`);
  });

  it('removes every entry of a deleted user and nobody else', async () => {
    const { vault } = await openVault();
    await vault.setConnectionSecrets('gone', 'c1', { password: 'x' });
    await vault.setProfilePassword('gone', 'pw-gone');
    await vault.setConnectionSecrets('kept', 'c1', { password: 'y' });

    await vault.deleteUser('gone');

    expect(vault.hasProfilePassword('gone')).toBe(false);
    expect((await vault.getConnectionSecrets('gone', 'c1')).password).toBeNull();
    expect((await vault.getConnectionSecrets('kept', 'c1')).password).toBe('y');
  });

  it('rejects invalid input', async () => {
    const { vault } = await openVault();

    await expect(vault.setProfilePassword('', 'x')).rejects.toMatchObject({
      reason: 'VAULT_INVALID_INPUT',
    });
    await expect(vault.setProfilePassword('u', 'x'.repeat(2000))).rejects.toMatchObject({
      reason: 'VAULT_INVALID_INPUT',
    });
  });
});
