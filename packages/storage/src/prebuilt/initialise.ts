/**
 * What a new database starts from when the prebuilt directory cannot be fetched (the network lost
 * after the page loaded): a directory initialised here, as PGlite itself would, without the
 * templates, as the prebuilt one. It is then loaded and migrated from the first migration: slower,
 * same result. Runs in the storage worker, and in Node for the spec that it fits a new pool.
 */
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { DROP_TEMPLATES } from './drop-templates.ts';

/** An uncompressed tar of the new directory, for `loadDataDir`. */
export async function initialiseDataDirectory(
  options: Pick<PGliteOptions, 'pgliteWasmModule' | 'fsBundle'> = {},
): Promise<ArrayBuffer> {
  const scratch = await PGlite.create(options);
  try {
    for (const statement of DROP_TEMPLATES) await scratch.query(statement);
    return await (await scratch.dumpDataDir('none')).arrayBuffer();
  } finally {
    await scratch.close();
  }
}
