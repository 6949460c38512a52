import pg from 'pg';

/** What a failed request tells the browser; never the connection settings it was given. */
export type QueryFailure =
  | {
      kind: 'sql';
      message: string;
      /** SQLSTATE, e.g. `42P01`; `57014` when the statement timed out. */
      code: string | null;
      /** 1-based character position in the submitted SQL, as Postgres reports it. */
      position: number | null;
      detail: string | null;
      hint: string | null;
    }
  | { kind: 'connection'; message: string; code: string | null };

export class QueryFailedError extends Error {
  constructor(readonly failure: QueryFailure) {
    super(failure.message);
    this.name = 'QueryFailedError';
  }
}

/**
 * Server-reported errors raised once connected are the user's SQL; anything else (refused,
 * unknown host, TLS, dropped socket) means the database could not be reached.
 */
export function sqlFailure(error: unknown, secrets: Secrets, positionOffset = 0): QueryFailure {
  if (!(error instanceof pg.DatabaseError)) return connectionFailure(error, secrets);
  const position = error.position ? Number(error.position) + positionOffset : null;
  return {
    kind: 'sql',
    message: secrets.redact(error.message),
    code: error.code ?? null,
    position: Number.isFinite(position) ? position : null,
    detail: error.detail ? secrets.redact(error.detail) : null,
    hint: error.hint ? secrets.redact(error.hint) : null,
  };
}

export function connectionFailure(error: unknown, secrets: Secrets): QueryFailure {
  const code = errorCode(error);
  return {
    kind: 'connection',
    message: secrets.redact(errorMessage(error) || `could not connect (${code ?? 'unknown'})`),
    code,
  };
}

function errorCode(error: unknown): string | null {
  if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return null;
}

function errorMessage(error: unknown): string {
  // Node reports a host that refuses on every address (localhost: ::1 and 127.0.0.1) as an
  // AggregateError with an empty message.
  if (error instanceof AggregateError && !error.message) {
    return error.errors.map(errorMessage).filter(Boolean).join('; ');
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * The request's password and connection string, to scrub from any text sent back. pg keeps
 * them out of its messages already; this holds if a driver or TLS error ever quotes them.
 */
export class Secrets {
  readonly #values: string[];

  constructor(values: Array<string | undefined>) {
    this.#values = values.filter((value): value is string => Boolean(value));
  }

  redact(text: string): string {
    return this.#values.reduce((result, secret) => result.replaceAll(secret, '[redacted]'), text);
  }
}
