import { type KeyValueStore, Vault, VaultError } from '../vault/index.ts';
import { LEGACY_CLEARTEXT_BACKUP_KEY } from './legacy-keys.ts';

/**
 * The backup of the old studio's keys: their raw text, exactly as `localStorage` held it, kept
 * after a verified import so the old data can always be recovered (and put back for the old
 * studio). The raw text holds every connection password in clear, so the whole backup is sealed
 * with the vault's AES-GCM key (the vault's `sealBlob`, the blob's name as additional data) and
 * gzipped first, so it takes a fraction of the room the keys took. What it is (when, which keys,
 * how big) is stored in clear beside it, so the storage page can show it without the key.
 *
 * Its key is the vault's (`platform_vault_v1:legacy-backup`): a vault reset, which makes a new
 * key no blob sealed before can be opened with, removes it too.
 */

/** The blob's name in the vault. */
export const LEGACY_BACKUP_NAME = 'legacy-backup';
/** Where the sealed backup lives in localStorage (the default vault's blob key). */
export const LEGACY_BACKUP_KEY = `platform_vault_v1:${LEGACY_BACKUP_NAME}`;

const FORMAT = 'platform-legacy-backup';

/** What the backup is, from its clear part; `legacyBackup()` gives it. */
export interface LegacyBackupInfo {
  /** When its newest keys were backed up (ISO). */
  savedAt: string;
  /** The keys it can put back, sorted. */
  keys: string[];
  /** What it takes in localStorage. */
  bytes: number;
  /** The keys' own size, as text (UTF-8). */
  originalBytes: number;
  /**
   * False for the clear-text backup an earlier version of this import left, still waiting to
   * be sealed (it is sealed on the next open whose vault is not in memory).
   */
  sealed: boolean;
}

interface BackupDocument {
  format: typeof FORMAT;
  v: 1;
  savedAt: string;
  entries: Record<string, string>;
}

/** Only what the backup needs of the vault. */
export type BackupVault = Pick<Vault, 'sealBlob' | 'openBlob' | 'blobInfo' | 'removeBlob'>;

const utf8Bytes = (entries: Record<string, string>) =>
  Object.entries(entries).reduce(
    (sum, [key, value]) => sum + new TextEncoder().encode(key + value).length,
    0,
  );

async function through(
  bytes: Uint8Array<ArrayBuffer>,
  transform: CompressionStream | DecompressionStream,
): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([bytes]).stream().pipeThrough(transform);
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

const canCompress = () =>
  typeof CompressionStream !== 'undefined' && typeof DecompressionStream !== 'undefined';

/** The entries of the clear-text backup an earlier version left: `{ savedAt, <key>: raw }`. */
export function cleartextBackup(
  storage: KeyValueStore,
): { savedAt: string | null; entries: Record<string, string> } | null {
  const raw = storage.getItem(LEGACY_CLEARTEXT_BACKUP_KEY);
  if (raw === null) return null;
  try {
    const doc = JSON.parse(raw) as Record<string, unknown> | null;
    if (doc && typeof doc === 'object' && !Array.isArray(doc)) {
      const entries: Record<string, string> = {};
      for (const [key, value] of Object.entries(doc)) {
        if (key !== 'savedAt' && typeof value === 'string') entries[key] = value;
      }
      return { savedAt: typeof doc.savedAt === 'string' ? doc.savedAt : null, entries };
    }
  } catch {
    // Damaged: kept whole, under its own name, so nothing of it is lost.
  }
  return { savedAt: null, entries: { [LEGACY_CLEARTEXT_BACKUP_KEY]: raw } };
}

/** The backup's description from its clear part, without opening it; null when there is none. */
export function legacyBackupInfo(
  storage: KeyValueStore,
  key = LEGACY_BACKUP_KEY,
): LegacyBackupInfo | null {
  const sealed = Vault.blobInfo(storage, key, LEGACY_BACKUP_NAME);
  if (sealed) {
    const { savedAt, keys, originalBytes } = sealed.meta;
    return {
      savedAt: typeof savedAt === 'string' ? savedAt : '',
      keys: Array.isArray(keys) ? keys.filter((k): k is string => typeof k === 'string') : [],
      bytes: sealed.storedBytes,
      originalBytes: typeof originalBytes === 'number' ? originalBytes : 0,
      sealed: true,
    };
  }
  const clear = cleartextBackup(storage);
  if (!clear) return null;
  return {
    savedAt: clear.savedAt ?? '',
    keys: Object.keys(clear.entries).sort(),
    bytes: storage.getItem(LEGACY_CLEARTEXT_BACKUP_KEY)?.length ?? 0,
    originalBytes: utf8Bytes(clear.entries),
    sealed: false,
  };
}

/** The backed-up keys and their raw text, opened with the vault's key; null when none. */
export async function openLegacyBackup(
  vault: BackupVault,
): Promise<{ savedAt: string; entries: Record<string, string> } | null> {
  const bytes = await vault.openBlob(LEGACY_BACKUP_NAME);
  if (!bytes) return null;
  const info = vault.blobInfo(LEGACY_BACKUP_NAME);
  const plain =
    info?.meta.compression === 'gzip'
      ? await through(bytes as Uint8Array<ArrayBuffer>, new DecompressionStream('gzip'))
      : bytes;
  let doc: Partial<BackupDocument> | null = null;
  try {
    doc = JSON.parse(new TextDecoder().decode(plain)) as Partial<BackupDocument>;
  } catch {
    // Reported below.
  }
  if (doc?.format !== FORMAT || doc.v !== 1 || typeof doc.entries !== 'object' || !doc.entries) {
    throw new VaultError('VAULT_CORRUPT', 'The backup of the old studio’s data is damaged.');
  }
  return { savedAt: String(doc.savedAt), entries: doc.entries };
}

function sameEntries(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => b[k] === a[k]);
}

/**
 * Adds `entries` to the backup (a key backed up before takes the newer text), seals it, and
 * reads it back: it resolves only once the sealed backup opens to exactly what was meant, so the
 * caller may then remove the originals. A backup the key cannot open any more (the key store was
 * cleared since) is replaced: nothing could ever read it.
 */
export async function addToLegacyBackup(
  vault: BackupVault,
  entries: Record<string, string>,
  savedAt: string,
): Promise<LegacyBackupInfo> {
  let before: Record<string, string> = {};
  try {
    before = (await openLegacyBackup(vault))?.entries ?? {};
  } catch (error) {
    if (!(error instanceof VaultError) || error.reason === 'VAULT_UNAVAILABLE') throw error;
  }
  const merged = { ...before, ...entries };
  const doc: BackupDocument = { format: FORMAT, v: 1, savedAt, entries: merged };
  const plain = new TextEncoder().encode(JSON.stringify(doc));
  const compression = canCompress() ? 'gzip' : 'none';
  const data = compression === 'gzip' ? await through(plain, new CompressionStream('gzip')) : plain;
  const keys = Object.keys(merged).sort();
  await vault.sealBlob(LEGACY_BACKUP_NAME, data, {
    savedAt,
    keys,
    originalBytes: utf8Bytes(merged),
    compression,
  });
  const back = await openLegacyBackup(vault);
  if (!back || !sameEntries(back.entries, merged)) {
    throw new VaultError('VAULT_CORRUPT', 'The sealed backup did not read back as written.');
  }
  const info = vault.blobInfo(LEGACY_BACKUP_NAME);
  return {
    savedAt,
    keys,
    bytes: info?.storedBytes ?? 0,
    originalBytes: utf8Bytes(merged),
    sealed: true,
  };
}

export interface LegacyRestoreResult {
  /** Keys put back. */
  restored: string[];
  /** Keys already holding exactly the backed-up text. */
  unchanged: string[];
  /** Keys left as they are: they hold something else now (the old studio ran again since). */
  kept: string[];
}

/**
 * Puts the backed-up keys back into `storage`, for the old studio (the backup stays). A key that
 * holds other text now is not overwritten. The next open imports them again: what is here
 * already stays, what the old studio added since comes over.
 */
export async function restoreLegacyBackup(
  vault: BackupVault,
  storage: KeyValueStore,
): Promise<LegacyRestoreResult> {
  const backup = await openLegacyBackup(vault);
  const entries = backup?.entries ?? cleartextBackup(storage)?.entries ?? {};
  const result: LegacyRestoreResult = { restored: [], unchanged: [], kept: [] };
  for (const [key, value] of Object.entries(entries).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const current = storage.getItem(key);
    if (current === value) result.unchanged.push(key);
    else if (current !== null) result.kept.push(key);
    else {
      storage.setItem(key, value);
      result.restored.push(key);
    }
  }
  return result;
}

/** Removes the backup, sealed or (from an earlier version) in clear. */
export function deleteLegacyBackup(vault: BackupVault | null, storage: KeyValueStore): void {
  vault?.removeBlob(LEGACY_BACKUP_NAME);
  storage.removeItem(LEGACY_BACKUP_KEY);
  storage.removeItem(LEGACY_CLEARTEXT_BACKUP_KEY);
}
