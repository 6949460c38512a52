/** One column of a result set, as Postgres describes it. */
export interface ResultColumn {
  name: string;
  /** The Postgres type OID (23 int4, 25 text, …). */
  dataTypeID: number;
}

/** The outcome of one statement of a script. Rows are arrays, in column order. */
export interface ResultSet {
  /** The command tag's verb: SELECT, INSERT, CREATE, … */
  command: string;
  columns: ResultColumn[];
  rows: unknown[][];
  /** Rows returned (SELECT) or affected (INSERT/UPDATE/DELETE); null when Postgres gives none. */
  rowCount: number | null;
  /** True when the rows were cut to a maximum; `rowCount` still tells the full count if known. */
  truncated: boolean;
}

/** A Postgres error, with where in the query text it happened when Postgres says so. */
export interface QueryError {
  message: string;
  /** SQLSTATE, e.g. 42P01 undefined_table. */
  code: string | null;
  /** 1-based character position in the SQL that was sent, as Postgres reports it. */
  position: number | null;
  /** `postgres` for errors the database raised; otherwise where it failed (network, server…). */
  kind: string;
  detail?: string | null;
  hint?: string | null;
}

export type QueryOutcome =
  | { ok: true; results: ResultSet[]; durationMs: number }
  | { ok: false; error: QueryError; durationMs: number };

/** The row count a history entry records: that of the last statement that gave one. */
export function outcomeRowCount(outcome: QueryOutcome): number | null {
  if (!outcome.ok) return null;
  for (let i = outcome.results.length - 1; i >= 0; i--) {
    const count = outcome.results[i]?.rowCount;
    if (count !== null && count !== undefined) return count;
  }
  return null;
}
