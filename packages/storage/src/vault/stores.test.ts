import { describe, expect, it } from 'vitest';
import { MemoryCryptoKeyStore, MemoryKeyValueStore } from './stores.ts';

describe('MemoryKeyValueStore', () => {
  it('behaves as localStorage: null when absent, strings in and out, removal', () => {
    const store = new MemoryKeyValueStore();

    expect(store.getItem('k')).toBeNull();
    store.setItem('k', 'v1');
    store.setItem('k', 'v2');
    store.setItem('other', 'x');
    expect(store.getItem('k')).toBe('v2');
    expect(store.keys()).toEqual(['k', 'other']);

    store.removeItem('k');
    store.removeItem('never-set');
    expect(store.getItem('k')).toBeNull();
    expect(store.keys()).toEqual(['other']);
  });

  it('keeps separate instances apart', () => {
    const a = new MemoryKeyValueStore();
    const b = new MemoryKeyValueStore();

    a.setItem('k', 'a');

    expect(b.getItem('k')).toBeNull();
  });
});

describe('MemoryCryptoKeyStore', () => {
  it('holds one key until cleared, the very key it was given', async () => {
    const store = new MemoryCryptoKeyStore();
    const key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
      'encrypt',
      'decrypt',
    ]);

    expect(await store.load()).toBeNull();
    await store.save(key);
    expect(await store.load()).toBe(key);

    await store.clear();
    expect(await store.load()).toBeNull();
  });
});
