// Sizes of the production build as files: what index.html makes the browser load before any
// code runs (the entry chunk and the chunks it modulepreloads), each gzipped on its own as an
// HTTP response would be.
import { readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { constants, gzipSync } from 'node:zlib';

/** The gzip level every size in this benchmark is taken at (the maximum). */
export const GZIP_LEVEL = 9;

export interface FileSize {
  /** URL path, e.g. `/assets/index-abc.js`. */
  path: string;
  bytes: number;
  gzipBytes: number;
}

const cache = new Map<string, Promise<FileSize>>();

/** Raw and gzipped size of the file the server answers `path` with. */
export function fileSize(webRoot: string, path: string): Promise<FileSize> {
  let size = cache.get(path);
  if (!size) {
    size = (async () => {
      const file = join(webRoot, decodeURIComponent(path));
      const [data, info] = await Promise.all([readFile(file), stat(file)]);
      const gzipBytes = gzipSync(data, {
        level: GZIP_LEVEL,
        strategy: constants.Z_DEFAULT_STRATEGY,
      }).byteLength;
      return { path, bytes: info.size, gzipBytes };
    })();
    cache.set(path, size);
  }
  return size;
}

export const sum = (files: FileSize[], key: 'bytes' | 'gzipBytes') =>
  files.reduce((total, file) => total + file[key], 0);

/** PGlite's binary payloads: its WASM, its data file, its extension bundles (`*.tar.gz`). */
export function isPgliteBinary(path: string): boolean {
  return ['.wasm', '.data', '.gz'].includes(extname(path));
}

export const isJavaScript = (path: string) => ['.js', '.mjs'].includes(extname(path));

export interface StaticBundle {
  entry: FileSize[];
  modulepreload: FileSize[];
  stylesheets: FileSize[];
  /** Entry plus modulepreloads. */
  initialJs: { bytes: number; gzipBytes: number; files: FileSize[] };
}

/** Reads `index.html` of a build and sizes the JavaScript it loads up front. */
export async function staticBundle(webRoot: string): Promise<StaticBundle> {
  const html = await readFile(join(webRoot, 'index.html'), 'utf8');
  const attr = (tag: string, name: string) =>
    new RegExp(`\\s${name}\\s*=\\s*"([^"]*)"`, 'i').exec(tag)?.[1] ?? null;
  const scripts: string[] = [];
  const preloads: string[] = [];
  const styles: string[] = [];
  for (const [tag] of html.matchAll(/<(script|link)\b[^>]*>/gi)) {
    const isScript = /^<script/i.test(tag);
    if (isScript && attr(tag, 'type') === 'module') {
      const src = attr(tag, 'src');
      if (src) scripts.push(src);
    } else if (!isScript) {
      const rel = attr(tag, 'rel');
      const href = attr(tag, 'href');
      if (href && rel === 'modulepreload') preloads.push(href);
      if (href && rel === 'stylesheet') styles.push(href);
    }
  }
  if (scripts.length === 0) throw new Error(`no module script in ${webRoot}/index.html`);
  const size = (paths: string[]) => Promise.all(paths.map((p) => fileSize(webRoot, p)));
  const entry = await size(scripts);
  const modulepreload = await size(preloads);
  const files = [...entry, ...modulepreload];
  return {
    entry,
    modulepreload,
    stylesheets: await size(styles),
    initialJs: { bytes: sum(files, 'bytes'), gzipBytes: sum(files, 'gzipBytes'), files },
  };
}

/** Whether a chunk carries PGlite itself: its code names the WASM or data file it fetches. */
export async function referencesPgliteBinary(webRoot: string, path: string): Promise<boolean> {
  const text = await readFile(join(webRoot, decodeURIComponent(path)), 'utf8');
  return /pglite[\w-]*\.(wasm|data)\b/.test(text);
}
