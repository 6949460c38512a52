import { PGlite } from '@electric-sql/pglite';
import { browserMigrations } from '@platform/schema/browser-migrations';
import { StorageUnavailableError } from '../errors.ts';
import { platformExtensions } from '../extensions.ts';
import { MigrationError, migrate } from '../migrator.ts';
import { platformStartParams } from '../start-params.ts';
import type { DatabaseHandle } from './types.ts';

/**
 * Opens (creating if needed) and migrates a platform database in Node or any single-context
 * runtime: `memory://` (the default) or a directory. Browsers use `openBrowserDatabase`, which
 * shares one database between tabs.
 */
export async function openNodeDatabase(dataDir = 'memory://'): Promise<DatabaseHandle> {
  let pg: PGlite;
  try {
    pg = await PGlite.create(dataDir, {
      extensions: platformExtensions,
      startParams: [...platformStartParams],
    });
  } catch (cause) {
    throw new StorageUnavailableError('open-failed', `Could not open ${dataDir}.`, { cause });
  }
  try {
    await migrate(pg, browserMigrations);
  } catch (cause) {
    await pg.close();
    if (cause instanceof MigrationError) {
      throw new StorageUnavailableError('migration-failed', cause.message, { cause });
    }
    throw cause;
  }
  const memory = dataDir.startsWith('memory://');
  return {
    pg,
    location: {
      kind: memory ? 'memory' : 'node-fs',
      dataDir,
      durability: memory ? 'volatile' : 'durable',
      flushWindowMs: null,
    },
    flush: () => pg.syncToFs(),
    close: () => pg.close(),
  };
}
