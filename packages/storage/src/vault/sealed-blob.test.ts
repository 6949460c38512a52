import { describe, expect, it } from 'vitest';
import { MemoryCryptoKeyStore, MemoryKeyValueStore } from './stores.ts';
import { Vault, VaultError } from './vault.ts';

/** Blobs of any size sealed with the vault's key, each under a localStorage key of its own. */

async function openVault(
  storage = new MemoryKeyValueStore(),
  keys = new MemoryCryptoKeyStore(),
): Promise<{ vault: Vault; storage: MemoryKeyValueStore; keys: MemoryCryptoKeyStore }> {
  return {
    vault: await Vault.open({ storage, keys, passwordHashIterations: 1_000 }),
    storage,
    keys,
  };
}

/** Bytes no compressor shrinks, with a recognisable text in the middle. */
function bytes(size: number, marker: string): Uint8Array<ArrayBuffer> {
  const data = new Uint8Array(size);
  for (let i = 0; i < size; i += 65_536) crypto.getRandomValues(data.subarray(i, i + 65_536));
  data.set(new TextEncoder().encode(marker), Math.floor(size / 2));
  return data;
}

/** A digest to compare megabytes by (a deep equality over millions of elements takes long). */
async function sha256(data: Uint8Array | null): Promise<string | null> {
  if (!data) return null;
  const digest = await crypto.subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>);
  return Buffer.from(digest).toString('hex');
}

const reason = async (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: unknown) => (error instanceof VaultError ? error.reason : String(error)),
  );

describe('sealed blobs', () => {
  it('seal megabytes and open them back byte for byte; only the clear meta is readable', async () => {
    const { vault, storage } = await openVault();
    const data = bytes(3 * 1024 * 1024, 'plain-text-marker-0f9e');

    await vault.sealBlob('legacy-backup', data, { savedAt: '2026-11-30T10:00:00.000Z', n: 1 });

    const stored = storage.getItem('platform_vault_v1:legacy-backup') as string;
    expect(vault.blobKey('legacy-backup')).toBe('platform_vault_v1:legacy-backup');
    expect(stored).not.toContain('plain-text-marker-0f9e');
    expect(stored).not.toContain(btoa('plain-text-marker-0f9e').slice(0, 16));
    const opened = await vault.openBlob('legacy-backup');
    expect(opened?.length).toBe(data.length);
    expect(await sha256(opened)).toBe(await sha256(data));
    expect(vault.blobInfo('legacy-backup')).toEqual({
      meta: { savedAt: '2026-11-30T10:00:00.000Z', n: 1 },
      storedBytes: stored.length,
    });
    expect(Vault.blobInfo(storage, 'platform_vault_v1:legacy-backup', 'legacy-backup')).toEqual(
      vault.blobInfo('legacy-backup'),
    );
    // The vault's own document is untouched, and still opens.
    expect(storage.getItem('platform_vault_v1')).toBeNull();
    expect(await vault.check()).toBe('ok');
  });

  it('is null when there is none, and its name is checked', async () => {
    const { vault } = await openVault();

    expect(await vault.openBlob('nothing-here')).toBeNull();
    expect(vault.blobInfo('nothing-here')).toBeNull();
    expect(() => vault.blobKey('../escape')).toThrow(VaultError);
    expect(await reason(vault.sealBlob('', new Uint8Array(1)))).toBe('VAULT_INVALID_INPUT');
  });

  it('opens only with its key and under its name (the name is the additional data)', async () => {
    const { vault, storage } = await openVault();
    await vault.sealBlob('one', bytes(1_000, 'x'));
    const sealed = JSON.parse(storage.getItem('platform_vault_v1:one') as string) as Record<
      string,
      unknown
    >;
    storage.setItem('platform_vault_v1:two', JSON.stringify({ ...sealed, name: 'two' }));

    expect(await reason(vault.openBlob('two'))).toBe('VAULT_KEY_LOST');

    const other = await openVault(storage);
    expect(await reason(other.vault.openBlob('one'))).toBe('VAULT_KEY_LOST');
  });

  it('a damaged blob is VAULT_CORRUPT', async () => {
    const { vault, storage } = await openVault();
    for (const damaged of ['{not json', '{"format":"platform-sealed-blob","v":2}', 'null']) {
      storage.setItem('platform_vault_v1:b', damaged);
      expect(await reason(vault.openBlob('b'))).toBe('VAULT_CORRUPT');
      expect(vault.blobInfo('b')).toBeNull();
    }
  });

  it('a full localStorage refuses it (VAULT_UNAVAILABLE) and keeps the blob that was there', async () => {
    const { vault, storage } = await openVault();
    const first = bytes(100, 'first');
    await vault.sealBlob('b', first);
    const setItem = storage.setItem.bind(storage);
    storage.setItem = () => {
      throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    };

    expect(await reason(vault.sealBlob('b', bytes(100, 'second')))).toBe('VAULT_UNAVAILABLE');
    storage.setItem = setItem;
    expect(await vault.openBlob('b')).toEqual(first);
  });

  it('a reset removes every blob, which its new key could not open', async () => {
    const { vault, storage } = await openVault();
    await vault.sealBlob('a', bytes(10, 'a'));
    await vault.sealBlob('b', bytes(10, 'b'));
    storage.setItem('platform_vault_v1x', 'not a blob of this vault');

    await vault.reset();

    expect(storage.keys()).toEqual(['platform_vault_v1x']);
    vault.removeBlob('a');
    expect(await vault.openBlob('a')).toBeNull();
  });
});
