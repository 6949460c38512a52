/**
 * Builds each prebuilt data directory once per key and keeps it in `node_modules/.cache`, so every
 * build, dev server and test page after the first reuses it (a build takes 5–10 s).
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPrebuiltDatabase, packedFileCount, prebuiltDatabaseKey } from './build.ts';

export interface PrebuiltDatabase {
  readonly key: string;
  /** gzip tar of the data directory. */
  readonly bytes: Uint8Array<ArrayBuffer>;
  /** Its regular files (see `packedFileCount`). */
  readonly files: number;
}

/** One kind of prebuilt data directory: its name (the cache's file prefix), key and builder. */
export interface DataDirectoryRecipe {
  readonly name: string;
  key(): string;
  build(): Promise<Uint8Array<ArrayBuffer>>;
}

const cacheDir = fileURLToPath(
  new URL('../../node_modules/.cache/prebuilt-database', import.meta.url),
);

async function load(recipe: DataDirectoryRecipe): Promise<PrebuiltDatabase> {
  const key = recipe.key();
  const file = join(cacheDir, `${recipe.name}-${key}.tar.gz`);
  const cached = await readFile(file).catch(() => null);
  const bytes = cached ? new Uint8Array(cached) : await recipe.build();
  if (!cached) {
    await mkdir(cacheDir, { recursive: true });
    // Several builds may run at once (test files in parallel): each writes its own file and the
    // rename makes one of them the cache, never a half-written one.
    const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(temporary, bytes);
    await rename(temporary, file);
  }
  return { key, bytes, files: await packedFileCount(bytes) };
}

const memo = new Map<string, Promise<PrebuiltDatabase>>();

/** The data directory `recipe` makes, from the cache or built now (once per process and name). */
export function cachedDataDirectory(recipe: DataDirectoryRecipe): Promise<PrebuiltDatabase> {
  let pending = memo.get(recipe.name);
  if (!pending) {
    pending = load(recipe).catch((error: unknown) => {
      memo.delete(recipe.name);
      throw error;
    });
    memo.set(recipe.name, pending);
  }
  return pending;
}

export const platformDatabaseRecipe: DataDirectoryRecipe = {
  name: 'platform',
  key: () => prebuiltDatabaseKey(),
  build: () => buildPrebuiltDatabase(),
};

/** The prebuilt platform database for the current migrations, from the cache or built now. */
export function prebuiltDatabase(): Promise<PrebuiltDatabase> {
  return cachedDataDirectory(platformDatabaseRecipe);
}
