/**
 * The prebuilt platform database: the data directory of a PGlite created and migrated once, at
 * build time, from the same browser migrations a live open runs. A first visit loads it instead
 * of running initdb and every migration in the user's browser (10 s and more on two cores), then
 * migrates forward as usual.
 *
 * It holds the `postgres` database only: `template0` and `template1` are dropped. The platform
 * never creates a database, and the two templates are 600 of the directory's 1,050 files and
 * 15 MB of its 41; in OPFS every file is an access handle to open on every start.
 *
 * It is the directory of a database that was shut down, not a dump of a running one
 * (`dumpDataDir`): a running database's control file says "in production", so every load would
 * start with crash recovery and an end-of-recovery checkpoint (measured: 0.3–0.4 s of a first
 * visit in Chromium). PGlite has no way to dump a closed database, so the builder migrates one on
 * disk, closes it and packs the directory itself, in the tar format `loadDataDir` reads.
 *
 * It ships without the free-space-map and visibility-map forks (`<relation>_fsm`, `<relation>_vm`,
 * 84 of its 424 files). PostgreSQL makes both again when it needs them (a missing map reads as
 * "no free space known" and "nothing all-visible", what any new relation starts with), and in
 * OPFS each file is a pool handle made on a first visit and opened on every visit after.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import type { Migration } from '@platform/schema/browser';
import { browserMigrations } from '@platform/schema/browser-migrations';
import { create as createTar, Parser } from 'tar';
import { platformExtensions } from '../extensions.ts';
import { migrate } from '../migrator.ts';
import { DROP_TEMPLATES } from './drop-templates.ts';

/** Bumped whenever what the builder does changes, so cached builds are made again. */
const BUILDER_VERSION = 3;

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
  return dataDirectoryKey({
    extensions: Object.keys(platformExtensions).sort(),
    migrations: migrations.map(({ tag, hash }) => [tag, hash]),
  });
}

/**
 * The key of a build from `inputs` (what its setup depends on) plus what every build depends on:
 * this builder and PGlite's version. Equal keys mean interchangeable builds.
 */
export function dataDirectoryKey(inputs: Record<string, unknown>): string {
  const all = { builder: BUILDER_VERSION, pglite: pgliteVersion(), ...inputs };
  return createHash('sha256').update(JSON.stringify(all)).digest('hex').slice(0, 16);
}

/** Left by a running server only; a closed PGlite removes it, and a stale one must not ship. */
const RUNTIME_FILES = new Set(['postmaster.pid', 'postmaster.opts']);

/** A relation's free-space map or visibility map: made again by PostgreSQL on demand. */
const ON_DEMAND_FORK = /^(base\/\d+|global)\/\d+_(fsm|vm)$/;

/** Whether a path of the data directory (relative, as the tar names it) ships. */
const ships = (path: string) =>
  !RUNTIME_FILES.has(path) && !ON_DEMAND_FORK.test(path.replace(/^\.\//, ''));

/**
 * A PGlite data directory made at build time, ready for `loadDataDir`: created on disk, set up by
 * `setup`, stripped of the templates, shut down cleanly, and packed as a gzip tar with the paths
 * relative to the data directory, as `dumpDataDir` writes them. Any prebuilt database (this
 * package's, the studio's demo) is made by this one function.
 */
export async function packDataDirectory(
  setup: (db: PGlite) => Promise<void>,
  options: Pick<PGliteOptions, 'extensions'> = {},
): Promise<Uint8Array<ArrayBuffer>> {
  const dataDir = await mkdtemp(join(tmpdir(), 'platform-prebuilt-'));
  try {
    const db = await PGlite.create(dataDir, options);
    try {
      await setup(db);
      for (const statement of DROP_TEMPLATES) await db.query(statement);
    } finally {
      // A clean shutdown: the shutdown checkpoint is the last record, nothing to recover on load.
      await db.close();
    }
    const entries = (await readdir(dataDir)).filter(ships);
    const chunks: Buffer[] = [];
    // `portable` leaves out this machine's owners and inode numbers; `noPax` keeps to the plain
    // ustar headers PGlite's reader understands (every path here is short).
    for await (const chunk of createTar(
      { cwd: dataDir, gzip: true, portable: true, noPax: true, filter: ships },
      entries,
    )) {
      chunks.push(chunk as Buffer);
    }
    return new Uint8Array(Buffer.concat(chunks));
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** The paths of a packed data directory (a tar, gzipped or not) and whether each is a file. */
export async function packedEntries(
  bytes: Uint8Array,
): Promise<{ readonly path: string; readonly file: boolean }[]> {
  const entries: { path: string; file: boolean }[] = [];
  const parser = new Parser({
    onReadEntry: (entry) => {
      entries.push({ path: entry.path, file: entry.type === 'File' });
      entry.resume();
    },
  });
  await pipeline(Readable.from([Buffer.from(bytes)]), parser);
  return entries;
}

/**
 * The regular files in a packed data directory: in OPFS each is a pool handle, so a new
 * database's pool is sized from it.
 */
export async function packedFileCount(bytes: Uint8Array): Promise<number> {
  return (await packedEntries(bytes)).filter((entry) => entry.file).length;
}

/** The platform database: created and migrated with the browser migrations. */
export function buildPrebuiltDatabase(
  migrations: readonly Migration[] = browserMigrations,
): Promise<Uint8Array<ArrayBuffer>> {
  return packDataDirectory((db) => migrate(db, migrations).then(() => undefined), {
    extensions: platformExtensions,
  });
}
