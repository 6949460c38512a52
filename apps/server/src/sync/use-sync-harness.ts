// Test support: the hooks every end-to-end sync spec file needs, around one harness.
import { afterAll, beforeAll, inject } from 'vitest';
import {
  closeTemplate,
  type HarnessOptions,
  type SyncHarness,
  startSyncHarness,
} from './sync-harness.ts';

/** One server, database and Electric double for the file; closed, devices and all, at its end. */
export function useSyncHarness(options: HarnessOptions = {}): { readonly harness: SyncHarness } {
  const fixture = {} as { harness: SyncHarness };
  beforeAll(async () => {
    fixture.harness = await startSyncHarness(inject('postgresUrl'), options);
  }, 120_000);
  afterAll(async () => {
    await fixture.harness?.close();
    await closeTemplate();
  });
  return fixture;
}
