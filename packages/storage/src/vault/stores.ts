/** The shape of `window.localStorage`, so `localStorage` itself is one. */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
  /** `localStorage.key(i)` and `length`: how a store lists its keys, where it can. */
  key?(index: number): string | null;
  readonly length?: number;
  /** Another way to list them (`MemoryKeyValueStore`). */
  keys?(): string[];
}

/**
 * Every key a store holds, or null when it cannot list them (a store with only get, set and
 * remove). `localStorage` lists them by `key(i)`.
 */
export function storedKeys(store: KeyValueStore): string[] | null {
  if (typeof store.keys === 'function') return store.keys();
  if (typeof store.key === 'function' && typeof store.length === 'number') {
    const keys: string[] = [];
    for (let i = 0; i < store.length; i++) {
      const key = store.key(i);
      if (key !== null) keys.push(key);
    }
    return keys;
  }
  return null;
}

/** A real in-memory store: Node, and browsers where localStorage is unavailable. */
export class MemoryKeyValueStore implements KeyValueStore {
  readonly #items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.#items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.#items.set(key, String(value));
  }
  removeItem(key: string): void {
    this.#items.delete(key);
  }
  keys(): string[] {
    return [...this.#items.keys()];
  }
}

/** Where the vault's key lives: never beside the ciphertext it protects. */
export interface CryptoKeyStore {
  load(): Promise<CryptoKey | null>;
  save(key: CryptoKey): Promise<void>;
  clear(): Promise<void>;
}

export class MemoryCryptoKeyStore implements CryptoKeyStore {
  #key: CryptoKey | null = null;
  async load(): Promise<CryptoKey | null> {
    return this.#key;
  }
  async save(key: CryptoKey): Promise<void> {
    this.#key = key;
  }
  async clear(): Promise<void> {
    this.#key = null;
  }
}

/**
 * Keeps the key in its own small IndexedDB database. IndexedDB stores a CryptoKey by structured
 * clone, so a non-extractable key stays non-extractable: script can use it but never read it.
 */
export class IndexedDbCryptoKeyStore implements CryptoKeyStore {
  static readonly STORE = 'keys';
  static readonly RECORD = 'vault';

  constructor(private readonly databaseName = 'platform-vault-keys') {}

  #open(): Promise<IDBDatabase> {
    return new Promise((resolve, reject) => {
      const request = indexedDB.open(this.databaseName, 1);
      request.onupgradeneeded = () =>
        request.result.createObjectStore(IndexedDbCryptoKeyStore.STORE);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  async #run<T>(
    mode: IDBTransactionMode,
    fn: (store: IDBObjectStore) => IDBRequest<T>,
  ): Promise<T> {
    const db = await this.#open();
    try {
      return await new Promise<T>((resolve, reject) => {
        const tx = db.transaction(IndexedDbCryptoKeyStore.STORE, mode);
        const request = fn(tx.objectStore(IndexedDbCryptoKeyStore.STORE));
        tx.oncomplete = () => resolve(request.result);
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error);
      });
    } finally {
      db.close();
    }
  }

  async load(): Promise<CryptoKey | null> {
    const key = await this.#run('readonly', (s) => s.get(IndexedDbCryptoKeyStore.RECORD));
    return (key as CryptoKey | undefined) ?? null;
  }
  async save(key: CryptoKey): Promise<void> {
    await this.#run('readwrite', (s) => s.put(key, IndexedDbCryptoKeyStore.RECORD));
  }
  async clear(): Promise<void> {
    await this.#run('readwrite', (s) => s.delete(IndexedDbCryptoKeyStore.RECORD));
  }
}
