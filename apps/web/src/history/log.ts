import type { StudioConnection } from '../connections/types.ts';
import type { RunTarget } from '../editor/statements.ts';
import type { QueryOutcome } from '../query/types.ts';
import { outcomeRowCount } from '../query/types.ts';
import { loadStorage } from '../storage/loader.ts';

export interface Execution {
  target: RunTarget;
  outcome: QueryOutcome;
  tab: { name: string };
  connection: StudioConnection;
  executedAt: Date;
}

/** The storage layer's limits (LIMITS.errorMessage, a Postgres int4 row count). */
const MAX_ERROR_CHARS = 65_536;
const clampCount = (n: number | null) => (n === null ? null : Math.min(n, 2_147_483_647));

/** The history entry for one run, in the storage API's input shape. */
export function historyEntryFor(run: Execution, id: string) {
  const { outcome } = run;
  return {
    id,
    connectionId: run.connection.id,
    connectionName: run.connection.name,
    tabName: run.tab.name,
    query: run.target.sql,
    rowCount: clampCount(outcomeRowCount(outcome)),
    executionTime: Math.max(0, outcome.durationMs),
    status: outcome.ok ? ('success' as const) : ('error' as const),
    errorMessage: outcome.ok ? null : outcome.error.message.slice(0, MAX_ERROR_CHARS),
    executedAt: run.executedAt,
  };
}

/**
 * Records a run. A run made before storage opened waits for it here, so nothing typed in the
 * first seconds is missing from history.
 */
export async function logExecution(run: Execution): Promise<void> {
  const storage = await loadStorage();
  await storage.history.add(historyEntryFor(run, crypto.randomUUID()));
}
