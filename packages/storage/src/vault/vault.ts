import { StorageError, type StorageErrorCode } from '../errors.ts';
import { fromBase64, toBase64 } from './encoding.ts';
import {
  hashIterations,
  hashPassword,
  MAX_PBKDF2_ITERATIONS,
  PBKDF2_ITERATIONS,
  verifyPassword,
} from './password-hash.ts';
import { type CryptoKeyStore, type KeyValueStore, storedKeys } from './stores.ts';

export type VaultErrorCode =
  /** Entries exist that the key cannot open: the key store was cleared, or an entry was moved. */
  | 'VAULT_KEY_LOST'
  /** The stored document is not JSON, not version 1, or an entry is malformed. */
  | 'VAULT_CORRUPT'
  /** localStorage or the key store refused a read or a write (quota, disabled storage). */
  | 'VAULT_UNAVAILABLE'
  | 'VAULT_INVALID_INPUT';

/**
 * A storage error like any other: `code` is the package-wide `StorageErrorCode` the studio
 * switches on, and `reason` says what went wrong in the vault.
 */
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

/**
 * What `Vault.check()` found. `key-lost`: entries exist that the key cannot open (the key store
 * was cleared while localStorage survived); `corrupt`: the document or an entry is damaged;
 * `unavailable`: the browser refuses the vault its storage. Reset cures the first two.
 */
export type VaultStatus = 'ok' | 'key-lost' | 'corrupt' | 'unavailable';

/** The secrets of a connection that live nowhere but here (see `connection-secrets.ts`). */
export const EXTRA_SECRET_NAMES = [
  'sslClientKey',
  'sshPassword',
  'sshPrivateKey',
  'sshPassphrase',
  'agentPassword',
] as const;
export type ExtraSecretName = (typeof EXTRA_SECRET_NAMES)[number];

/**
 * A connection's secrets. The first two are always answered (`null`: none); the others only
 * when the connection has them. `''` is a secret like any other, kept apart from none.
 */
export type ConnectionSecrets = {
  password: string | null;
  connectionStringPassword: string | null;
} & Partial<Record<ExtraSecretName, string>>;

export type ConnectionSecretsInput = {
  password?: string | null;
  connectionStringPassword?: string | null;
} & Partial<Record<ExtraSecretName, string | null>>;

export interface VaultOptions {
  storage: KeyValueStore;
  keys: CryptoKeyStore;
  /** The localStorage key holding the vault; default `platform_vault_v1`. */
  storageKey?: string;
  /**
   * PBKDF2 iterations for new profile password hashes; default `PBKDF2_ITERATIONS`. Only tests
   * lower it. Hashes made with fewer are upgraded when their password next verifies.
   */
  passwordHashIterations?: number;
}

interface Sealed {
  iv: string;
  ct: string;
}
type Entries = Record<string, Sealed>;

const DEFAULT_STORAGE_KEY = 'platform_vault_v1';
const MAX_ID = 200;
const MAX_PASSWORD = 1_024;
/** A connection secret: an SSH private key in PEM is several KiB. */
const MAX_SECRET = 65_536;
const IV_BYTES = 12;

function invalid(message: string): VaultError {
  return new VaultError('VAULT_INVALID_INPUT', message);
}

function checkId(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_ID) {
    throw invalid(`${what} must be a non-empty string of at most ${MAX_ID} characters`);
  }
  return value;
}

function checkSecret(value: unknown, what: string): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string' || value.length > MAX_SECRET) {
    throw invalid(`${what} must be a string of at most ${MAX_SECRET} characters`);
  }
  return value;
}

function checkPassword(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_PASSWORD) {
    throw invalid(`password must be a string of 1 to ${MAX_PASSWORD} characters`);
  }
  return value;
}

/**
 * Ids go into entry names as they are, but for `%` and `:`, so `conn:a:b:c` cannot be both
 * user `a`'s connection `b:c` and user `a:b`'s connection `c`.
 */
const escapeId = (id: string) => id.replace(/[%:]/g, (c) => (c === '%' ? '%25' : '%3A'));
const connectionEntry = (userId: string, connectionId: string) =>
  `conn:${escapeId(userId)}:${escapeId(connectionId)}`;
const profileEntry = (userId: string) => `profile:${escapeId(userId)}`;

/**
 * A blob sealed by `Vault.sealBlob`, stored under a localStorage key of its own: the vault's
 * document holds small secrets and is rewritten whole on every change, a blob may be megabytes.
 * `meta` is stored in clear beside the ciphertext, for showing what the blob is without the
 * key: it must never hold a secret.
 */
interface SealedBlob {
  format: typeof BLOB_FORMAT;
  v: 1;
  name: string;
  meta: Record<string, unknown>;
  iv: string;
  ct: string;
}

const BLOB_FORMAT = 'platform-sealed-blob';
/** Blob names: the end of a localStorage key, so plain. */
const BLOB_NAME = /^[a-z0-9][a-z0-9._-]{0,99}$/;

function checkBlobName(name: unknown): string {
  if (typeof name !== 'string' || !BLOB_NAME.test(name)) {
    throw invalid('a blob name must be 1 to 100 of a-z, 0-9, ".", "_" and "-"');
  }
  return name;
}

/** The additional data a blob is sealed with: its name, so a blob moved to another name fails. */
const blobEntry = (name: string) => `blob:${name}`;

export interface SealedBlobInfo {
  /** What the sealer stored in clear beside the ciphertext. */
  meta: Record<string, unknown>;
  /** The stored text's length: what it takes in localStorage (it is ASCII). */
  storedBytes: number;
}

function parseBlob(raw: string, name: string): SealedBlob {
  let blob: Partial<SealedBlob> | null = null;
  try {
    blob = JSON.parse(raw) as Partial<SealedBlob> | null;
  } catch {
    // Reported below as damaged.
  }
  if (
    blob?.format !== BLOB_FORMAT ||
    blob.v !== 1 ||
    blob.name !== name ||
    typeof blob.iv !== 'string' ||
    typeof blob.ct !== 'string' ||
    typeof blob.meta !== 'object' ||
    blob.meta === null
  ) {
    throw new VaultError('VAULT_CORRUPT', `The sealed blob ${name} is damaged.`);
  }
  return blob as SealedBlob;
}

function isSealed(value: unknown): value is Sealed {
  const v = value as Partial<Sealed> | null;
  return (
    typeof v === 'object' && v !== null && typeof v.iv === 'string' && typeof v.ct === 'string'
  );
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function generateKey(): Promise<CryptoKey> {
  // Non-extractable: script in this origin can use the key but never read it out.
  return crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

/**
 * Runs `task` holding a lock shared by every tab of the origin, where the Web Locks API exists,
 * so two tabs neither make two keys nor interleave a read-modify-write of the document.
 */
function acrossTabs<T>(name: string, task: () => Promise<T>): Promise<T> {
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
  return locks ? (locks.request(name, task) as Promise<T>) : task();
}

async function keyStoreCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (cause) {
    throw new VaultError('VAULT_UNAVAILABLE', 'The vault key store cannot be used.', { cause });
  }
}

/**
 * Secrets encrypted with AES-GCM into one localStorage entry, `{ v: 1, entries }`, each entry
 * sealed on its own with a fresh IV and its name as additional data, so a ciphertext moved to
 * another entry fails to open. The key is a non-extractable CryptoKey kept in a separate key
 * store (IndexedDB in browsers): neither the key nor any plaintext sits beside the ciphertext.
 *
 * Nothing is cached: every read parses the stored document and every write re-reads it and
 * changes only its own entries, so other tabs' writes are kept and a failed write leaves the
 * vault as it was.
 */
export class Vault {
  #queue: Promise<unknown> = Promise.resolve();
  #key: CryptoKey;

  private constructor(
    private readonly storage: KeyValueStore,
    private readonly keys: CryptoKeyStore,
    private readonly storageKey: string,
    private readonly iterations: number,
    key: CryptoKey,
  ) {
    this.#key = key;
  }

  /** Opens the vault, making and storing its key on first use. */
  static async open(options: VaultOptions): Promise<Vault> {
    const storageKey = options.storageKey ?? DEFAULT_STORAGE_KEY;
    const iterations = options.passwordHashIterations ?? PBKDF2_ITERATIONS;
    if (!Number.isInteger(iterations) || iterations < 1 || iterations > MAX_PBKDF2_ITERATIONS) {
      throw invalid(`passwordHashIterations must be an integer from 1 to ${MAX_PBKDF2_ITERATIONS}`);
    }
    const key = await acrossTabs(`${storageKey}:key`, () =>
      keyStoreCall(async () => {
        const stored = await options.keys.load();
        if (stored) return stored;
        const created = await generateKey();
        await options.keys.save(created);
        return created;
      }),
    );
    return new Vault(options.storage, options.keys, storageKey, iterations, key);
  }

  #read(): Entries {
    let raw: string | null;
    try {
      raw = this.storage.getItem(this.storageKey);
    } catch (cause) {
      throw new VaultError('VAULT_UNAVAILABLE', 'The vault storage cannot be read.', { cause });
    }
    if (raw === null) return {};
    let doc: unknown;
    try {
      doc = JSON.parse(raw);
    } catch (cause) {
      throw new VaultError('VAULT_CORRUPT', 'The vault is damaged (not JSON); reset it.', {
        cause,
      });
    }
    const { v, entries } = (doc ?? {}) as { v?: unknown; entries?: unknown };
    if (v !== 1 || typeof entries !== 'object' || entries === null || Array.isArray(entries)) {
      throw new VaultError('VAULT_CORRUPT', 'The vault is damaged or of an unknown version.');
    }
    return entries as Entries;
  }

  /**
   * Serialises this instance's writes (and, across tabs, holds the vault's lock). `prepare` may
   * await (encryption, the key store); `change` then re-reads the document and edits it with no
   * await in between, and memory is never ahead of storage: a failed `setItem` changes nothing.
   */
  #write<P>(prepare: () => Promise<P>, change: (entries: Entries, prepared: P) => void) {
    const run = this.#queue.then(() =>
      acrossTabs(this.storageKey, async () => {
        // Another tab may have reset the vault, or the key store may have been cleared while this
        // tab still holds the key: follow the stored key, or put ours back.
        const stored = await keyStoreCall(() => this.keys.load());
        if (stored) this.#key = stored;
        else await keyStoreCall(() => this.keys.save(this.#key));
        const prepared = await prepare();
        const entries = { ...this.#read() };
        change(entries, prepared);
        this.#store(entries);
      }),
    );
    this.#queue = run.catch(() => {});
    return run;
  }

  #store(entries: Entries): void {
    try {
      if (Object.keys(entries).length === 0) this.storage.removeItem(this.storageKey);
      else this.storage.setItem(this.storageKey, JSON.stringify({ v: 1, entries }));
    } catch (cause) {
      throw new VaultError('VAULT_UNAVAILABLE', 'The vault could not be saved (storage full?).', {
        cause,
      });
    }
  }

  async #seal(name: string, plaintext: string): Promise<Sealed> {
    const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
    const ct = await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(name) },
      this.#key,
      new TextEncoder().encode(plaintext),
    );
    return { iv: toBase64(iv), ct: toBase64(new Uint8Array(ct)) };
  }

  async #decrypt(name: string, sealed: Sealed, key: CryptoKey): Promise<string | null> {
    const plain = await this.#decryptBytes(name, sealed, key);
    return plain === null ? null : new TextDecoder().decode(plain);
  }

  async #sealBytes(name: string, plaintext: Uint8Array<ArrayBuffer>): Promise<Sealed> {
    const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
    const ct = await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(name) },
      this.#key,
      plaintext,
    );
    return { iv: toBase64(iv), ct: toBase64(new Uint8Array(ct)) };
  }

  async #decryptBytes(name: string, sealed: Sealed, key: CryptoKey): Promise<Uint8Array | null> {
    const iv = fromBase64(sealed.iv);
    const ct = fromBase64(sealed.ct);
    if (iv?.length !== IV_BYTES || !ct) {
      throw new VaultError('VAULT_CORRUPT', `The vault entry ${name} is damaged; reset the vault.`);
    }
    try {
      const plain = await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(name) },
        key,
        ct,
      );
      return new Uint8Array(plain);
    } catch {
      return null;
    }
  }

  /** The entry's plaintext, `null` when there is none. */
  async #open(name: string): Promise<{ sealed: Sealed; plain: string } | null> {
    const entries = this.#read();
    if (!Object.hasOwn(entries, name)) return null;
    const sealed = entries[name];
    if (!isSealed(sealed)) {
      throw new VaultError('VAULT_CORRUPT', `The vault entry ${name} is damaged; reset the vault.`);
    }
    let plain = await this.#decrypt(name, sealed, this.#key);
    if (plain === null) {
      // Another tab may have reset the vault since this one loaded its key.
      const stored = await keyStoreCall(() => this.keys.load());
      if (stored) {
        plain = await this.#decrypt(name, sealed, stored);
        if (plain !== null) this.#key = stored;
      }
    }
    if (plain === null) {
      throw new VaultError(
        'VAULT_KEY_LOST',
        `The vault key does not open ${name}: the key store was cleared (site data removed in part) or the entry was tampered with. Reset the vault and enter the secrets again.`,
      );
    }
    return { sealed, plain };
  }

  /**
   * Opens every entry once, without keeping any plaintext, to tell the studio whether the
   * secrets are readable. A decryption per entry: well under a millisecond each.
   */
  async check(): Promise<VaultStatus> {
    try {
      const entries = this.#read();
      let reloaded = false;
      for (const [name, sealed] of Object.entries(entries)) {
        if (!isSealed(sealed)) return 'corrupt';
        let plain = await this.#decrypt(name, sealed, this.#key);
        if (plain === null && !reloaded) {
          // Another tab may have reset the vault since this one loaded its key.
          reloaded = true;
          const stored = await keyStoreCall(() => this.keys.load());
          if (stored && stored !== this.#key) {
            plain = await this.#decrypt(name, sealed, stored);
            if (plain !== null) this.#key = stored;
          }
        }
        if (plain === null) return 'key-lost';
        if (name.startsWith('conn:') && !isJson(plain)) return 'corrupt';
      }
      return 'ok';
    } catch (error) {
      if (error instanceof VaultError && error.reason === 'VAULT_CORRUPT') return 'corrupt';
      if (error instanceof VaultError && error.reason === 'VAULT_UNAVAILABLE') return 'unavailable';
      throw error;
    }
  }

  /**
   * Forgets every entry and makes a new key: the way out of `VAULT_KEY_LOST` and
   * `VAULT_CORRUPT`. Every tab's secrets and profile passwords are gone afterwards, and so is
   * every sealed blob (no key could open them again).
   */
  async reset(): Promise<void> {
    const run = this.#queue.then(() =>
      acrossTabs(this.storageKey, async () => {
        try {
          this.storage.removeItem(this.storageKey);
          const blobs = `${this.storageKey}:`;
          for (const key of storedKeys(this.storage) ?? []) {
            if (key.startsWith(blobs)) this.storage.removeItem(key);
          }
        } catch (cause) {
          throw new VaultError('VAULT_UNAVAILABLE', 'The vault storage cannot be cleared.', {
            cause,
          });
        }
        const key = await generateKey();
        await keyStoreCall(() => this.keys.save(key));
        this.#key = key;
      }),
    );
    this.#queue = run.catch(() => {});
    return run;
  }

  /** The localStorage key a blob is sealed under: `<vault key>:<name>`, so a reset finds it. */
  blobKey(name: string): string {
    return `${this.storageKey}:${checkBlobName(name)}`;
  }

  /**
   * Seals `data`, of any size, with the vault's key (AES-GCM, a fresh IV, the blob's name as
   * additional data) under its own localStorage key, replacing what was there. `meta` is kept in
   * clear beside it (see `blobInfo`): never put a secret in it. A full localStorage is
   * `VAULT_UNAVAILABLE`, and leaves the previous blob as it was.
   */
  async sealBlob(
    name: string,
    data: Uint8Array<ArrayBuffer>,
    meta: Record<string, unknown> = {},
  ): Promise<void> {
    const key = this.blobKey(name);
    if (!(data instanceof Uint8Array)) throw invalid('a blob must be bytes (a Uint8Array)');
    await acrossTabs(key, async () => {
      const stored = await keyStoreCall(() => this.keys.load());
      if (stored) this.#key = stored;
      else await keyStoreCall(() => this.keys.save(this.#key));
      const sealed = await this.#sealBytes(blobEntry(name), data);
      const blob: SealedBlob = { format: BLOB_FORMAT, v: 1, name, meta, ...sealed };
      try {
        this.storage.setItem(key, JSON.stringify(blob));
      } catch (cause) {
        throw new VaultError('VAULT_UNAVAILABLE', `The sealed blob ${name} could not be saved.`, {
          cause,
        });
      }
    });
  }

  /**
   * A sealed blob's bytes, or null when there is none. `VAULT_KEY_LOST` when the key does not
   * open it (the key store was cleared since), `VAULT_CORRUPT` when it is damaged.
   */
  async openBlob(name: string): Promise<Uint8Array | null> {
    const key = this.blobKey(name);
    let raw: string | null;
    try {
      raw = this.storage.getItem(key);
    } catch (cause) {
      throw new VaultError('VAULT_UNAVAILABLE', 'The vault storage cannot be read.', { cause });
    }
    if (raw === null) return null;
    const blob = parseBlob(raw, name);
    let plain = await this.#decryptBytes(blobEntry(name), blob, this.#key);
    if (plain === null) {
      const stored = await keyStoreCall(() => this.keys.load());
      if (stored && stored !== this.#key) {
        plain = await this.#decryptBytes(blobEntry(name), blob, stored);
        if (plain !== null) this.#key = stored;
      }
    }
    if (plain === null) {
      throw new VaultError(
        'VAULT_KEY_LOST',
        `The vault key does not open the sealed blob ${name}: the key store was cleared since it was sealed.`,
      );
    }
    return plain;
  }

  /** What a sealed blob's sealer stored in clear beside it, without opening it; null if none. */
  blobInfo(name: string): SealedBlobInfo | null {
    return Vault.blobInfo(this.storage, this.blobKey(name), name);
  }

  /**
   * `blobInfo` on a store directly (by its full localStorage key), for when the vault itself
   * cannot open (its key store refused): the clear part needs no key. Null when absent or damaged.
   */
  static blobInfo(storage: KeyValueStore, key: string, name: string): SealedBlobInfo | null {
    try {
      const raw = storage.getItem(key);
      if (raw === null) return null;
      return { meta: parseBlob(raw, name).meta, storedBytes: raw.length };
    } catch {
      return null;
    }
  }

  removeBlob(name: string): void {
    const key = this.blobKey(name);
    try {
      this.storage.removeItem(key);
    } catch (cause) {
      throw new VaultError('VAULT_UNAVAILABLE', 'The vault storage cannot be changed.', { cause });
    }
  }

  async setConnectionSecrets(
    userId: string,
    connectionId: string,
    secrets: ConnectionSecretsInput,
  ): Promise<void> {
    await this.setManyConnectionSecrets(userId, [{ connectionId, secrets }]);
  }

  /**
   * Several connections' secrets in one write: one lock, one look at the key store, one
   * `setItem`, all or none. An import of dozens of connections would otherwise pay a Web Lock and
   * an IndexedDB read for each (measured: 2 s for 23 connections in Chromium).
   */
  async setManyConnectionSecrets(
    userId: string,
    items: readonly { connectionId: string; secrets: ConnectionSecretsInput }[],
  ): Promise<void> {
    const owner = checkId(userId, 'userId');
    const planned = items.map(({ connectionId, secrets }) => {
      const name = connectionEntry(owner, checkId(connectionId, 'connectionId'));
      if (typeof secrets !== 'object' || secrets === null) {
        throw invalid('secrets must be an object');
      }
      const value: ConnectionSecrets = {
        password: checkSecret(secrets.password, 'password'),
        connectionStringPassword: checkSecret(
          secrets.connectionStringPassword,
          'connectionStringPassword',
        ),
      };
      for (const extra of EXTRA_SECRET_NAMES) {
        const secret = checkSecret(secrets[extra], extra);
        if (secret !== null) value[extra] = secret;
      }
      const empty =
        value.password === null &&
        value.connectionStringPassword === null &&
        EXTRA_SECRET_NAMES.every((extra) => value[extra] === undefined);
      return { name, value: empty ? null : value };
    });
    if (planned.length === 0) return;
    await this.#write(
      () =>
        Promise.all(
          planned.map(async ({ name, value }) => ({
            name,
            sealed: value ? await this.#seal(name, JSON.stringify(value)) : null,
          })),
        ),
      (entries, sealed) => {
        for (const { name, sealed: entry } of sealed) {
          if (entry) entries[name] = entry;
          else delete entries[name];
        }
      },
    );
  }

  /** Both `null` when the connection has no secrets. */
  async getConnectionSecrets(userId: string, connectionId: string): Promise<ConnectionSecrets> {
    const name = connectionEntry(checkId(userId, 'userId'), checkId(connectionId, 'connectionId'));
    const opened = await this.#open(name);
    if (!opened) return { password: null, connectionStringPassword: null };
    let value: Partial<ConnectionSecrets> | null;
    try {
      value = JSON.parse(opened.plain) as Partial<ConnectionSecrets> | null;
    } catch (cause) {
      throw new VaultError('VAULT_CORRUPT', `The vault entry ${name} is damaged.`, { cause });
    }
    const text = (v: unknown) => (typeof v === 'string' ? v : null);
    const secrets: ConnectionSecrets = {
      password: text(value?.password),
      connectionStringPassword: text(value?.connectionStringPassword),
    };
    for (const extra of EXTRA_SECRET_NAMES) {
      const secret = text(value?.[extra]);
      if (secret !== null) secrets[extra] = secret;
    }
    return secrets;
  }

  async deleteConnectionSecrets(userId: string, connectionId: string): Promise<void> {
    const name = connectionEntry(checkId(userId, 'userId'), checkId(connectionId, 'connectionId'));
    await this.#write(
      async () => undefined,
      (entries) => {
        delete entries[name];
      },
    );
  }

  /** Stores a slow salted hash of the password (PBKDF2), encrypted like every entry. */
  async setProfilePassword(userId: string, password: string): Promise<void> {
    const name = profileEntry(checkId(userId, 'userId'));
    const hash = await hashPassword(checkPassword(password), this.iterations);
    await this.#write(
      () => this.#seal(name, hash),
      (entries, sealed) => {
        entries[name] = sealed;
      },
    );
  }

  /** False when the profile has no password. */
  async verifyProfilePassword(userId: string, password: string): Promise<boolean> {
    const name = profileEntry(checkId(userId, 'userId'));
    if (typeof password !== 'string') throw invalid('password must be a string');
    if (password.length === 0 || password.length > MAX_PASSWORD) return false;
    const opened = await this.#open(name);
    if (!opened || !(await verifyPassword(password, opened.plain))) return false;
    if ((hashIterations(opened.plain) ?? 0) < this.iterations) {
      await this.#upgradeHash(name, opened.sealed, password);
    }
    return true;
  }

  /**
   * Re-hashes at today's iteration count a password that just verified against an older hash,
   * unless the entry changed meanwhile (a new password set in another call or tab). Best effort:
   * the password was right, so a failed upgrade must not fail the sign-in.
   */
  async #upgradeHash(name: string, verified: Sealed, password: string): Promise<void> {
    try {
      const hash = await hashPassword(password, this.iterations);
      await this.#write(
        () => this.#seal(name, hash),
        (entries, sealed) => {
          const current = entries[name];
          if (current?.iv === verified.iv && current.ct === verified.ct) entries[name] = sealed;
        },
      );
    } catch {
      // The old hash stays and still verifies; the upgrade is tried again next time.
    }
  }

  hasProfilePassword(userId: string): boolean {
    return Object.hasOwn(this.#read(), profileEntry(checkId(userId, 'userId')));
  }

  async removeProfilePassword(userId: string): Promise<void> {
    const name = profileEntry(checkId(userId, 'userId'));
    await this.#write(
      async () => undefined,
      (entries) => {
        delete entries[name];
      },
    );
  }

  /** The stored hash, decrypted: for tests proving it is stored nowhere in clear. */
  async profilePasswordHash(userId: string): Promise<string | null> {
    return (await this.#open(profileEntry(checkId(userId, 'userId'))))?.plain ?? null;
  }

  /**
   * Gives `to` the profile password and connection secrets of `from` (a profile linked to a sync
   * account takes the account's id). Each entry is re-sealed under its new name, which is its
   * authenticated data, so an entry copied by hand to another name does not open. An entry `to`
   * has already is replaced.
   */
  async moveUser(from: string, to: string): Promise<void> {
    const source = {
      profile: profileEntry(checkId(from, 'from')),
      conn: `conn:${escapeId(from)}:`,
    };
    const target = { profile: profileEntry(checkId(to, 'to')), conn: `conn:${escapeId(to)}:` };
    if (from === to) return;
    await this.#write(
      async () => {
        const moved: [string, string, Sealed][] = [];
        for (const name of Object.keys(this.#read())) {
          const renamed =
            name === source.profile
              ? target.profile
              : name.startsWith(source.conn)
                ? target.conn + name.slice(source.conn.length)
                : null;
          if (!renamed) continue;
          const opened = await this.#open(name);
          if (opened) moved.push([name, renamed, await this.#seal(renamed, opened.plain)]);
        }
        return moved;
      },
      (entries, moved) => {
        for (const [old, renamed, sealed] of moved) {
          delete entries[old];
          entries[renamed] = sealed;
        }
      },
    );
  }

  /** Removes the user's profile password and every connection secret they have. */
  async deleteUser(userId: string): Promise<void> {
    const profile = profileEntry(checkId(userId, 'userId'));
    const connections = `conn:${escapeId(userId)}:`;
    await this.#write(
      async () => undefined,
      (entries) => {
        for (const name of Object.keys(entries)) {
          if (name === profile || name.startsWith(connections)) delete entries[name];
        }
      },
    );
  }
}
