import type { UserRecord } from '@platform/storage';
import { useCallback, useEffect, useState } from 'react';
import { describe } from '../storage/describe.ts';
import { useStorage } from '../storage/StorageContext.tsx';

export interface ProfileRow extends UserRecord {
  hasPassword: boolean;
}

export interface ProfilesState {
  profiles: ProfileRow[] | null;
  error: string | null;
  reload(): void;
}

/** Every local profile with whether it is password-protected; follows changes from any tab. */
export function useProfiles(): ProfilesState {
  const state = useStorage();
  const storage = state.phase === 'ready' ? state.storage : null;
  const [profiles, setProfiles] = useState<ProfileRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(() => {
    if (!storage) return;
    (async () => {
      const users = await storage.users.list();
      // A damaged vault must not hide the list: such a profile shows as unprotected-unknown.
      const flags = await Promise.all(
        users.map((u) => storage.hasProfilePassword(u.id).catch(() => false)),
      );
      setProfiles(users.map((u, i) => ({ ...u, hasPassword: flags[i] ?? false })));
      setError(null);
    })().catch((e: unknown) => setError(describe(e)));
  }, [storage]);

  useEffect(() => {
    reload();
    if (!storage) return;
    return storage.subscribe(({ table }) => {
      if (table === 'platform_users') reload();
    });
  }, [storage, reload]);

  return { profiles, error, reload };
}
