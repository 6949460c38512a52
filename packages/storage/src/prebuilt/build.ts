/**
 * The prebuilt platform database: the data directory of a PGlite created and migrated once, at
 * build time, from the same browser migrations a live open runs. A first visit loads it instead
 * of running initdb and every migration in the user's browser (10 s and more on two cores), then
 * migrates forward as usual.
 *
 * It holds the `postgres` database only: `template0` and `template1` are dropped. The platform
 * never creates a database, and the two templates are 600 of the directory's 1,050 files and
 * 15 MB of its 41; in OPFS every file is an access handle to open on every start.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Migration } from '@platform/schema/browser';
import { browserMigrations } from '@platform/schema/browser-migrations';
import { platformExtensions } from '../extensions.ts';
import { migrate } from '../migrator.ts';

/** Bumped whenever what the builder does changes, so cached builds are made again. */
const BUILDER_VERSION = 1;

const DROP_TEMPLATES = [
  'alter database template0 is_template false',
  'alter database template1 is_template false',
  'drop database template0',
  'drop database template1',
];

function pgliteVersion(): string {
  // Its exports map does not list package.json: found from the entry point (dist/index.cjs).
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const manifest = join(dirname(entry), '..', 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}

/**
 * What the prebuilt database depends on, hashed: the migrations (tag and hash), PGlite's version,
 * the extensions and the builder. Equal keys mean interchangeable builds.
 */
export function prebuiltDatabaseKey(migrations: readonly Migration[] = browserMigrations): string {
  const inputs = {
    builder: BUILDER_VERSION,
    pglite: pgliteVersion(),
    extensions: Object.keys(platformExtensions).sort(),
    migrations: migrations.map(({ tag, hash }) => [tag, hash]),
  };
  return createHash('sha256').update(JSON.stringify(inputs)).digest('hex').slice(0, 16);
}

/** Creates, migrates and dumps the database (gzip tar, PGlite's `dumpDataDir` format). */
export async function buildPrebuiltDatabase(
  migrations: readonly Migration[] = browserMigrations,
): Promise<Uint8Array<ArrayBuffer>> {
  const db = await PGlite.create({ extensions: platformExtensions });
  try {
    await migrate(db, migrations);
    for (const statement of DROP_TEMPLATES) await db.query(statement);
    // Everything in the data files, so a load replays next to no WAL.
    await db.query('checkpoint');
    return new Uint8Array(await (await db.dumpDataDir('gzip')).arrayBuffer());
  } finally {
    await db.close();
  }
}
