/**
 * Builds the prebuilt database once per key and keeps it in `node_modules/.cache`, so every
 * build, dev server and test page after the first reuses it (a build takes 5–10 s).
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPrebuiltDatabase, prebuiltDatabaseKey } from './build.ts';

export interface PrebuiltDatabase {
  readonly key: string;
  /** gzip tar of the data directory. */
  readonly bytes: Uint8Array<ArrayBuffer>;
}

const cacheDir = fileURLToPath(
  new URL('../../node_modules/.cache/prebuilt-database', import.meta.url),
);

let memo: Promise<PrebuiltDatabase> | null = null;

async function load(): Promise<PrebuiltDatabase> {
  const key = prebuiltDatabaseKey();
  const file = join(cacheDir, `${key}.tar.gz`);
  const cached = await readFile(file).catch(() => null);
  if (cached) return { key, bytes: new Uint8Array(cached) };
  const bytes = await buildPrebuiltDatabase();
  await mkdir(cacheDir, { recursive: true });
  // Several builds may run at once (test files in parallel): each writes its own file and the
  // rename makes one of them the cache, never a half-written one.
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  await writeFile(temporary, bytes);
  await rename(temporary, file);
  return { key, bytes };
}

/** The prebuilt database for the current migrations, from the cache or built now. */
export function prebuiltDatabase(): Promise<PrebuiltDatabase> {
  memo ??= load().catch((error: unknown) => {
    memo = null;
    throw error;
  });
  return memo;
}
