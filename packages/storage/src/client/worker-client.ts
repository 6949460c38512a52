/**
 * The tab's `SqlClient`: PGlite's query, exec and transaction API, each call one request to the
 * leader worker (see `protocol.ts`). Results come back parsed by the worker's PGlite, except for
 * the types the caller brought its own parsers for, which are parsed here.
 */
import type { QueryOptions, Results } from '@electric-sql/pglite';
import type { Operation, StatementOptions } from './protocol.ts';
import type { SqlClient, SqlTransaction } from './types.ts';

/** Sends one operation to the leader and resolves with its answer. */
export type Call = (operation: Operation) => Promise<unknown>;

function statementOptions(options: QueryOptions | undefined): StatementOptions {
  // Functions and blobs cannot be sent to the worker; nothing in the platform uses them.
  if (options?.serializers || options?.blob || options?.onNotice) {
    throw new TypeError(
      'The browser database client supports the rowMode, paramTypes and parsers query options only.',
    );
  }
  return {
    ...(options?.rowMode ? { rowMode: options.rowMode } : {}),
    ...(options?.paramTypes ? { paramTypes: options.paramTypes } : {}),
    rawTypes: Object.keys(options?.parsers ?? {}).map(Number),
  };
}

/** Applies the caller's parsers to the values the worker left as Postgres printed them. */
function parse<T>(result: Results<T>, options: QueryOptions | undefined): Results<T> {
  const parsers = options?.parsers;
  if (!parsers) return result;
  const columns = result.fields
    .map((field, index) => ({ index, field, parser: parsers[field.dataTypeID] }))
    .filter((column) => column.parser !== undefined);
  if (columns.length === 0) return result;
  const arrays = options?.rowMode === 'array';
  for (const row of result.rows as Record<string | number, unknown>[]) {
    for (const { index, field, parser } of columns) {
      const key = arrays ? index : field.name;
      const value = row[key];
      if (typeof value === 'string' && parser) row[key] = parser(value);
    }
  }
  return result;
}

export class WorkerClient implements SqlClient {
  readonly #call: Call;

  constructor(call: Call) {
    this.#call = call;
  }

  query<T>(sql: string, params: unknown[] = [], options?: QueryOptions): Promise<Results<T>> {
    return this.#query<T>(sql, params, options, null);
  }

  exec(sql: string, options?: QueryOptions): Promise<Array<Results>> {
    return this.#exec(sql, options, null);
  }

  /**
   * Runs `callback` in one transaction in the leader. The leader holds PGlite's transaction lock
   * meanwhile, so statements from other tabs wait for it; if this tab closes first, the leader
   * rolls it back.
   */
  async transaction<T>(callback: (tx: SqlTransaction) => Promise<T>): Promise<T> {
    const id = (await this.#call({ op: 'begin' })) as string;
    let closed = false;
    const open = () => {
      if (closed) throw new Error('Transaction is closed');
    };
    const tx: SqlTransaction = {
      query: async <R>(sql: string, params: unknown[] = [], options?: QueryOptions) => {
        open();
        return this.#query<R>(sql, params, options, id);
      },
      exec: async (sql: string, options?: QueryOptions) => {
        open();
        return this.#exec(sql, options, id);
      },
      rollback: async () => {
        open();
        closed = true;
        await this.#call({ op: 'end', tx: id, commit: false });
      },
      get closed() {
        return closed;
      },
    };
    let result: T;
    try {
      result = await callback(tx);
    } catch (error) {
      if (!closed) {
        closed = true;
        await this.#call({ op: 'end', tx: id, commit: false }).catch(() => undefined);
      }
      throw error;
    }
    if (!closed) {
      closed = true;
      await this.#call({ op: 'end', tx: id, commit: true });
    }
    return result;
  }

  async #query<T>(
    sql: string,
    params: unknown[],
    options: QueryOptions | undefined,
    tx: string | null,
  ): Promise<Results<T>> {
    const operation = { op: 'query', sql, params, options: statementOptions(options), tx } as const;
    return parse((await this.#call(operation)) as Results<T>, options);
  }

  async #exec(
    sql: string,
    options: QueryOptions | undefined,
    tx: string | null,
  ): Promise<Array<Results>> {
    const operation = { op: 'exec', sql, options: statementOptions(options), tx } as const;
    const results = (await this.#call(operation)) as Array<Results>;
    return results.map((result) => parse(result, options));
  }
}
