/**
 * The OPFS access-handle pool: how large it starts, and when it opens.
 *
 * PGlite's `OpfsAhpFS` opens every handle (one per file, hundreds) when PGlite calls its `init`,
 * which PGlite does only once it has everything else it was given, the compiled wasm above all.
 * `EarlyOpfsAhpFS` opens them from the moment it is constructed instead, alongside the wasm
 * compile and the prebuilt download, and hands the open pool over when PGlite asks. Subclassed
 * rather than reimplemented: the pool's format and bookkeeping stay PGlite's own.
 */
import { BaseFilesystem } from '@electric-sql/pglite/basefs';
import { OpfsAhpFS } from '@electric-sql/pglite/opfs-ahp';

/** PGlite's `maintainedPoolSize`, left at its default: a migration may create many files at once. */
export const OPFS_SPARE_HANDLES = 100;

/**
 * The pool a new database starts with: a handle for each file of the prebuilt directory it is
 * loaded from, and PGlite's spare handles on top, so the load takes no handle that was not made
 * for it and nothing is topped up on the way to ready. Each handle costs about 1 ms to make on a
 * first visit and about 0.5 ms to open on every visit after, and Chromium counts about 1 MB of
 * quota for each one while it is open (an empty database used to "use" 856 MB with PGlite's
 * default pool of 1,000). The directory the worker initialises itself when the prebuilt one
 * cannot be fetched keeps its free-space and visibility maps and so has more files: it fits with
 * fewer spare, and PGlite tops the pool up after the first statement (spec: prebuilt.test.ts).
 */
export function newDatabasePoolSize(prebuiltFiles: number): number {
  return prebuiltFiles + OPFS_SPARE_HANDLES;
}

type InitArgs = Parameters<OpfsAhpFS['init']>;
type InitResult = Awaited<ReturnType<OpfsAhpFS['init']>>;

export class EarlyOpfsAhpFS extends OpfsAhpFS {
  readonly #opened: Promise<unknown>;

  /** `initialPoolSize`: the handles a new database starts with (`newDatabasePoolSize`). */
  constructor(path: string, initialPoolSize: number) {
    super(path, { initialPoolSize, maintainedPoolSize: OPFS_SPARE_HANDLES });
    // OpfsAhpFS's `init` opens the pool (which needs no PGlite) and then runs the base class's
    // `init`, which only records PGlite and amends its options: that part runs again, for real,
    // in `init` below. The instance given here is never used.
    this.#opened = super.init(undefined as unknown as InitArgs[0], {});
    // Awaited by `init`; a failure is reported there, not as an unhandled rejection here.
    this.#opened.catch(() => undefined);
  }

  /** Resolves when every handle is open; a database that cannot be opened rejects here. */
  opened(): Promise<void> {
    return this.#opened.then(() => undefined);
  }

  /**
   * Does not wait for the pool: PGlite builds its engine next, which touches none of these files
   * (it mounts this filesystem without reading it), so that runs while the handles open.
   */
  override init(...[pg, options]: InitArgs): Promise<InitResult> {
    return BaseFilesystem.prototype.init.call(this, pg, options);
  }

  /** PGlite's first look at the files, once the engine is up: the pool must be open by then. */
  override async initialSyncFs(): Promise<void> {
    await this.#opened;
    await super.initialSyncFs();
  }
}
