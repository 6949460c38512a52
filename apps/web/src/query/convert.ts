import type { QueryError, QueryOutcome, ResultSet } from './types.ts';

/** The part of PGlite's `Results` the conversion reads (array row mode). */
export interface PgliteResultLike {
  rows: unknown[];
  fields: { name: string; dataTypeID: number }[];
  command?: string;
  rowCount?: number;
  affectedRows?: number;
}

/**
 * A PGlite result (queried with `rowMode: 'array'`) as a result set, its rows cut to `maxRows`
 * so a runaway `select` cannot exhaust the tab's memory.
 */
export function fromPglite(result: PgliteResultLike, maxRows: number): ResultSet {
  const rows = result.rows as unknown[][];
  const truncated = rows.length > maxRows;
  const command = result.command ?? (result.fields.length > 0 ? 'SELECT' : 'OK');
  return {
    command,
    columns: result.fields.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID })),
    rows: truncated ? rows.slice(0, maxRows) : rows,
    rowCount: result.rowCount ?? (result.fields.length > 0 ? rows.length : null),
    truncated,
  };
}

/** Anything thrown while running SQL, as a `QueryError` that survives `postMessage`. */
export function toQueryError(error: unknown): QueryError {
  if (error && typeof error === 'object') {
    const e = error as Record<string, unknown>;
    const position = Number(e.position);
    const isPostgres = typeof e.severity === 'string' || typeof e.code === 'string';
    return {
      message: typeof e.message === 'string' ? e.message : String(error),
      code: typeof e.code === 'string' ? e.code : null,
      position: Number.isInteger(position) && position > 0 ? position : null,
      kind: isPostgres ? 'postgres' : 'internal',
      detail: typeof e.detail === 'string' ? e.detail : null,
      hint: typeof e.hint === 'string' ? e.hint : null,
    };
  }
  return { message: String(error), code: null, position: null, kind: 'internal' };
}

/** `POST /api/query`'s answer (see apps/server), as sent over the wire. */
export interface ServerQueryResponse {
  results?: {
    command?: string | null;
    rowCount?: number | null;
    columns?: { name: string; dataTypeID: number }[];
    rows?: unknown[][];
    truncated?: boolean;
  }[];
  durationMs?: number;
  error?: {
    kind?: string;
    message?: string;
    code?: string | null;
    position?: number | string | null;
    detail?: string | null;
    hint?: string | null;
  };
}

/** The server's JSON answer as an outcome; `fallbackMs` is the round trip, used when it has none. */
export function fromServerResponse(
  body: ServerQueryResponse,
  status: number,
  fallbackMs: number,
): QueryOutcome {
  const durationMs = typeof body.durationMs === 'number' ? body.durationMs : fallbackMs;
  if (body.error || !Array.isArray(body.results)) {
    const position = Number(body.error?.position);
    return {
      ok: false,
      durationMs,
      error: {
        message: body.error?.message ?? `The server answered ${status} without a result.`,
        code: body.error?.code ?? null,
        position: Number.isInteger(position) && position > 0 ? position : null,
        kind: body.error?.kind ?? 'server',
        detail: body.error?.detail ?? null,
        hint: body.error?.hint ?? null,
      },
    };
  }
  return {
    ok: true,
    durationMs,
    results: body.results.map((r) => {
      const columns = r.columns ?? [];
      const rows = r.rows ?? [];
      return {
        command: r.command ?? (columns.length > 0 ? 'SELECT' : 'OK'),
        columns,
        rows,
        rowCount: r.rowCount ?? (columns.length > 0 ? rows.length : null),
        truncated: r.truncated ?? false,
      };
    }),
  };
}
