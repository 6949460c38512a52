import { type StudioConnection, unsupportedReason } from '../connections/types.ts';
import { demoDatabase } from '../demo-db/client.ts';
import { fromServerResponse, type ServerQueryResponse } from './convert.ts';
import type { QueryOutcome } from './types.ts';

/** What `/api/query` is told to connect to: a connection string when there is one. */
export function serverConnection(connection: StudioConnection) {
  if (connection.connectionString) return { connectionString: connection.connectionString };
  return {
    host: connection.host,
    port: connection.port,
    database: connection.database,
    user: connection.user,
    password: connection.password,
  };
}

/**
 * Runs a script on a connection: the demo worker, or PostgreSQL through `/api/query`. Any other
 * type is not sent anywhere: the outcome says plainly that this studio does not run it.
 */
export async function runQuery(
  connection: StudioConnection,
  sql: string,
  readOnly: boolean,
): Promise<QueryOutcome> {
  if (connection.kind === 'demo') return demoDatabase.run(sql, readOnly);
  const unsupported = unsupportedReason(connection);
  if (unsupported) {
    return {
      ok: false,
      durationMs: 0,
      error: { message: unsupported, code: null, position: null, kind: 'unsupported' },
    };
  }
  const started = performance.now();
  try {
    const response = await fetch('/api/query', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ connection: serverConnection(connection), sql, readOnly }),
    });
    const elapsed = performance.now() - started;
    let body: ServerQueryResponse;
    try {
      body = (await response.json()) as ServerQueryResponse;
    } catch {
      body = { error: { kind: 'server', message: `The server answered ${response.status}.` } };
    }
    return fromServerResponse(body, response.status, elapsed);
  } catch (error) {
    return {
      ok: false,
      durationMs: performance.now() - started,
      error: {
        message: `Could not reach the query server: ${String(error)}`,
        code: null,
        position: null,
        kind: 'network',
      },
    };
  }
}
