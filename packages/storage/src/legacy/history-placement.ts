import { queryLogs } from '@platform/schema/browser';
import { inArray } from 'drizzle-orm';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import { ConflictError } from '../errors.ts';
import { LIMITS } from '../limits.ts';
import type { HistoryItem } from './legacy-items.ts';

/**
 * Where each imported history entry goes. The studio's history ids are a few random characters,
 * never checked: two runs can share one, within a generation or across both, and both are real
 * history, so an entry is never dropped for its id. The first run keeps the id; a different run
 * under a used id is kept under `<id>~<hash of the run>` (`-2`, `-3`… after it when that is taken
 * too). Which is derived from the run itself, never from chance, so a second import finds every
 * entry where the first put it: an entry is present when a row with its id, or a derived id, holds
 * the same run, and each row counts for one entry only (two identical runs are two entries).
 */

type Db = PgliteDatabase;

/** What makes a run the same run: every stored field but the id. */
type Run = Pick<
  HistoryItem['row'],
  | 'connectionId'
  | 'connectionName'
  | 'tabName'
  | 'query'
  | 'rowCount'
  | 'executionTimeMs'
  | 'status'
  | 'errorMessage'
  | 'executedAt'
  | 'extra'
>;

/** JSON with object keys sorted: the same document gives the same text. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value as Record<string, unknown>)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function runFingerprint(run: Run): string {
  return canonical([
    run.connectionId,
    run.connectionName,
    run.tabName,
    run.query,
    run.rowCount,
    run.executionTimeMs,
    run.status,
    run.errorMessage,
    run.executedAt.getTime(),
    run.extra,
  ]);
}

async function shortHash(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest).slice(0, 5), (b) => b.toString(16).padStart(2, '0'))
    .join('')
    .slice(0, 8);
}

/** The k-th place an entry may take: its id, then ids derived from its run. */
function candidate(id: string, hash: string, k: number): string {
  if (k === 0) return id;
  const suffix = k === 1 ? `~${hash}` : `~${hash}-${k}`;
  return `${id.slice(0, LIMITS.id - suffix.length)}${suffix}`;
}

export interface Placement {
  item: HistoryItem;
  /** The id it is stored under. */
  storedAs: string;
  /** Already there (an earlier import, or this run stored under this id before). */
  present: boolean;
}

interface Known {
  /** The run a row holds; null for another profile's row (never ours to count). */
  fingerprint: string | null;
  /** Taken by an entry of this import already. */
  claimed: boolean;
}

/**
 * The place of every entry, in the order given (the merged order, newest first: the first of
 * two runs sharing an id keeps it). Reads the rows the candidate ids name, tombstones and other
 * profiles' rows included (the id is the table's key either way); writes nothing.
 */
export async function placeHistory(
  db: Db,
  userId: string,
  items: readonly HistoryItem[],
): Promise<Placement[]> {
  const known = new Map<string, Known | 'free'>();
  const fetch = async (ids: string[]) => {
    const wanted = [...new Set(ids.filter((id) => !known.has(id)))];
    for (let i = 0; i < wanted.length; i += 1_000) {
      const slice = wanted.slice(i, i + 1_000);
      const rows = await db
        .select({
          id: queryLogs.id,
          userId: queryLogs.userId,
          connectionId: queryLogs.connectionId,
          connectionName: queryLogs.connectionName,
          tabName: queryLogs.tabName,
          query: queryLogs.query,
          rowCount: queryLogs.rowCount,
          executionTimeMs: queryLogs.executionTimeMs,
          status: queryLogs.status,
          errorMessage: queryLogs.errorMessage,
          executedAt: queryLogs.executedAt,
          extra: queryLogs.extra,
        })
        .from(queryLogs)
        .where(inArray(queryLogs.id, slice));
      for (const id of slice) known.set(id, 'free');
      for (const row of rows) {
        const fingerprint =
          row.userId === userId ? runFingerprint(row as HistoryItem['row']) : null;
        known.set(row.id, { fingerprint, claimed: false });
      }
    }
  };

  const fingerprints = items.map((item) => runFingerprint(item.row));
  const hashes = await Promise.all(fingerprints.map(shortHash));
  await fetch(items.flatMap((item, i) => [item.id, candidate(item.id, hashes[i] as string, 1)]));

  const placements: Placement[] = [];
  for (const [i, item] of items.entries()) {
    const fingerprint = fingerprints[i] as string;
    const hash = hashes[i] as string;
    for (let k = 0; ; k++) {
      if (k > 10_000) throw new ConflictError(`No free id for the history entry ${item.id}.`);
      const id = candidate(item.id, hash, k);
      if (!known.has(id)) await fetch([id]);
      const place = known.get(id);
      if (place === 'free') {
        known.set(id, { fingerprint, claimed: true });
        placements.push({ item, storedAs: id, present: false });
        break;
      }
      if (place && !place.claimed && place.fingerprint === fingerprint) {
        place.claimed = true;
        placements.push({ item, storedAs: id, present: true });
        break;
      }
    }
  }
  return placements;
}
