import type { PlatformStorage, UserRecord } from '@platform/storage';
import type { SessionResponse } from '../protocol/messages.ts';
import { adjustClockOffset } from './clock.ts';
import type { SyncServerApi } from './server-api.ts';

/**
 * Turns sync on for the current profile after a login (or first-run setup) on `api`'s server:
 * the device's clock is set to the server's first, so the stamps of the upload are in server
 * time; then the profile becomes the account's copy here, and all its data is queued for
 * upload (storage.linkSyncAccount). Run it again and nothing is uploaded twice.
 */
export async function enableSync(
  storage: PlatformStorage,
  api: SyncServerApi,
  session: SessionResponse,
  receivedAt = Date.now(),
): Promise<UserRecord> {
  const bridge = await storage.syncBridge();
  await adjustClockOffset(bridge.db, session.serverTime, receivedAt, receivedAt);
  return storage.linkSyncAccount(session.user, api.baseUrl);
}

/** Stops syncing the current profile: its data stays here, and on the server. */
export async function disableSync(storage: PlatformStorage): Promise<void> {
  await storage.syncConfig.set({ syncEnabled: false });
}
