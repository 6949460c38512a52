import { StorageError, type StorageErrorCode } from '../errors.ts';
import { fromBase64, toBase64 } from './encoding.ts';
import { hashPassword, verifyPassword } from './password-hash.ts';
import type { CryptoKeyStore, KeyValueStore } from './stores.ts';

export type VaultErrorCode =
  | 'VAULT_KEY_LOST'
  | 'VAULT_CORRUPT'
  | 'VAULT_UNAVAILABLE'
  | 'VAULT_INVALID_INPUT';

/** A storage error like any other (`code`), with the vault's own `reason`. */
export class VaultError extends StorageError {
  override readonly name = 'VaultError';
  readonly code: StorageErrorCode;
  constructor(
    readonly reason: VaultErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.code = reason === 'VAULT_INVALID_INPUT' ? 'VALIDATION' : 'STORAGE_UNAVAILABLE';
  }
}

interface Sealed {
  iv: string;
  ct: string;
}
interface VaultDocument {
  v: 1;
  entries: Record<string, Sealed>;
}

export interface ConnectionSecrets {
  password: string | null;
  connectionStringPassword: string | null;
}

const MAX_SECRET = 1_024;

function checkId(value: string, what: string): void {
  if (typeof value !== 'string' || value.length === 0 || value.length > 200) {
    throw new VaultError(
      'VAULT_INVALID_INPUT',
      `${what} must be a non-empty string of at most 200 characters`,
    );
  }
}
function checkSecret(value: string | null | undefined, what: string): void {
  if (value === null || value === undefined) return;
  if (typeof value !== 'string' || value.length > MAX_SECRET) {
    throw new VaultError(
      'VAULT_INVALID_INPUT',
      `${what} must be a string of at most ${MAX_SECRET} characters`,
    );
  }
}

/**
 * Secrets encrypted with AES-GCM into one localStorage entry, each sealed on its own with a fresh
 * IV and its slot name as additional data (a ciphertext moved to another slot fails to open).
 * The key is a non-extractable CryptoKey kept in a separate key store (IndexedDB in browsers):
 * neither the key nor any plaintext ever sits beside the ciphertext.
 */
export class Vault {
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly storage: KeyValueStore,
    private readonly keys: CryptoKeyStore,
    private readonly storageKey: string,
    private key: CryptoKey,
  ) {}

  static async open(options: {
    storage: KeyValueStore;
    keys: CryptoKeyStore;
    storageKey?: string;
  }): Promise<Vault> {
    const storageKey = options.storageKey ?? 'platform_vault_v1';
    let key = await options.keys.load();
    if (!key) {
      key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
        'encrypt',
        'decrypt',
      ]);
      await options.keys.save(key);
    }
    return new Vault(options.storage, options.keys, storageKey, key);
  }

  #read(): VaultDocument {
    let raw: string | null;
    try {
      raw = this.storage.getItem(this.storageKey);
    } catch (cause) {
      throw new VaultError('VAULT_UNAVAILABLE', 'The vault storage cannot be read.', { cause });
    }
    if (raw === null) return { v: 1, entries: {} };
    try {
      const doc = JSON.parse(raw) as VaultDocument;
      if (doc?.v !== 1 || typeof doc.entries !== 'object' || doc.entries === null)
        throw new Error('shape');
      return doc;
    } catch (cause) {
      throw new VaultError('VAULT_CORRUPT', 'The vault is damaged and cannot be read.', { cause });
    }
  }

  /** Writes are serialised and re-read the stored document, so another tab's entries survive. */
  #write(change: (entries: Record<string, Sealed>) => Promise<void> | void): Promise<void> {
    const run = this.#queue.then(async () => {
      const doc = this.#read();
      const entries = { ...doc.entries };
      await change(entries);
      try {
        this.storage.setItem(this.storageKey, JSON.stringify({ v: 1, entries }));
      } catch (cause) {
        throw new VaultError('VAULT_UNAVAILABLE', 'The vault could not be saved (storage full?).', {
          cause,
        });
      }
    });
    this.#queue = run.catch(() => {});
    return run;
  }

  async #seal(name: string, plaintext: string): Promise<Sealed> {
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const ct = await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(name) },
      this.key,
      new TextEncoder().encode(plaintext),
    );
    return { iv: toBase64(iv), ct: toBase64(new Uint8Array(ct)) };
  }

  async #open(name: string): Promise<string | null> {
    const sealed = this.#read().entries[name];
    if (!sealed) return null;
    try {
      const plain = await crypto.subtle.decrypt(
        {
          name: 'AES-GCM',
          iv: fromBase64(sealed.iv),
          additionalData: new TextEncoder().encode(name),
        },
        this.key,
        fromBase64(sealed.ct),
      );
      return new TextDecoder().decode(plain);
    } catch (cause) {
      throw new VaultError(
        'VAULT_KEY_LOST',
        'The vault key does not open this entry: the key store was cleared or the entry was tampered with. Reset the vault and enter the secrets again.',
        { cause },
      );
    }
  }

  /** Forgets every entry and makes a new key: the way out of VAULT_KEY_LOST. */
  async reset(): Promise<void> {
    await this.keys.clear();
    this.key = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
      'encrypt',
      'decrypt',
    ]);
    await this.keys.save(this.key);
    await this.#write((entries) => {
      for (const name of Object.keys(entries)) delete entries[name];
    });
  }

  async setConnectionSecrets(
    userId: string,
    connectionId: string,
    secrets: { password?: string | null; connectionStringPassword?: string | null },
  ): Promise<void> {
    checkId(userId, 'userId');
    checkId(connectionId, 'connectionId');
    checkSecret(secrets.password, 'password');
    checkSecret(secrets.connectionStringPassword, 'connectionStringPassword');
    const name = `conn:${userId}:${connectionId}`;
    const value: ConnectionSecrets = {
      password: secrets.password ?? null,
      connectionStringPassword: secrets.connectionStringPassword ?? null,
    };
    const empty = value.password === null && value.connectionStringPassword === null;
    const sealed = empty ? null : await this.#seal(name, JSON.stringify(value));
    await this.#write((entries) => {
      if (sealed) entries[name] = sealed;
      else delete entries[name];
    });
  }

  async getConnectionSecrets(userId: string, connectionId: string): Promise<ConnectionSecrets> {
    const plain = await this.#open(`conn:${userId}:${connectionId}`);
    return plain === null
      ? { password: null, connectionStringPassword: null }
      : (JSON.parse(plain) as ConnectionSecrets);
  }

  async deleteConnectionSecrets(userId: string, connectionId: string): Promise<void> {
    await this.#write((entries) => {
      delete entries[`conn:${userId}:${connectionId}`];
    });
  }

  async setProfilePassword(userId: string, password: string): Promise<void> {
    checkId(userId, 'userId');
    if (typeof password !== 'string' || password.length === 0 || password.length > MAX_SECRET) {
      throw new VaultError('VAULT_INVALID_INPUT', `password must be 1–${MAX_SECRET} characters`);
    }
    const name = `profile:${userId}`;
    const sealed = await this.#seal(name, await hashPassword(password));
    await this.#write((entries) => {
      entries[name] = sealed;
    });
  }

  async verifyProfilePassword(userId: string, password: string): Promise<boolean> {
    const hash = await this.#open(`profile:${userId}`);
    return hash !== null && typeof password === 'string' && verifyPassword(password, hash);
  }

  hasProfilePassword(userId: string): boolean {
    return `profile:${userId}` in this.#read().entries;
  }

  async removeProfilePassword(userId: string): Promise<void> {
    await this.#write((entries) => {
      delete entries[`profile:${userId}`];
    });
  }

  /** The stored hash, decrypted: for tests proving it is stored nowhere in clear. */
  async profilePasswordHash(userId: string): Promise<string | null> {
    return this.#open(`profile:${userId}`);
  }

  async deleteUser(userId: string): Promise<void> {
    await this.#write((entries) => {
      for (const name of Object.keys(entries)) {
        if (name === `profile:${userId}` || name.startsWith(`conn:${userId}:`))
          delete entries[name];
      }
    });
  }
}
