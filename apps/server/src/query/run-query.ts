import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type ColumnType, columnType } from './column-types.ts';
import { type ConnectionSettings, type Dialer, openConnection } from './connection.ts';
import { QueryFailedError, type Secrets, sqlFailure } from './errors.ts';
import { createTypeParsers, type JsonValue, toJsonValue } from './json-values.ts';
import { type ReadOnlyStatement, readOnlyStatements } from './read-only-sql.ts';

export interface ColumnInfo {
  name: string;
  dataTypeID: number;
  type: ColumnType;
}

export interface ResultSet {
  /** The command tag's verb (`SELECT`, `INSERT`, `CREATE`…); null for an empty statement. */
  command: string | null;
  /** Rows the statement returned or affected, counted by Postgres, not cut by `maxRows`. */
  rowCount: number | null;
  columns: ColumnInfo[];
  rows: JsonValue[][];
  /** True when rows were dropped because of `maxRows`. */
  truncated: boolean;
}

export interface QueryResponse {
  results: ResultSet[];
  /** The run was read-only: asked for, or because the session is a viewer's. */
  readOnly: boolean;
  /** Time spent running the SQL, connecting excluded. */
  durationMs: number;
}

export interface RunQueryOptions {
  connection: ConnectionSettings;
  sql: string;
  /**
   * Only statements that cannot write or act (`read-only-sql.ts`), inside
   * `BEGIN READ ONLY … ROLLBACK`.
   */
  readOnly?: boolean;
  /** Rows kept across all result sets together; the rest are read from the socket and dropped. */
  maxRows: number;
  timeoutMs: number;
}

/**
 * Runs user SQL on a fresh connection and returns every result set, JSON-safe. Throws
 * QueryFailedError: kind `sql` for errors Postgres reports, kind `connection` otherwise.
 */
export async function runQuery(options: RunQueryOptions, dialer: Dialer): Promise<QueryResponse> {
  // Before connecting: a refused statement costs the target nothing, not even a login.
  const statements = options.readOnly ? await readOnlyStatements(options.sql) : null;
  const connection = await openConnection(options.connection, dialer, {
    statementTimeoutMs: options.timeoutMs,
  });
  const { client, secrets } = connection;
  try {
    const started = performance.now();
    const budget = { remaining: options.maxRows };
    const results = statements
      ? await runReadOnly(client, options.sql, statements, budget, secrets)
      : await execute(client, options.sql, budget, false).catch((error: unknown) => {
          throw new QueryFailedError(sqlFailure(error, secrets));
        });
    return {
      results,
      readOnly: statements !== null,
      durationMs: Math.round((performance.now() - started) * 1000) / 1000,
    };
  } finally {
    await connection.close();
  }
}

export async function testConnection(
  settings: ConnectionSettings,
  dialer: Dialer,
): Promise<string> {
  const connection = await openConnection(settings, dialer);
  try {
    const { rows } = await connection.client.query<{ server_version: string }>(
      'show server_version',
    );
    return rows[0]?.server_version ?? 'unknown';
  } catch (error) {
    throw new QueryFailedError(sqlFailure(error, connection.secrets));
  } finally {
    await connection.close();
  }
}

const GUARD = 'platform.read_only_guard';

/**
 * The statements the parser checked, exactly as it delimited them, each alone through the
 * extended protocol (which refuses a second command in one message), with
 * `standard_conforming_strings` on, the lexing the parser assumed: a role or database set to
 * `off` could otherwise make the server read a string the parser saw as a string as code.
 * Transaction control is refused before this; as a second line, a transaction-local marker, set
 * with a random value the SQL cannot know, must still be there after each statement: if it is
 * gone, the transaction was ended and nothing more runs.
 */
async function runReadOnly(
  client: pg.Client,
  sql: string,
  statements: ReadOnlyStatement[],
  budget: RowBudget,
  secrets: Secrets,
): Promise<ResultSet[]> {
  const token = randomBytes(16).toString('hex');
  await client.query(
    `begin read only; select set_config('${GUARD}', '${token}', true), ` +
      `set_config('standard_conforming_strings', 'on', true)`,
  );
  const results: ResultSet[] = [];
  try {
    for (const statement of statements) {
      try {
        results.push(...(await execute(client, statement.text, budget, true)));
      } catch (error) {
        const offset = codePointLength(sql.slice(0, statement.offset));
        throw new QueryFailedError(sqlFailure(error, secrets, offset));
      }
      const guard = await client.query<[string | null]>({
        text: `select current_setting('${GUARD}', true)`,
        rowMode: 'array',
      });
      if (guard.rows[0]?.[0] !== token) {
        throw new QueryFailedError({
          kind: 'sql',
          message: 'a read-only query cannot end its transaction',
          code: '25006',
          position: codePointLength(sql.slice(0, statement.offset)) + 1,
          detail: null,
          hint: 'Remove COMMIT, ROLLBACK or similar statements, or run the query read-write.',
        });
      }
    }
    return results;
  } finally {
    await client.query('rollback').catch(() => {});
  }
}

interface RowBudget {
  remaining: number;
}

type Built = pg.QueryResult<unknown[]>;

/**
 * Runs SQL with rows delivered one by one, so at most `budget.remaining` rows are ever held:
 * a `row` listener turns off pg's own accumulation. Each result set gets its own Result object
 * from pg, which tells which rows belong to which set.
 */
function execute(
  client: pg.Client,
  text: string,
  budget: RowBudget,
  extended: boolean,
): Promise<ResultSet[]> {
  return new Promise((resolve, reject) => {
    const config = {
      text,
      rowMode: 'array' as const,
      types: createTypeParsers(),
      // Forces Parse/Bind/Execute even without parameters.
      ...(extended ? { queryMode: 'extended' } : {}),
    };
    const query = new pg.Query(config);
    const kept = new Map<unknown, { rows: JsonValue[][]; truncated: boolean }>();
    query.on('row', (row: unknown, result: unknown) => {
      let entry = kept.get(result);
      if (!entry) {
        entry = { rows: [], truncated: false };
        kept.set(result, entry);
      }
      if (budget.remaining > 0) {
        budget.remaining--;
        entry.rows.push((row as unknown[]).map(toJsonValue));
      } else {
        entry.truncated = true;
      }
    });
    query.on('error', reject);
    query.on('end', (built: unknown) => {
      const all = (Array.isArray(built) ? built : [built]) as Built[];
      resolve(
        all
          .filter((result) => result.command || result.fields.length > 0)
          .map((result) => ({
            command: result.command || null,
            rowCount: result.rowCount,
            columns: result.fields.map((field) => ({
              name: field.name,
              dataTypeID: field.dataTypeID,
              type: columnType(field.dataTypeID),
            })),
            rows: kept.get(result)?.rows ?? [],
            truncated: kept.get(result)?.truncated ?? false,
          })),
      );
    });
    client.query(query);
  });
}

/** Postgres counts positions in characters; JS strings index UTF-16 code units. */
function codePointLength(text: string): number {
  let length = 0;
  for (const _ of text) length++;
  return length;
}
