/**
 * Query-history rows as the query-execution code records them, one per run.
 *
 * Follows src/components/Dashboard.tsx @ v0.5.6, src/hooks/use-query-execution.ts @ v0.7.0 and
 * @ HEAD c144361f, and the routes they call (src/app/api/db/query/route.ts,
 * src/app/api/db/multi-query/route.ts). What matters for a storage:
 * - nothing is validated before recording: an empty editor sends `""`, the server answers 400
 *   and the run is recorded as an error with `query: ""`;
 * - a multi-statement run that stops at a failing statement is `status: "error"` with BOTH
 *   `rowCount` (of the last statement that returned rows, often 0) and `errorMessage`;
 * - ids are never checked: `Math.random().toString(36).substring(7)` until 2026-08-18,
 *   `newLocalId()` since, so two runs can share one;
 * - `executedAt` is taken when the response arrives, so the prepended list is newest first.
 */
import type { LegacyRng } from './random.ts';
import { STUDIO_DATES, shortIdAt } from './timeline.ts';
import type { StudioConnection, StudioDatabaseType, StudioHistoryItem } from './types.ts';

export type HistoryOutcome =
  | 'success'
  | 'error'
  | 'empty-editor'
  | 'multi-statement-error'
  | 'multi-statement-success';

export interface LegacyHistoryOptions {
  connection: Pick<StudioConnection, 'id' | 'name' | 'type'>;
  executedAt: Date;
  /** Default: drawn (mostly successes, some errors, a few empty runs and multi-statement runs). */
  outcome?: HistoryOutcome;
  /** Default: the id scheme live at `executedAt`. Pass an earlier row's id to repeat it. */
  id?: string;
  /** Default: `Query 1`, `Query 2`, … or a table name, as tabs are named. */
  tabName?: string;
  /** Default: a statement in the connection's dialect. */
  query?: string;
}

const TABLES = ['employees', 'orders', 'order_items', 'customers', 'departments', 'salaries'];

/** A statement in the editor language of `type`, some with quotes, newlines and non-ASCII. */
export function sampleStatement(rng: LegacyRng, type: StudioDatabaseType): string {
  const table = rng.pick(TABLES);
  if (type === 'mongodb') {
    return rng.pick([
      `db.${table}.find({ "status": "active" }).limit(50)`,
      `db.${table}.aggregate([{ "$group": { "_id": "$city", "n": { "$sum": 1 } } }])`,
      `{"collection":"${table}","operation":"find","filter":{"name":"Zoë \\"the\\" admin"}}`,
    ]);
  }
  if (type === 'redis') {
    return rng.pick([
      'GET session:42',
      'HGETALL user:1001',
      'KEYS cache:*',
      'TTL rate:ip:10.0.0.7',
    ]);
  }
  if (type === 'libredb') {
    return rng.pick([
      'kv.get("greeting")',
      'table("users").where({ active: true })',
      'doc("articles").all()',
    ]);
  }
  const limit = rng.pick([10, 50, 100, 1000]);
  return rng.pick([
    `SELECT * FROM ${table} LIMIT ${limit};`,
    `SELECT id, name\nFROM ${table}\nWHERE name = 'O''Brien — Çağrı 🚀'\nLIMIT ${limit};`,
    `-- monthly report\nSELECT date_trunc('month', created_at) AS m, count(*)\nFROM ${table}\nGROUP BY 1\nORDER BY 1 DESC;`,
    `SELECT\n  ${table}.id\nFROM ${table}\nWHERE 1=1\nLIMIT 100;`,
    `select count(*) from ${table}`,
  ]);
}

function multiStatement(rng: LegacyRng): string {
  const table = rng.pick(TABLES);
  return `UPDATE ${table} SET updated_at = now() WHERE id = ${rng.int(1, 999)};\nSELECT * FROM ${table}_archive;\nSELECT count(*) FROM ${table};`;
}

const ERRORS = [
  'relation "order_itemz" does not exist',
  'syntax error at or near "FORM"',
  'Connection terminated unexpectedly',
  "Table 'shop.customer' doesn't exist",
  'Query failed',
  'Query timed out.',
  'permission denied for table salaries',
];

function drawOutcome(rng: LegacyRng, at: Date): HistoryOutcome {
  // The multi-statement route arrived with 7f69b803; before it a script ran as one statement.
  const multi = at >= STUDIO_DATES.connectionFormV2;
  const roll = rng.float();
  if (roll < 0.7) return 'success';
  if (roll < 0.86) return 'error';
  if (roll < 0.91) return 'empty-editor';
  if (roll < 0.96) return multi ? 'multi-statement-error' : 'error';
  return multi ? 'multi-statement-success' : 'success';
}

function executionTime(rng: LegacyRng): number {
  // Whole milliseconds: providers round their timings and the client measures with Date.now().
  return rng.int(0, 2_400);
}

/** One history row as `storage.addToHistory` receives it. */
export function legacyHistoryItem(
  rng: LegacyRng,
  options: LegacyHistoryOptions,
): StudioHistoryItem {
  const { connection, executedAt } = options;
  const outcome = options.outcome ?? drawOutcome(rng, executedAt);
  const base = {
    id: options.id ?? shortIdAt(rng, executedAt),
    connectionId: connection.id,
    connectionName: connection.name,
    tabName:
      options.tabName ?? rng.pick(['Query 1', 'Query 1', 'Query 2', 'Query 3', rng.pick(TABLES)]),
  };
  const time = executionTime(rng);

  if (outcome === 'empty-editor') {
    const message =
      executedAt < STUDIO_DATES.connectionFormV2
        ? 'Connection and SQL query are required'
        : 'Connection and query are required';
    return {
      ...base,
      query: options.query ?? '',
      executionTime: rng.int(3, 40),
      status: 'error',
      executedAt,
      errorMessage: message,
    };
  }
  if (outcome === 'error') {
    return {
      ...base,
      query: options.query ?? sampleStatement(rng, connection.type),
      executionTime: time,
      status: 'error',
      executedAt,
      errorMessage: rng.pick(ERRORS),
    };
  }
  const multi = outcome === 'multi-statement-error' || outcome === 'multi-statement-success';
  const failed = outcome === 'multi-statement-error';
  return {
    ...base,
    query: options.query ?? (multi ? multiStatement(rng) : sampleStatement(rng, connection.type)),
    executionTime: time,
    status: failed ? 'error' : 'success',
    executedAt,
    rowCount: failed ? rng.pick([0, 0, 1, 17]) : rng.int(0, 5_000),
    // Since the multi-statement route the success path passes `errorMessage: undefined`, which
    // JSON.stringify leaves out; the first builds had no such key at all.
    ...(executedAt >= STUDIO_DATES.connectionFormV2
      ? {
          errorMessage: failed
            ? rng.pick(['relation "orders_archive" does not exist', 'deadlock detected'])
            : undefined,
        }
      : {}),
  };
}
