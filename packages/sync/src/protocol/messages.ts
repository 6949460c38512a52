import { isStorableText } from '@platform/schema/common';
import { LIMITS } from '@platform/storage/limits';
import { z } from 'zod';
import { hlcValue } from './rows.ts';
import { SYNCED_TABLES } from './tables.ts';

/** Most mutations one push request may carry; the client sends at most this many at once. */
export const MAX_PUSH_BATCH = 500;
/**
 * The largest push request body the server takes. One mutation carrying a query text at its
 * limit always fits: 5 Mi characters is at most 35 MiB as JSON (stored text escapes a lone
 * surrogate as `\udxxx`, which JSON writes `\\udxxx`: 7 bytes for one character), with room
 * for the rest of its row (an `extra` of up to 16 MiB is a history entry's worst). The client
 * packs batches up to a quarter of this; a larger mutation goes alone.
 */
export const MAX_PUSH_BYTES = 64 * 1024 * 1024;
/**
 * How far ahead of the server's clock a pushed stamp may be. A device corrects its clock by the
 * server's at every exchange, so a stamp further ahead comes from a clock that jumped since: the
 * server restamps that write with its own time instead of letting it win for as long as the
 * clock is wrong.
 */
export const MAX_CLOCK_AHEAD_MS = 60_000;

/**
 * The server's clock (epoch ms) when it sent a shape response: the shape proxy adds it, so a
 * device that comes back with a clock changed while it was away notices before it applies the
 * rows (and corrects its unsent stamps first; see the sync client).
 */
export const SERVER_TIME_HEADER = 'x-server-time';

export const mutation = z.strictObject({
  /** Idempotency key: applied at most once, whatever the retries. */
  id: z.string().min(1).max(64).refine(isStorableText, 'must be storable text'),
  table: z.enum(SYNCED_TABLES),
  /** `upsert` carries the row as the device has it now; `delete` a row removed outright. */
  op: z.enum(['upsert', 'delete']),
  rowId: z.string().min(1).max(LIMITS.id).refine(isStorableText, 'must be storable text'),
  hlc: hlcValue,
  /** The whole row for an upsert (validated per table by the server); absent for a delete. */
  row: z.record(z.string(), z.unknown()).optional(),
});
export type Mutation = z.infer<typeof mutation>;

export const pushRequest = z.strictObject({
  mutations: z.array(mutation).min(1).max(MAX_PUSH_BATCH),
});
export type PushRequest = z.infer<typeof pushRequest>;

/**
 * What became of a mutation:
 * - `applied`: its stamp was newer than the server's row; `hlc` is the stamp stored, which is
 *   the server's own when it restamped a write from a clock running ahead;
 * - `stale`: the server has a newer write; `current` is that row (the device takes it);
 * - `forbidden`: the session may not write it (a viewer's saved query, a role change);
 *   `current` is the server's row when the user may see it, else null (the device drops its copy);
 * - `conflict`: the id belongs to another user's row; nothing of that row is disclosed;
 * - `invalid`: the row breaks a rule (`reason` says which); nothing was written.
 */
export const MUTATION_STATUSES = ['applied', 'stale', 'forbidden', 'conflict', 'invalid'] as const;
export type MutationStatus = (typeof MUTATION_STATUSES)[number];

export interface MutationResult {
  id: string;
  status: MutationStatus;
  hlc?: string;
  current?: Record<string, unknown> | null;
  reason?: string;
}

export interface PushResponse {
  results: MutationResult[];
  /** The server's clock (epoch ms) when it answered: devices correct their clocks by it. */
  serverTime: number;
}

/** A session as the auth endpoints describe it. */
export interface AccountInfo {
  id: string;
  username: string;
  email: string | null;
  role: 'admin' | 'user' | 'viewer';
}

export interface SessionResponse {
  user: AccountInfo;
  serverTime: number;
}

export interface SyncServerStatus {
  /** The server has a database: accounts and sync can be used. */
  syncAvailable: boolean;
  /** No account exists yet: the first one is made through setup and is an admin. */
  setupRequired: boolean;
  serverTime: number;
}
