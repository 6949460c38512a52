/**
 * What tabs and the leader worker say to each other. One request per statement, script or
 * transaction step (PGlite's own worker client makes about fourteen round trips per statement:
 * locks, each protocol message, blob hooks, a sync), sent straight to the tab's own worker when
 * it leads, or over a BroadcastChannel to the leading worker of another tab.
 */
import type { RowMode } from '@electric-sql/pglite';
import type { UnavailableReason } from '../errors.ts';
import type { StorageLocation } from './types.ts';

/** Which storage the leader may use; `auto` keeps an existing database where it is. */
export type StoragePreference = 'auto' | 'opfs' | 'indexeddb';

/** Everything a worker needs to lead; sent by its tab right after starting it. */
export interface WorkerConfig {
  readonly type: 'platform-storage:config';
  readonly name: string;
  readonly storage: StoragePreference;
}

/** Names shared by every tab of the origin for the database `name`. */
export const channels = (name: string) => ({
  /** Held by the leading worker for its lifetime: the election. */
  electionLock: `platform-storage:${name}:leader`,
  /** Tabs' requests to the leader (only the leader listens). */
  requests: `platform-storage:${name}:requests`,
  /** The leader's announcements, and tabs' hellos asking for one. */
  announcements: `platform-storage:${name}:announcements`,
  /** The leader's answers to one tab. */
  answers: (tab: string) => `platform-storage:${name}:answers:${tab}`,
  /** Held by a tab while it is open; the leader rolls back its transactions once it is free. */
  tabLock: (tab: string) => `platform-storage:${name}:tab:${tab}`,
});

export interface StatementOptions {
  readonly rowMode?: RowMode;
  readonly paramTypes?: number[];
  /**
   * Types the tab parses itself (it has parser functions for them, which cannot be sent): the
   * leader leaves their values as Postgres printed them.
   */
  readonly rawTypes: number[];
}

export type Operation =
  | { readonly op: 'describe' }
  | { readonly op: 'flush' }
  | {
      readonly op: 'query';
      readonly sql: string;
      readonly params: unknown[];
      readonly options: StatementOptions;
      readonly tx: string | null;
    }
  | {
      readonly op: 'exec';
      readonly sql: string;
      readonly options: StatementOptions;
      readonly tx: string | null;
    }
  | { readonly op: 'begin' }
  | { readonly op: 'end'; readonly tx: string; readonly commit: boolean };

export interface Request {
  readonly type: 'platform-storage:request';
  readonly id: number;
  readonly tab: string;
  readonly operation: Operation;
}

/** An error as it crosses a thread: its name, message and Postgres fields (code, detail, …). */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly fields: Record<string, string | number | boolean>;
  /** Set when opening or flushing the database failed. */
  readonly reason?: UnavailableReason;
}

export type Answer =
  | { readonly type: 'platform-storage:answer'; readonly id: number; readonly value: unknown }
  | {
      readonly type: 'platform-storage:answer';
      readonly id: number;
      readonly error: SerializedError;
    };

/**
 * Posted by a worker the moment it wins the election: to its own tab, which from then on talks
 * to it directly, and on the requests channel, so other tabs send their requests to it.
 */
export interface LeaderAnnouncement {
  readonly type: 'platform-storage:leader';
  readonly leader: string;
}

/** Posted by a tab that has just started, so a leader elected earlier announces itself again. */
export interface Hello {
  readonly type: 'platform-storage:hello';
}

export type DescribeResult = StorageLocation;

function hasType(value: unknown, type: string): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && (value as { type?: unknown }).type === type;
}

export const isRequest = (value: unknown): value is Request =>
  hasType(value, 'platform-storage:request') &&
  typeof value.id === 'number' &&
  typeof value.tab === 'string' &&
  !!value.operation &&
  typeof value.operation === 'object';

export const isAnswer = (value: unknown): value is Answer =>
  hasType(value, 'platform-storage:answer') && typeof value.id === 'number';

export const isLeaderAnnouncement = (value: unknown): value is LeaderAnnouncement =>
  hasType(value, 'platform-storage:leader') && typeof value.leader === 'string';

export const isHello = (value: unknown): value is Hello => hasType(value, 'platform-storage:hello');

export const isWorkerConfig = (value: unknown): value is WorkerConfig =>
  hasType(value, 'platform-storage:config') &&
  typeof value.name === 'string' &&
  (value.storage === 'auto' || value.storage === 'opfs' || value.storage === 'indexeddb');

/** Keeps what identifies a database error (PGlite's `code`, `constraint`, …) across threads. */
export function serializeError(error: unknown, reason?: UnavailableReason): SerializedError {
  const fields: Record<string, string | number | boolean> = {};
  let name = 'Error';
  let message: string;
  if (error instanceof Error || error instanceof DOMException) {
    name = error.name;
    message = error.message;
  } else if (error && typeof error === 'object' && 'errno' in error) {
    // Emscripten's FS errors are plain objects with an errno.
    message = `errno ${String(error.errno)}`;
  } else {
    message = String(error);
  }
  if (error && typeof error === 'object') {
    for (const [key, value] of Object.entries(error)) {
      if (key === 'name' || key === 'message' || key === 'stack') continue;
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
        fields[key] = value;
      }
    }
  }
  return reason === undefined ? { name, message, fields } : { name, message, fields, reason };
}

/** The tab's copy of an error from the worker: same name, message and fields. */
export function deserializeError(serialized: SerializedError): Error {
  const error = new Error(serialized.message);
  Object.assign(error, serialized.fields);
  Object.defineProperty(error, 'name', { value: serialized.name, configurable: true });
  return error;
}
