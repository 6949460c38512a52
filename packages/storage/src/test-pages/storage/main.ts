// Test page: the real storage (worker, OPFS/IndexedDB, vault in localStorage) in a browser tab.
import type { ChangeEvent } from '../../changes.ts';
import { createStorage, type PlatformStorage } from '../../storage.ts';
import { IndexedDbCryptoKeyStore, Vault } from '../../vault/index.ts';

let storage: PlatformStorage | null = null;
const events: ChangeEvent[] = [];

const params = new URLSearchParams(location.search);
if (params.has('no-storage')) {
  // As in a private window that refuses persistent storage: neither IndexedDB nor OPFS.
  Object.defineProperty(window, 'indexedDB', { value: undefined, configurable: true });
  Object.defineProperty(navigator.storage, 'getDirectory', {
    value: undefined,
    configurable: true,
  });
}

if (params.has('broken-idb')) {
  // As in a private window whose IndexedDB refuses to open, here in the tab only: the database
  // worker still opens OPFS.
  IDBFactory.prototype.open = () => {
    throw new DOMException(
      'A mutation operation was attempted on a database that did not allow mutations.',
      'InvalidStateError',
    );
  };
}

function current(): PlatformStorage {
  storage ??= createStorage({ fallbackToMemory: !params.has('strict') });
  return storage;
}

const latin1 = new TextDecoder('latin1');

async function bytesOf(value: unknown): Promise<string> {
  if (value instanceof ArrayBuffer) return latin1.decode(new Uint8Array(value));
  if (ArrayBuffer.isView(value))
    return latin1.decode(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
  if (value instanceof Blob) return latin1.decode(await value.arrayBuffer());
  if (typeof CryptoKey !== 'undefined' && value instanceof CryptoKey) return '[CryptoKey]';
  if (Array.isArray(value)) return (await Promise.all(value.map(bytesOf))).join('\n');
  if (value && typeof value === 'object') {
    const parts = await Promise.all(
      Object.entries(value).map(async ([k, v]) => `${k}=${await bytesOf(v)}`),
    );
    return parts.join('\n');
  }
  return String(value);
}

/** Every record of every IndexedDB database of this origin, as raw text. */
async function dumpIndexedDb(): Promise<string> {
  const out: string[] = [];
  for (const info of await indexedDB.databases()) {
    if (!info.name) continue;
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = indexedDB.open(info.name as string);
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    for (const storeName of Array.from(db.objectStoreNames)) {
      const values = await new Promise<unknown[]>((resolve, reject) => {
        const request = db.transaction(storeName).objectStore(storeName).getAll();
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      const keys = await new Promise<unknown[]>((resolve, reject) => {
        const request = db.transaction(storeName).objectStore(storeName).getAllKeys();
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      out.push(`${info.name}/${storeName}: ${values.length} records`);
      out.push(await bytesOf(keys));
      out.push(await bytesOf(values));
    }
    db.close();
  }
  return out.join('\n');
}

/** Every file under the origin's private file system (where an OPFS PGlite keeps its data). */
async function dumpOpfs(): Promise<{ files: number; text: string }> {
  const out: string[] = [];
  let files = 0;
  async function walk(dir: FileSystemDirectoryHandle): Promise<void> {
    for await (const [, handle] of dir as unknown as AsyncIterable<[string, FileSystemHandle]>) {
      if (handle.kind === 'directory') await walk(handle as FileSystemDirectoryHandle);
      else {
        files++;
        try {
          out.push(
            latin1.decode(await (await (handle as FileSystemFileHandle).getFile()).arrayBuffer()),
          );
        } catch {
          // A file held open by the database worker's sync access handle cannot be read here.
          out.push(`[locked ${handle.name}]`);
        }
      }
    }
  }
  if (navigator.storage?.getDirectory) await walk(await navigator.storage.getDirectory());
  return { files, text: out.join('\n') };
}

const api = {
  /** Runs a call and reports a failure as data, so its type survives the trip to the test. */
  async attempt(method: string): Promise<{ name: string; code: string; reason?: string } | null> {
    try {
      await api.call(method);
      return null;
    } catch (error) {
      const e = error as { name: string; code: string; reason?: string };
      return { name: e.name, code: e.code, reason: e.reason };
    }
  },
  async call(method: string, ...args: unknown[]): Promise<unknown> {
    const target = current() as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
    const [head, tail] = method.split('.');
    if (tail && head) {
      const repo = target[head] as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
      return JSON.parse(JSON.stringify(await repo[tail]?.(...args)));
    }
    const fn = target[method];
    if (typeof fn !== 'function') throw new Error(`no method ${method}`);
    const result = await fn.apply(target, args);
    return result === undefined ? null : JSON.parse(JSON.stringify(result));
  },
  watch(): void {
    current().subscribe((event) => events.push(event));
  },
  events(): ChangeEvent[] {
    return events;
  },
  async close(): Promise<void> {
    await storage?.close();
    storage = null;
  },
  dumpIndexedDb,
  dumpOpfs,
  /** The profile password's stored hash, decrypted through the vault, to search for it. */
  async profilePasswordHash(userId: string): Promise<string | null> {
    const vault = await Vault.open({ storage: localStorage, keys: new IndexedDbCryptoKeyStore() });
    return vault.profilePasswordHash(userId);
  },
  /** Puts an old studio's localStorage in place, before the storage first opens. */
  seed(entries: Record<string, string>): void {
    for (const [key, value] of Object.entries(entries)) localStorage.setItem(key, value);
  },
  /** Every row of every table of the platform database, as JSON text (what TOAST may compress on disk). */
  async dumpTables(): Promise<string> {
    const { db } = await current().syncBridge();
    const { rows } = await db.query<{ name: string }>(
      `select table_schema || '.' || table_name as name from information_schema.tables
        where table_schema in ('public', 'drizzle') and table_type = 'BASE TABLE'`,
    );
    const out: string[] = [];
    for (const { name } of rows) {
      const [schema, table] = name.split('.');
      const dump = await db.query<{ t: string | null }>(
        `select json_agg(t)::text as t from "${schema}"."${table}" t`,
      );
      out.push(`${name}: ${dump.rows[0]?.t ?? ''}`);
    }
    return out.join('\n');
  },
  /**
   * Searches everything the origin stores (every localStorage key, every IndexedDB record of
   * every database, every OPFS file) for each needle, in the page, so megabytes of files never
   * cross to the test. Binary data is read as latin1, so each needle is also looked for as its
   * UTF-8 bytes read that way. Returns which needles were found where, and where each probe (a
   * value that must be there) was found, to show the scan sees the data.
   */
  async scan(
    needles: string[],
    probes: string[],
  ): Promise<{ found: string[]; probeIn: string[][]; files: number; locked: number }> {
    const opfs = await dumpOpfs();
    const places: Record<string, string> = {
      localStorage: api.localStorageText(),
      indexedDb: await dumpIndexedDb(),
      opfs: opfs.text,
    };
    const forms = (needle: string) => {
      const bytes = latin1.decode(new TextEncoder().encode(needle));
      return bytes === needle ? [needle] : [needle, bytes];
    };
    const found: string[] = [];
    const probeIn = probes.map(() => [] as string[]);
    for (const [place, text] of Object.entries(places)) {
      needles.forEach((needle, index) => {
        if (forms(needle).some((form) => text.includes(form))) found.push(`${place}: #${index}`);
      });
      probes.forEach((probe, index) => {
        if (forms(probe).some((form) => text.includes(form))) probeIn[index]?.push(place);
      });
    }
    const locked = opfs.text.split('[locked ').length - 1;
    return { found, probeIn, files: opfs.files, locked };
  },
  localStorageText(): string {
    return Object.keys(localStorage)
      .map((k) => `${k}=${localStorage.getItem(k)}`)
      .join('\n');
  },
};

Object.assign(window, { storagePage: api });
document.title = 'ready';
