import type { QueryHistoryItem } from '@platform/storage';
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

/** The storage layer's limit on an error message (LIMITS.errorMessage). */
const MAX_ERROR_CHARS = 1_048_576;

/**
 * The history entry for one run, shaped as the studio's `QueryHistoryItem`: a field with
 * nothing to say is left out, as the studio leaves it out.
 */
export function historyEntryFor(run: Execution, id: string): QueryHistoryItem {
  const { outcome } = run;
  const rowCount = outcomeRowCount(outcome);
  return {
    id,
    connectionId: run.connection.id,
    connectionName: run.connection.name,
    tabName: run.tab.name,
    query: run.target.sql,
    ...(rowCount === null ? {} : { rowCount }),
    executionTime: Math.max(0, outcome.durationMs),
    status: outcome.ok ? 'success' : 'error',
    ...(outcome.ok ? {} : { errorMessage: outcome.error.message.slice(0, MAX_ERROR_CHARS) }),
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
