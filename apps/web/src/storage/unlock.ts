import type { PlatformStorage } from '@platform/storage';

/**
 * Profiles unlocked with their password in this tab session. A reload keeps the profile open;
 * a new tab or a restarted browser asks again. Session storage, not the vault: it holds no
 * secret, only the fact that the password was given here.
 */
const KEY = 'studio-unlocked-profiles';

function unlocked(): string[] {
  try {
    const value: unknown = JSON.parse(sessionStorage.getItem(KEY) ?? '[]');
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

export function markUnlocked(userId: string): void {
  try {
    sessionStorage.setItem(KEY, JSON.stringify([...new Set([...unlocked(), userId])]));
  } catch {
    // Without session storage the profile asks again on reload: safe, if tiresome.
  }
}

/**
 * Whether the profile storage opened as must be unlocked first. A vault that cannot be read
 * cannot check a password either: then the profile opens, and the storage page offers the reset.
 */
export async function needsUnlock(storage: PlatformStorage, userId: string): Promise<boolean> {
  if (unlocked().includes(userId)) return false;
  try {
    if ((await storage.vaultStatus()) !== 'ok') return false;
    return await storage.hasProfilePassword(userId);
  } catch {
    return false;
  }
}
