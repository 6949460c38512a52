/// <reference lib="webworker" />
import { url as demoDatabaseUrl } from 'virtual:demo-database';
import { PGlite } from '@electric-sql/pglite';
import {
  fetchDataDirectory,
  PendingTar,
  startPGliteArtifacts,
} from '@platform/storage/pglite-artifacts';
import { runScript } from './execute.ts';
import type { DemoRequest, DemoResponse } from './protocol.ts';
import { DEMO_SEED_SQL } from './seed.ts';

/**
 * The demo connection's database: an in-memory PGlite of its own, in this dedicated worker, so
 * nothing typed against the demo (`drop table query_logs`…) can reach the platform database,
 * and its queries never block the tab. It starts from the seeded directory made at build time
 * (./prebuilt.ts), downloading while the wasm compiles; when that cannot be fetched (the network
 * lost since the page loaded), it runs initdb and the seed here instead: slower, same rows.
 */
const scope = self as unknown as DedicatedWorkerGlobalScope;
const post = (message: DemoResponse) => scope.postMessage(message);

const started = performance.now();
const artifacts = startPGliteArtifacts();
const seeded = fetchDataDirectory(demoDatabaseUrl);
// Awaited below, through `PendingTar`; a failure is handled there.
seeded.catch(() => undefined);

async function open(): Promise<PGlite> {
  const [pgliteWasmModule, fsBundle] = await Promise.all([
    artifacts.wasmModule,
    artifacts.fsBundle,
  ]);
  try {
    return await PGlite.create({ pgliteWasmModule, fsBundle, loadDataDir: new PendingTar(seeded) });
  } catch (error) {
    const fetched = await seeded.then(
      () => true,
      () => false,
    );
    if (fetched) throw error;
    const db = await PGlite.create({ pgliteWasmModule, fsBundle });
    await db.exec(DEMO_SEED_SQL);
    return db;
  }
}

const ready = open();

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
