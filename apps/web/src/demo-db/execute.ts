import { fromPglite, type PgliteResultLike, toQueryError } from '../query/convert.ts';
import type { QueryOutcome } from '../query/types.ts';

/** What the demo database needs of PGlite (so Node tests can pass a PGlite directly). */
export interface ScriptRunner {
  exec(sql: string, options?: { rowMode?: 'array' | 'object' }): Promise<PgliteResultLike[]>;
}

/** Rows kept per result: enough to scroll through, bounded so a cross join cannot kill the tab. */
export const DEMO_MAX_ROWS = 200_000;

/**
 * Runs a script (one or more statements) like psql does: every statement's result, or the
 * first error with its position. A viewer's script runs in a read-only transaction, so the
 * studio treats the demo database like any other connection.
 */
export async function runScript(
  db: ScriptRunner,
  sql: string,
  options: { readOnly?: boolean; maxRows?: number } = {},
): Promise<QueryOutcome> {
  const started = performance.now();
  const maxRows = options.maxRows ?? DEMO_MAX_ROWS;
  try {
    if (options.readOnly) await db.exec('set session characteristics as transaction read only');
    try {
      const results = await db.exec(sql, { rowMode: 'array' });
      return {
        ok: true,
        results: results.map((r) => fromPglite(r, maxRows)),
        durationMs: performance.now() - started,
      };
    } finally {
      if (options.readOnly) {
        // A failed statement can leave a transaction block open; close it before resetting.
        await db.exec('rollback').catch(() => {});
        await db.exec('set session characteristics as transaction read write');
      }
    }
  } catch (error) {
    return { ok: false, error: toQueryError(error), durationMs: performance.now() - started };
  }
}
