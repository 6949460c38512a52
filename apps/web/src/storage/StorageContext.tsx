import type { PlatformStorage, StorageStatus, UserRecord } from '@platform/storage';
import { createContext, type ReactNode, useContext, useEffect, useState } from 'react';
import { afterFirstPaint, loadStorage } from './loader.ts';

export type StorageState =
  | { phase: 'loading' }
  | { phase: 'ready'; storage: PlatformStorage; status: StorageStatus; user: UserRecord }
  | { phase: 'error'; message: string };

const StorageContext = createContext<StorageState>({ phase: 'loading' });

/** Describes a failure for the user; storage errors carry a readable message already. */
function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Loads and opens the platform storage after the first paint, and tells the tree where it is.
 * Nothing waits for it: the editor works at once, panels needing storage show their loading state.
 */
export function StorageProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<StorageState>({ phase: 'loading' });

  useEffect(() => {
    let active = true;
    const cancel = afterFirstPaint(() => {
      (async () => {
        const storage = await loadStorage();
        const status = await storage.open();
        const user = await storage.currentUser();
        if (active) setState({ phase: 'ready', storage, status, user });
      })().catch((error: unknown) => {
        console.error('platform storage failed to open', error);
        if (active) setState({ phase: 'error', message: describe(error) });
      });
    });
    return () => {
      active = false;
      cancel();
    };
  }, []);

  // A role or name change (here or in another tab) must show at once: re-read the profile.
  const ready = state.phase === 'ready' ? state.storage : null;
  useEffect(() => {
    const storage = ready;
    if (!storage) return;
    return storage.subscribe(({ table }) => {
      if (table !== 'platform_users') return;
      storage.currentUser().then(
        (user) => setState((s) => (s.phase === 'ready' ? { ...s, user } : s)),
        () => {},
      );
    });
  }, [ready]);

  return <StorageContext.Provider value={state}>{children}</StorageContext.Provider>;
}

export function useStorage(): StorageState {
  return useContext(StorageContext);
}
