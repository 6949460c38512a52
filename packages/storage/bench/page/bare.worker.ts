// A bare PGlite on the same data dir, to compare time-to-ready against: no migrations, no leader.
import { PGlite } from '@electric-sql/pglite';
import { platformExtensions } from '../../src/extensions.ts';

self.onmessage = async (event: MessageEvent<{ dataDir: string }>) => {
  const start = performance.now();
  const db = await PGlite.create(event.data.dataDir, { extensions: platformExtensions });
  await db.query('select 1');
  const ms = performance.now() - start;
  await db.close();
  self.postMessage({ ms });
};
