/**
 * What a PGlite open downloads, started as soon as its worker runs instead of inside
 * `PGlite.create`: the wasm, compiled with `compileStreaming` (compiled while it downloads, and
 * cached compiled by Chromium for the next visit, where PGlite's own path compiles from a buffer
 * every time), the filesystem bundle, and for a new database its prebuilt data directory. Used by
 * the storage worker and by the studio's demo database worker (`@platform/storage/pglite-artifacts`).
 */

import dataUrl from '@electric-sql/pglite/pglite.data?url';
import wasmUrl from '@electric-sql/pglite/pglite.wasm?url';

async function fetchOk(url: string): Promise<Response> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return response;
}

async function compile(): Promise<WebAssembly.Module> {
  try {
    return await WebAssembly.compileStreaming(fetchOk(wasmUrl));
  } catch {
    // Served without `application/wasm`: compile from the bytes instead.
    return WebAssembly.compile(await (await fetchOk(wasmUrl)).arrayBuffer());
  }
}

export interface PGliteArtifacts {
  readonly wasmModule: Promise<WebAssembly.Module>;
  readonly fsBundle: Promise<Blob>;
}

/** Starts both downloads now; `PGlite.create` takes them as `pgliteWasmModule` and `fsBundle`. */
export function startPGliteArtifacts(): PGliteArtifacts {
  const artifacts = {
    wasmModule: compile(),
    fsBundle: fetchOk(dataUrl).then((response) => response.blob()),
  };
  // Awaited by the open; a failure is reported there, not as an unhandled rejection here.
  artifacts.wasmModule.catch(() => undefined);
  artifacts.fsBundle.catch(() => undefined);
  return artifacts;
}

const isGzip = (bytes: Uint8Array) => bytes[0] === 0x1f && bytes[1] === 0x8b;

/**
 * A prebuilt data directory (served at `url`, see `dataDirectoryPlugin`) as tar bytes, for
 * `loadDataDir`. Unpacked here: a server or proxy may already have removed the gzip layer
 * (`Content-Encoding`), which PGlite's own detection, by file name and type, would then get wrong.
 */
export async function fetchDataDirectory(url: string): Promise<ArrayBuffer> {
  const bytes = new Uint8Array(await (await fetchOk(url)).arrayBuffer());
  if (!isGzip(bytes)) return bytes.buffer;
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Response(stream).arrayBuffer();
}

/**
 * A tar whose bytes are still on their way. PGlite reads `loadDataDir` only once its filesystem
 * (on OPFS, a pool of hundreds of access handles) and its engine are up, so handing it this
 * instead of the finished download lets all three run at once.
 */
export class PendingTar extends Blob {
  readonly #bytes: Promise<ArrayBuffer>;
  constructor(bytes: Promise<ArrayBuffer>) {
    super([], { type: 'application/x-tar' });
    this.#bytes = bytes;
  }
  override arrayBuffer(): Promise<ArrayBuffer> {
    return this.#bytes;
  }
}
