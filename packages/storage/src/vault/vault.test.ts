import { describe, expect, it } from 'vitest';
import {
  type CryptoKeyStore,
  type KeyValueStore,
  MemoryCryptoKeyStore,
  MemoryKeyValueStore,
} from './stores.ts';
import { Vault, type VaultOptions } from './vault.ts';

const STORAGE_KEY = 'platform_vault_v1';
const NO_SECRETS = { password: null, connectionStringPassword: null };
// Every test but one hashes profile passwords at a low count; the one proves the default.
const FAST = 1_000;

interface StoredDocument {
  v: number;
  entries: Record<string, { iv: string; ct: string }>;
}

async function openVault(
  storage: KeyValueStore = new MemoryKeyValueStore(),
  keys: CryptoKeyStore = new MemoryCryptoKeyStore(),
  options: Partial<VaultOptions> = {},
) {
  const vault = await Vault.open({ storage, keys, passwordHashIterations: FAST, ...options });
  return { vault, storage, keys };
}

function stored(storage: KeyValueStore): StoredDocument {
  return JSON.parse(storage.getItem(STORAGE_KEY) ?? 'null') as StoredDocument;
}

/** localStorage once the origin's quota is used up: every write throws. */
class FullStore extends MemoryKeyValueStore {
  full = false;
  override setItem(key: string, value: string): void {
    if (this.full) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    super.setItem(key, value);
  }
}

/** localStorage where the user blocked site data: every access throws. */
class BlockedStore implements KeyValueStore {
  getItem(): string | null {
    throw new DOMException('Access is denied for this document.', 'SecurityError');
  }
  setItem(): void {
    throw new DOMException('Access is denied for this document.', 'SecurityError');
  }
  removeItem(): void {
    throw new DOMException('Access is denied for this document.', 'SecurityError');
  }
}

/** A key store that cannot be opened, as IndexedDB in some private windows. */
class BrokenKeyStore implements CryptoKeyStore {
  async load(): Promise<CryptoKey | null> {
    throw new DOMException('IndexedDB is not available.', 'InvalidStateError');
  }
  async save(): Promise<void> {
    throw new DOMException('IndexedDB is not available.', 'InvalidStateError');
  }
  async clear(): Promise<void> {}
}

describe('the vault', () => {
  describe('connection secrets', () => {
    it('gives back what was stored, and stores it only as ciphertext', async () => {
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
      expect(raw).not.toContain('pg-pass-123');
      expect(raw).not.toContain('url-pass-456');
      expect(raw).not.toContain(btoa('pg-pass-123'));
    });

    it('keeps one localStorage key: { v: 1, entries: { name: { iv, ct } } }, 12-byte IVs', async () => {
      const { vault, storage } = await openVault();

      await vault.setConnectionSecrets('u1', 'c1', { password: 'a' });
      await vault.setProfilePassword('u1', 'profile pw');

      expect((storage as MemoryKeyValueStore).keys()).toEqual([STORAGE_KEY]);
      const doc = stored(storage);
      expect(doc.v).toBe(1);
      expect(Object.keys(doc.entries).sort()).toEqual(['conn:u1:c1', 'profile:u1']);
      for (const entry of Object.values(doc.entries)) {
        expect(Object.keys(entry).sort()).toEqual(['ct', 'iv']);
        expect(atob(entry.iv)).toHaveLength(12);
      }
    });

    it('seals every write with a fresh IV', async () => {
      const { vault, storage } = await openVault();

      await vault.setConnectionSecrets('u1', 'c1', { password: 'same' });
      const first = stored(storage).entries['conn:u1:c1'];
      await vault.setConnectionSecrets('u1', 'c1', { password: 'same' });
      const second = stored(storage).entries['conn:u1:c1'];

      expect(second?.iv).not.toBe(first?.iv);
      expect(second?.ct).not.toBe(first?.ct);
    });

    it('keeps an empty password apart from none', async () => {
      const { vault } = await openVault();

      await vault.setConnectionSecrets('u1', 'c1', { password: '' });

      expect(await vault.getConnectionSecrets('u1', 'c1')).toEqual({
        password: '',
        connectionStringPassword: null,
      });
    });

    it('answers nulls for a connection without secrets, and forgets deleted ones', async () => {
      const { vault, storage } = await openVault();
      expect(await vault.getConnectionSecrets('u1', 'c1')).toEqual(NO_SECRETS);
      await vault.setConnectionSecrets('u1', 'c1', { password: 'x' });
      await vault.setConnectionSecrets('u1', 'c2', { password: 'y' });

      await vault.deleteConnectionSecrets('u1', 'c1');
      await vault.setConnectionSecrets('u1', 'c2', { password: null });

      expect(await vault.getConnectionSecrets('u1', 'c1')).toEqual(NO_SECRETS);
      expect(await vault.getConnectionSecrets('u1', 'c2')).toEqual(NO_SECRETS);
      expect(storage.getItem(STORAGE_KEY)).toBeNull();
    });

    it('keeps the secrets of ids containing ":" apart', async () => {
      const { vault } = await openVault();

      await vault.setConnectionSecrets('a', 'b:c', { password: 'user a' });
      await vault.setConnectionSecrets('a:b', 'c', { password: 'user a:b' });
      await vault.deleteUser('a');

      expect((await vault.getConnectionSecrets('a', 'b:c')).password).toBeNull();
      expect((await vault.getConnectionSecrets('a:b', 'c')).password).toBe('user a:b');
    });

    it('applies one instance’s writes in the order they were called', async () => {
      const { vault } = await openVault();

      await Promise.all([
        vault.setConnectionSecrets('u', 'c', { password: 'first' }),
        vault.setConnectionSecrets('u', 'c', { password: 'second' }),
        vault.setConnectionSecrets('u', 'c', { password: 'third' }),
      ]);

      expect((await vault.getConnectionSecrets('u', 'c')).password).toBe('third');
    });
  });

  describe('profile passwords', () => {
    it('verify without the password or its hash stored in clear', async () => {
      const { vault, storage } = await openVault();

      await vault.setProfilePassword('u1', 'my profile password');

      expect(vault.hasProfilePassword('u1')).toBe(true);
      expect(vault.hasProfilePassword('u2')).toBe(false);
      expect(await vault.verifyProfilePassword('u1', 'my profile password')).toBe(true);
      expect(await vault.verifyProfilePassword('u1', 'nope')).toBe(false);
      expect(await vault.verifyProfilePassword('u2', 'my profile password')).toBe(false);
      const hash = (await vault.profilePasswordHash('u1')) ?? '';
      const [, , salt = '', digest = ''] = hash.split('$');
      expect(hash).toMatch(/^pbkdf2-sha256\$1000\$/);
      const raw = storage.getItem(STORAGE_KEY) ?? '';
      expect(raw).not.toContain('my profile password');
      expect(raw).not.toContain(hash);
      expect(raw).not.toContain(salt);
      expect(raw).not.toContain(digest);
    });

    it("hash at OWASP's 600,000 PBKDF2 iterations unless told otherwise", async () => {
      const vault = await Vault.open({
        storage: new MemoryKeyValueStore(),
        keys: new MemoryCryptoKeyStore(),
      });

      await vault.setProfilePassword('u1', 'pw');

      expect(await vault.profilePasswordHash('u1')).toMatch(/^pbkdf2-sha256\$600000\$/);
    });

    it('are replaced and removed', async () => {
      const { vault } = await openVault();
      await vault.setProfilePassword('u1', 'old');

      await vault.setProfilePassword('u1', 'new');
      expect(await vault.verifyProfilePassword('u1', 'old')).toBe(false);
      expect(await vault.verifyProfilePassword('u1', 'new')).toBe(true);

      await vault.removeProfilePassword('u1');
      expect(vault.hasProfilePassword('u1')).toBe(false);
      expect(await vault.verifyProfilePassword('u1', 'new')).toBe(false);
    });

    it('hashed at an older, lower count are re-hashed at the current one when they verify', async () => {
      const storage = new MemoryKeyValueStore();
      const keys = new MemoryCryptoKeyStore();
      const { vault: before } = await openVault(storage, keys, { passwordHashIterations: 1_000 });
      await before.setProfilePassword('u1', 'pw');
      const { vault: after } = await openVault(storage, keys, { passwordHashIterations: 2_000 });

      expect(await after.verifyProfilePassword('u1', 'wrong')).toBe(false);
      expect(await after.profilePasswordHash('u1')).toMatch(/^pbkdf2-sha256\$1000\$/);
      expect(await after.verifyProfilePassword('u1', 'pw')).toBe(true);
      expect(await after.profilePasswordHash('u1')).toMatch(/^pbkdf2-sha256\$2000\$/);
      expect(await after.verifyProfilePassword('u1', 'pw')).toBe(true);
    });

    it('hashed at a higher count than the current one are kept as they are', async () => {
      const storage = new MemoryKeyValueStore();
      const keys = new MemoryCryptoKeyStore();
      const { vault: stronger } = await openVault(storage, keys, { passwordHashIterations: 2_000 });
      await stronger.setProfilePassword('u1', 'pw');
      const { vault } = await openVault(storage, keys, { passwordHashIterations: 1_000 });

      expect(await vault.verifyProfilePassword('u1', 'pw')).toBe(true);
      expect(await vault.profilePasswordHash('u1')).toMatch(/^pbkdf2-sha256\$2000\$/);
    });
  });

  it('keeps its key non-extractable, and only in the key store', async () => {
    const { vault, storage, keys } = await openVault();
    await vault.setConnectionSecrets('u1', 'c1', { password: 'a' });

    const key = await keys.load();
    expect(key?.extractable).toBe(false);
    expect(key?.algorithm).toMatchObject({ name: 'AES-GCM', length: 256 });
    await expect(crypto.subtle.exportKey('raw', key as CryptoKey)).rejects.toThrow();
    expect((storage as MemoryKeyValueStore).keys()).toEqual([STORAGE_KEY]);
  });

  it('reuses the stored key when opened again', async () => {
    const storage = new MemoryKeyValueStore();
    const keys = new MemoryCryptoKeyStore();
    const { vault } = await openVault(storage, keys);
    await vault.setConnectionSecrets('u1', 'c1', { password: 'kept' });

    const { vault: reopened } = await openVault(storage, keys);

    expect((await reopened.getConnectionSecrets('u1', 'c1')).password).toBe('kept');
  });

  it('refuses an entry moved to another slot', async () => {
    const { vault, storage } = await openVault();
    await vault.setConnectionSecrets('u1', 'c1', { password: 'a' });
    await vault.setProfilePassword('u1', 'pw');
    const doc = stored(storage);
    doc.entries['conn:u2:c1'] = doc.entries['conn:u1:c1'] as { iv: string; ct: string };
    doc.entries['profile:u2'] = doc.entries['profile:u1'] as { iv: string; ct: string };
    storage.setItem(STORAGE_KEY, JSON.stringify(doc));

    await expect(vault.getConnectionSecrets('u2', 'c1')).rejects.toMatchObject({
      name: 'VaultError',
      reason: 'VAULT_KEY_LOST',
    });
    await expect(vault.verifyProfilePassword('u2', 'pw')).rejects.toMatchObject({
      reason: 'VAULT_KEY_LOST',
    });
    expect((await vault.getConnectionSecrets('u1', 'c1')).password).toBe('a');
  });

  it('reports a lost key, and reset recovers an empty, working vault', async () => {
    const storage = new MemoryKeyValueStore();
    const { vault } = await openVault(storage);
    await vault.setConnectionSecrets('u1', 'c1', { password: 'a' });
    await vault.setProfilePassword('u1', 'pw');

    // The key store was cleared (IndexedDB wiped) while localStorage kept the ciphertext.
    const keys = new MemoryCryptoKeyStore();
    const { vault: reopened } = await openVault(storage, keys);
    await expect(reopened.getConnectionSecrets('u1', 'c1')).rejects.toMatchObject({
      code: 'STORAGE_UNAVAILABLE',
      reason: 'VAULT_KEY_LOST',
    });
    await expect(reopened.verifyProfilePassword('u1', 'pw')).rejects.toMatchObject({
      reason: 'VAULT_KEY_LOST',
    });

    await reopened.reset();

    expect(await reopened.getConnectionSecrets('u1', 'c1')).toEqual(NO_SECRETS);
    expect(reopened.hasProfilePassword('u1')).toBe(false);
    await reopened.setConnectionSecrets('u1', 'c1', { password: 'b' });
    const { vault: later } = await openVault(storage, keys);
    expect((await later.getConnectionSecrets('u1', 'c1')).password).toBe('b');
  });

  describe('a damaged document', () => {
    const damaged: [string, string][] = [
      ['not JSON', '{broken'],
      ['another version', JSON.stringify({ v: 2, entries: {} })],
      ['entries missing', JSON.stringify({ v: 1 })],
      ['entries an array', JSON.stringify({ v: 1, entries: [] })],
      ['JSON null', 'null'],
    ];
    for (const [what, text] of damaged) {
      it(`is reported as VAULT_CORRUPT (${what}), and reset recovers`, async () => {
        const storage = new MemoryKeyValueStore();
        storage.setItem(STORAGE_KEY, text);
        const { vault } = await openVault(storage);

        await expect(vault.getConnectionSecrets('u', 'c')).rejects.toMatchObject({
          code: 'STORAGE_UNAVAILABLE',
          reason: 'VAULT_CORRUPT',
        });
        expect(() => vault.hasProfilePassword('u')).toThrow(
          expect.objectContaining({ reason: 'VAULT_CORRUPT' }),
        );
        await expect(vault.setConnectionSecrets('u', 'c', { password: 'x' })).rejects.toMatchObject(
          { reason: 'VAULT_CORRUPT' },
        );
        expect(storage.getItem(STORAGE_KEY)).toBe(text);

        await vault.reset();
        await vault.setConnectionSecrets('u', 'c', { password: 'x' });
        expect((await vault.getConnectionSecrets('u', 'c')).password).toBe('x');
      });
    }

    it('with one malformed entry reports that entry as VAULT_CORRUPT', async () => {
      const { vault, storage } = await openVault();
      await vault.setConnectionSecrets('u', 'good', { password: 'g' });
      const doc = stored(storage);
      const bad = { v: 1, entries: { ...doc.entries, 'conn:u:bad': { iv: 42, ct: 'x' } } };
      storage.setItem(STORAGE_KEY, JSON.stringify(bad));

      await expect(vault.getConnectionSecrets('u', 'bad')).rejects.toMatchObject({
        reason: 'VAULT_CORRUPT',
      });
      expect((await vault.getConnectionSecrets('u', 'good')).password).toBe('g');
    });
  });

  describe('when storage fails', () => {
    it('on a full quota, fails with VAULT_UNAVAILABLE and keeps what was stored', async () => {
      const storage = new FullStore();
      const { vault } = await openVault(storage);
      await vault.setConnectionSecrets('u1', 'c1', { password: 'before' });
      await vault.setProfilePassword('u1', 'old pw');
      const before = storage.getItem(STORAGE_KEY);
      storage.full = true;

      await expect(
        vault.setConnectionSecrets('u1', 'c1', { password: 'after' }),
      ).rejects.toMatchObject({ code: 'STORAGE_UNAVAILABLE', reason: 'VAULT_UNAVAILABLE' });
      await expect(vault.setProfilePassword('u1', 'new pw')).rejects.toMatchObject({
        reason: 'VAULT_UNAVAILABLE',
      });
      await expect(
        vault.setConnectionSecrets('u1', 'c2', { password: 'other' }),
      ).rejects.toMatchObject({ reason: 'VAULT_UNAVAILABLE' });

      expect(storage.getItem(STORAGE_KEY)).toBe(before);
      expect((await vault.getConnectionSecrets('u1', 'c1')).password).toBe('before');
      expect((await vault.getConnectionSecrets('u1', 'c2')).password).toBeNull();
      expect(await vault.verifyProfilePassword('u1', 'old pw')).toBe(true);

      // Room again: the vault carries on from where it was.
      storage.full = false;
      await vault.setConnectionSecrets('u1', 'c2', { password: 'other' });
      expect((await vault.getConnectionSecrets('u1', 'c1')).password).toBe('before');
      expect((await vault.getConnectionSecrets('u1', 'c2')).password).toBe('other');
    });

    it('when localStorage is blocked, every call fails with VAULT_UNAVAILABLE', async () => {
      const { vault } = await openVault(new BlockedStore());

      await expect(vault.getConnectionSecrets('u', 'c')).rejects.toMatchObject({
        reason: 'VAULT_UNAVAILABLE',
      });
      await expect(vault.setConnectionSecrets('u', 'c', { password: 'x' })).rejects.toMatchObject({
        reason: 'VAULT_UNAVAILABLE',
      });
      expect(() => vault.hasProfilePassword('u')).toThrow(
        expect.objectContaining({ reason: 'VAULT_UNAVAILABLE' }),
      );
    });

    it('when the key store cannot be used, opening fails with VAULT_UNAVAILABLE', async () => {
      await expect(
        Vault.open({ storage: new MemoryKeyValueStore(), keys: new BrokenKeyStore() }),
      ).rejects.toMatchObject({ name: 'VaultError', reason: 'VAULT_UNAVAILABLE' });
    });
  });

  describe('two tabs on the same storage', () => {
    it("writing at once keep each other's entries", async () => {
      const storage = new MemoryKeyValueStore();
      const keys = new MemoryCryptoKeyStore();
      const { vault: a } = await openVault(storage, keys);
      const { vault: b } = await openVault(storage, keys);

      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          i % 2
            ? a.setConnectionSecrets('u', `c${i}`, { password: `p${i}` })
            : b.setConnectionSecrets('u', `c${i}`, { password: `p${i}` }),
        ),
      );

      for (let i = 0; i < 20; i++) {
        expect((await a.getConnectionSecrets('u', `c${i}`)).password).toBe(`p${i}`);
        expect((await b.getConnectionSecrets('u', `c${i}`)).password).toBe(`p${i}`);
      }
    });

    it('deleting in one keeps what the other wrote meanwhile', async () => {
      const storage = new MemoryKeyValueStore();
      const keys = new MemoryCryptoKeyStore();
      const { vault: a } = await openVault(storage, keys);
      const { vault: b } = await openVault(storage, keys);
      await a.setConnectionSecrets('u', 'old', { password: 'x' });

      await Promise.all([
        a.deleteConnectionSecrets('u', 'old'),
        b.setConnectionSecrets('u', 'new', { password: 'y' }),
        a.setProfilePassword('u', 'pw'),
      ]);

      expect((await b.getConnectionSecrets('u', 'old')).password).toBeNull();
      expect((await a.getConnectionSecrets('u', 'new')).password).toBe('y');
      expect(await b.verifyProfilePassword('u', 'pw')).toBe(true);
    });

    it('follow a reset made in the other: no write is sealed with the old key', async () => {
      const storage = new MemoryKeyValueStore();
      const keys = new MemoryCryptoKeyStore();
      const { vault: a } = await openVault(storage, keys);
      const { vault: b } = await openVault(storage, keys);
      await a.setConnectionSecrets('u', 'c1', { password: 'gone' });

      await a.reset();
      await b.setConnectionSecrets('u', 'c2', { password: 'from b' });
      await a.setConnectionSecrets('u', 'c3', { password: 'from a' });

      expect((await a.getConnectionSecrets('u', 'c1')).password).toBeNull();
      expect((await a.getConnectionSecrets('u', 'c2')).password).toBe('from b');
      expect((await b.getConnectionSecrets('u', 'c3')).password).toBe('from a');
      const { vault: reloaded } = await openVault(storage, keys);
      expect((await reloaded.getConnectionSecrets('u', 'c2')).password).toBe('from b');
    });
  });

  it('puts its key back if the key store was emptied while it was open', async () => {
    const storage = new MemoryKeyValueStore();
    const keys = new MemoryCryptoKeyStore();
    const { vault } = await openVault(storage, keys);
    await vault.setConnectionSecrets('u', 'c1', { password: 'earlier' });

    await keys.clear();
    await vault.setConnectionSecrets('u', 'c2', { password: 'later' });

    const { vault: reloaded } = await openVault(storage, keys);
    expect((await reloaded.getConnectionSecrets('u', 'c1')).password).toBe('earlier');
    expect((await reloaded.getConnectionSecrets('u', 'c2')).password).toBe('later');
  });

  it('removes every entry of a deleted user and nobody else’s', async () => {
    const { vault } = await openVault();
    await vault.setConnectionSecrets('gone', 'c1', { password: 'x' });
    await vault.setConnectionSecrets('gone', 'c2', { connectionStringPassword: 'z' });
    await vault.setProfilePassword('gone', 'pw-gone');
    await vault.setConnectionSecrets('kept', 'c1', { password: 'y' });
    await vault.setProfilePassword('kept', 'pw-kept');
    await vault.setConnectionSecrets('gone-too-similar', 'c1', { password: 'w' });

    await vault.deleteUser('gone');

    expect(vault.hasProfilePassword('gone')).toBe(false);
    expect(await vault.getConnectionSecrets('gone', 'c1')).toEqual(NO_SECRETS);
    expect(await vault.getConnectionSecrets('gone', 'c2')).toEqual(NO_SECRETS);
    expect((await vault.getConnectionSecrets('kept', 'c1')).password).toBe('y');
    expect(await vault.verifyProfilePassword('kept', 'pw-kept')).toBe(true);
    expect((await vault.getConnectionSecrets('gone-too-similar', 'c1')).password).toBe('w');
  });

  it("moves a user's secrets to another id, re-sealed under their new names", async () => {
    const { vault, storage } = await openVault();
    await vault.setConnectionSecrets('local', 'c1', {
      password: 'x',
      connectionStringPassword: 'z',
    });
    await vault.setProfilePassword('local', 'pw-local');
    await vault.setConnectionSecrets('local-other', 'c1', { password: 'kept' });
    await vault.setConnectionSecrets('account', 'c9', { password: 'already there' });

    await vault.moveUser('local', 'account');

    expect(await vault.getConnectionSecrets('account', 'c1')).toEqual({
      password: 'x',
      connectionStringPassword: 'z',
    });
    expect(await vault.verifyProfilePassword('account', 'pw-local')).toBe(true);
    expect((await vault.getConnectionSecrets('account', 'c9')).password).toBe('already there');
    expect(vault.hasProfilePassword('local')).toBe(false);
    expect(await vault.getConnectionSecrets('local', 'c1')).toEqual(NO_SECRETS);
    expect((await vault.getConnectionSecrets('local-other', 'c1')).password).toBe('kept');
    // Re-sealed, not renamed: the old ciphertext is gone, and the authenticated name is the new one.
    expect(Object.keys(stored(storage).entries).sort()).toEqual(
      ['conn:account:c1', 'conn:account:c9', 'conn:local-other:c1', 'profile:account'].sort(),
    );
  });

  it('keeps vaults under different storage keys apart', async () => {
    const storage = new MemoryKeyValueStore();
    const keys = new MemoryCryptoKeyStore();
    const { vault: one } = await openVault(storage, keys, { storageKey: 'vault_one' });
    const { vault: two } = await openVault(storage, keys, { storageKey: 'vault_two' });

    await one.setConnectionSecrets('u', 'c', { password: 'one' });

    expect(await two.getConnectionSecrets('u', 'c')).toEqual(NO_SECRETS);
    expect(storage.getItem(STORAGE_KEY)).toBeNull();
    expect(storage.getItem('vault_one')).not.toBeNull();
  });

  it('rejects invalid input with VAULT_INVALID_INPUT, writing nothing', async () => {
    const { vault, storage } = await openVault();
    const invalid = { code: 'VALIDATION', reason: 'VAULT_INVALID_INPUT' };
    const untyped = (value: unknown) => value as string;

    await expect(vault.setProfilePassword('', 'x')).rejects.toMatchObject(invalid);
    await expect(vault.setProfilePassword('u', '')).rejects.toMatchObject(invalid);
    await expect(vault.setProfilePassword('u', 'x'.repeat(1_025))).rejects.toMatchObject(invalid);
    await expect(vault.setProfilePassword('u', untyped(42))).rejects.toMatchObject(invalid);
    await expect(vault.setProfilePassword('x'.repeat(201), 'pw')).rejects.toMatchObject(invalid);
    await expect(vault.setConnectionSecrets('u', '', { password: 'x' })).rejects.toMatchObject(
      invalid,
    );
    await expect(
      vault.setConnectionSecrets('u', 'c', { sshPrivateKey: 'x'.repeat(65_537) }),
    ).rejects.toMatchObject(invalid);
    await expect(
      vault.setConnectionSecrets('u', 'c', { connectionStringPassword: untyped({}) }),
    ).rejects.toMatchObject(invalid);
    await expect(vault.getConnectionSecrets('', 'c')).rejects.toMatchObject(invalid);
    await expect(vault.deleteConnectionSecrets('u', '')).rejects.toMatchObject(invalid);
    await expect(vault.deleteUser('')).rejects.toMatchObject(invalid);
    await expect(vault.verifyProfilePassword('u', untyped(undefined))).rejects.toMatchObject(
      invalid,
    );
    expect(storage.getItem(STORAGE_KEY)).toBeNull();

    await vault.setConnectionSecrets('u', 'c', { password: 'x'.repeat(1_024) });
    expect((await vault.getConnectionSecrets('u', 'c')).password).toHaveLength(1_024);
  });

  it('writes many connections’ secrets in one write, or none of them on one invalid', async () => {
    const { vault, storage } = await openVault();
    await vault.setConnectionSecrets('u', 'keep', { password: 'old' });
    const before = storage.getItem(STORAGE_KEY);

    await expect(
      vault.setManyConnectionSecrets('u', [
        { connectionId: 'a', secrets: { password: 'pa' } },
        { connectionId: 'b', secrets: { sshPrivateKey: 'x'.repeat(65_537) } },
      ]),
    ).rejects.toMatchObject({ reason: 'VAULT_INVALID_INPUT' });
    expect(storage.getItem(STORAGE_KEY)).toBe(before);

    let writes = 0;
    const setItem = storage.setItem.bind(storage);
    storage.setItem = (key, value) => {
      writes++;
      setItem(key, value);
    };
    await vault.setManyConnectionSecrets('u', [
      { connectionId: 'a', secrets: { password: 'pa' } },
      { connectionId: 'b', secrets: { connectionStringPassword: 'pb', sshPassword: 'sb' } },
      { connectionId: 'keep', secrets: NO_SECRETS },
    ]);
    expect(writes).toBe(1);
    expect(await vault.getConnectionSecrets('u', 'a')).toEqual({ ...NO_SECRETS, password: 'pa' });
    expect(await vault.getConnectionSecrets('u', 'b')).toEqual({
      ...NO_SECRETS,
      connectionStringPassword: 'pb',
      sshPassword: 'sb',
    });
    // No secrets left: the entry is removed, as setConnectionSecrets does.
    expect(Object.keys(stored(storage).entries)).toHaveLength(2);
  });

  it('answers false for a password no profile password can be (empty, too long)', async () => {
    const { vault } = await openVault();
    await vault.setProfilePassword('u', 'pw');

    expect(await vault.verifyProfilePassword('u', '')).toBe(false);
    expect(await vault.verifyProfilePassword('u', 'x'.repeat(1_025))).toBe(false);
  });
});

describe('vault.check()', () => {
  it('is ok when empty, and when every entry opens', async () => {
    const { vault } = await openVault();
    expect(await vault.check()).toBe('ok');

    await vault.setConnectionSecrets('u1', 'c1', { password: 'a' });
    await vault.setProfilePassword('u1', 'pw');

    expect(await vault.check()).toBe('ok');
  });

  it('is key-lost when the key store was cleared but the entries survived', async () => {
    const storage = new MemoryKeyValueStore();
    const keys = new MemoryCryptoKeyStore();
    const { vault } = await openVault(storage, keys);
    await vault.setProfilePassword('u1', 'pw');

    await keys.clear();
    const { vault: reopened } = await openVault(storage, keys);

    expect(await reopened.check()).toBe('key-lost');
    await reopened.reset();
    expect(await reopened.check()).toBe('ok');
  });

  it('is ok in a tab that still holds the old key after another tab reset the vault', async () => {
    const storage = new MemoryKeyValueStore();
    const keys = new MemoryCryptoKeyStore();
    const { vault: first } = await openVault(storage, keys);
    const { vault: second } = await openVault(storage, keys);
    await second.reset();
    await second.setConnectionSecrets('u1', 'c1', { password: 'new' });

    expect(await first.check()).toBe('ok');
  });

  it('is corrupt when the document or an entry is damaged', async () => {
    const storage = new MemoryKeyValueStore();
    storage.setItem(STORAGE_KEY, '{broken');
    expect(await (await openVault(storage)).vault.check()).toBe('corrupt');

    const { vault, storage: other } = await openVault();
    await vault.setConnectionSecrets('u', 'good', { password: 'g' });
    const doc = stored(other);
    other.setItem(
      STORAGE_KEY,
      JSON.stringify({ v: 1, entries: { ...doc.entries, 'conn:u:bad': { iv: 42, ct: 'x' } } }),
    );
    expect(await vault.check()).toBe('corrupt');
  });

  it('is unavailable when localStorage refuses to be read, and does not throw', async () => {
    const { vault } = await openVault(new BlockedStore());

    expect(await vault.check()).toBe('unavailable');
  });

  it('changes nothing it checks', async () => {
    const { vault, storage } = await openVault();
    await vault.setConnectionSecrets('u1', 'c1', { password: 'a' });
    const before = storage.getItem(STORAGE_KEY);

    await vault.check();

    expect(storage.getItem(STORAGE_KEY)).toBe(before);
  });
});
