// Which errors mean "the platform database is gone or not answering" rather than "this request
// is wrong": a killed or restarting Postgres, a terminated backend, a dropped or silent network.
// The app answers those with a 503 the client can retry, and logs them as warnings: an outage
// is an operational event, not a bug in the server.
import { HttpError } from '../http-errors.ts';

/** The `reason` of every 503 caused by the platform database. */
export const DATABASE_UNAVAILABLE = 'database-unavailable';

/** Node's socket errors: the server cannot reach Postgres, or the connection broke. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENOTCONN',
]);

/**
 * SQLSTATEs of a server that cannot serve this session: class 08 (connection exception), class
 * 57 (operator intervention: shutdown, crash, `pg_terminate_backend`, still starting up,
 * cancelled), too many connections, and a session ended for idling in a transaction.
 */
function isUnavailableSqlState(code: string): boolean {
  return code.startsWith('08') || code.startsWith('57') || code === '53300' || code === '25P03';
}

/**
 * What `pg` and `pg-pool` throw without a code when a connection is lost, times out, or a client
 * that already lost its connection is used again. They have no codes, only these messages.
 */
const DRIVER_MESSAGES = [
  /^Connection terminated/, // unexpectedly, or due to connection timeout
  /^timeout exceeded when trying to connect$/, // pool: no client within connectionTimeoutMillis
  /^Query read timeout$/, // query_timeout: the server did not answer
  /is not queryable$/, // a client whose connection broke (or was closed) used again
];

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  errors?: unknown;
}

/** The error, its causes and, for an AggregateError (one per address tried), its parts. */
function* chain(error: unknown, depth = 0): Generator<ErrorLike> {
  if (depth > 8 || typeof error !== 'object' || error === null) return;
  const e = error as ErrorLike;
  yield e;
  yield* chain(e.cause, depth + 1);
  if (Array.isArray(e.errors)) for (const part of e.errors) yield* chain(part, depth + 1);
}

/** The first error of the chain that says the database is unavailable, with its code. */
function unavailableCause(error: unknown): { code: string | null; message: string } | null {
  for (const e of chain(error)) {
    const code = typeof e.code === 'string' ? e.code : null;
    const message = typeof e.message === 'string' ? e.message : '';
    if (
      code &&
      (NETWORK_CODES.has(code) || (/^[0-9A-Z]{5}$/.test(code) && isUnavailableSqlState(code)))
    ) {
      return { code, message };
    }
    if (DRIVER_MESSAGES.some((pattern) => pattern.test(message))) return { code, message };
  }
  return null;
}

/** True when `error` means the platform database is unreachable, lost or not answering. */
export function isDatabaseUnavailable(error: unknown): boolean {
  return unavailableCause(error) !== null;
}

/** A 503 for the client and what to log, or null when `error` is not about the database's availability. */
export function databaseUnavailable(
  error: unknown,
): { error: HttpError; cause: { code: string | null; message: string } } | null {
  const cause = unavailableCause(error);
  if (!cause) return null;
  return {
    error: new HttpError(
      503,
      'unavailable',
      "The server's database is unavailable right now: try again in a moment.",
      DATABASE_UNAVAILABLE,
    ),
    cause,
  };
}
