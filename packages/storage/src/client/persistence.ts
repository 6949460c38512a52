import type { StorageEstimate } from './types.ts';

function storageManager(): StorageManager | undefined {
  return typeof navigator === 'undefined' ? undefined : navigator.storage;
}

/**
 * Asks the browser not to evict this origin's data under storage pressure. Chromium decides
 * silently (site engagement, installed app); Firefox may ask the user, so call it from a user
 * action there. Resolves `false` when the API is missing or the browser says no.
 */
export async function requestPersistentStorage(): Promise<boolean> {
  const storage = storageManager();
  if (typeof storage?.persist !== 'function') return false;
  try {
    return await storage.persist();
  } catch {
    // Some embedders throw instead of answering; for the caller that is a no.
    return false;
  }
}

/** How much this origin stores and may store, in bytes, and whether it is persistent. */
export async function estimateStorage(): Promise<StorageEstimate> {
  const storage = storageManager();
  const [estimate, persisted] = await Promise.all([
    typeof storage?.estimate === 'function'
      ? storage.estimate().catch(() => undefined)
      : Promise.resolve(undefined),
    typeof storage?.persisted === 'function'
      ? storage.persisted().catch(() => null)
      : Promise.resolve(null),
  ]);
  return {
    usage: estimate?.usage ?? null,
    quota: estimate?.quota ?? null,
    persisted,
  };
}
