// A bare PGlite on the same data dir, to compare time-to-ready against: no migrations, no leader.
import { PGlite } from '@electric-sql/pglite';
import { platformExtensions } from '../../src/extensions.ts';

self.onmessage = async (event: MessageEvent<{ dataDir: string }>) => {
  const db = await PGlite.create(event.data.dataDir, { extensions: platformExtensions });
  await db.query('select 1');
  // Answered before closing: the page times up to here.
  self.postMessage({ ready: true });
  await db.close();
  self.postMessage({ closed: true });
};
