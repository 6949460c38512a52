/// <reference lib="webworker" />
import { PGlite } from '@electric-sql/pglite';
import { runScript } from './execute.ts';
import type { DemoRequest, DemoResponse } from './protocol.ts';
import { DEMO_SEED_SQL } from './seed.ts';

/**
 * The demo connection's database: an in-memory PGlite of its own, in this dedicated worker, so
 * nothing typed against the demo (`drop table query_logs`…) can reach the platform database,
 * and its queries never block the tab.
 */
const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (message: DemoResponse) => scope.postMessage(message);

const started = performance.now();
const ready = (async () => {
  const db = await PGlite.create();
  await db.exec(DEMO_SEED_SQL);
  return db;
})();

ready.then(
  () => post({ type: 'ready', ms: performance.now() - started }),
  (error: unknown) => post({ type: 'failed', message: String(error) }),
);

// Statements run one script at a time: PGlite is single-session, and a viewer's read-only
// setting must not leak into another tab's script.
let queue: Promise<unknown> = Promise.resolve();

scope.addEventListener('message', (event: MessageEvent<DemoRequest>) => {
  const request = event.data;
  if (request.type !== 'run') return;
  queue = queue.then(async () => {
    const db = await ready;
    const outcome = await runScript(db, request.sql, { readOnly: request.readOnly });
    post({ id: request.id, type: 'result', outcome });
  });
});
