import type { PlatformStorage, Preferences, StorageStatus, UserRecord } from '@platform/storage';
import { mergePatch } from '@platform/storage/merge-patch';
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
} from 'react';
import { describe } from './describe.ts';
import { LockScreen } from './LockScreen.tsx';
import { afterFirstPaint, loadStorage } from './loader.ts';
import { markUnlocked, needsUnlock } from './unlock.ts';

export type StorageState =
  | { phase: 'loading' }
  | {
      phase: 'ready';
      storage: PlatformStorage;
      status: StorageStatus;
      user: UserRecord;
      /** The current profile's preferences document (JSONB), re-read when it changes. */
      preferences: Preferences;
    }
  | { phase: 'error'; message: string };

export interface StorageActions {
  /** Acts as another profile; rejects (wrong password, unknown profile) without changing anything. */
  switchProfile(userId: string, password?: string): Promise<void>;
  /** Applies a JSON merge patch to the current profile's preferences. */
  updatePreferences(patch: Preferences): Promise<void>;
  /**
   * Bumped on every profile switch: the workspace is keyed on it, so nothing of the previous
   * profile (tabs, panels, results) stays on screen.
   */
  readonly profileEpoch: number;
}

const StorageContext = createContext<StorageState>({ phase: 'loading' });
const ActionsContext = createContext<StorageActions>({
  switchProfile: () => Promise.reject(new Error('Storage is still opening.')),
  updatePreferences: () => Promise.reject(new Error('Storage is still opening.')),
  profileEpoch: 0,
});

/**
 * Loads and opens the platform storage after the first paint, and tells the tree where it is.
 * Nothing waits for it: the editor works at once, panels needing storage show their loading state.
 */
export function StorageProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<StorageState>({ phase: 'loading' });
  const [profileEpoch, setProfileEpoch] = useState(0);
  // Opened as a password-protected profile not unlocked in this tab session: the tree sees
  // "loading" (no profile data is read for it) until the password or another profile is given.
  const [locked, setLocked] = useState<Extract<StorageState, { phase: 'ready' }> | null>(null);

  useEffect(() => {
    let active = true;
    const cancel = afterFirstPaint(() => {
      (async () => {
        const storage = await loadStorage();
        const status = await storage.open();
        const [user, preferences] = await Promise.all([
          storage.currentUser(),
          storage.preferences.get(),
        ]);
        if (!active) return;
        const opened = { phase: 'ready', storage, status, user, preferences } as const;
        if (await needsUnlock(storage, user.id)) setLocked(opened);
        else setState(opened);
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

  // A role, name or preference change (here or in another tab) must show at once: re-read both.
  const ready = state.phase === 'ready' ? state.storage : null;
  useEffect(() => {
    const storage = ready;
    if (!storage) return;
    return storage.subscribe(({ table }) => {
      if (table !== 'platform_users') return;
      Promise.all([storage.currentUser(), storage.preferences.get()]).then(
        ([user, preferences]) =>
          setState((s) => (s.phase === 'ready' ? { ...s, user, preferences } : s)),
        // The profile was removed in another tab: nothing to show until the user picks another.
        () => {},
      );
    });
  }, [ready]);

  const switchProfile = useCallback(
    async (userId: string, password?: string) => {
      if (!ready) throw new Error('Storage is still opening.');
      const user = await ready.switchUser(userId, password);
      if (password !== undefined) markUnlocked(user.id);
      const preferences = await ready.preferences.get();
      setState((s) => (s.phase === 'ready' ? { ...s, user, preferences } : s));
      setProfileEpoch((n) => n + 1);
    },
    [ready],
  );

  const unlock = useCallback(
    async (userId: string, password?: string) => {
      if (!locked) return;
      const user = await locked.storage.switchUser(userId, password);
      if (password !== undefined) markUnlocked(user.id);
      const preferences = await locked.storage.preferences.get();
      setLocked(null);
      setState({ ...locked, user, preferences });
    },
    [locked],
  );

  const updatePreferences = useCallback(
    async (patch: Preferences) => {
      if (!ready) throw new Error('Storage is still opening.');
      // Shown at once (a radio button must not lag behind the click), then replaced by what was
      // stored, or by what is there still when the write is refused.
      setState((s) =>
        s.phase === 'ready'
          ? { ...s, preferences: mergePatch(s.preferences, patch) as Preferences }
          : s,
      );
      try {
        const preferences = await ready.preferences.patch(patch);
        setState((s) => (s.phase === 'ready' ? { ...s, preferences } : s));
      } catch (error) {
        const preferences = await ready.preferences.get().catch(() => null);
        if (preferences) setState((s) => (s.phase === 'ready' ? { ...s, preferences } : s));
        throw error;
      }
    },
    [ready],
  );

  const actions = useMemo(
    () => ({ switchProfile, updatePreferences, profileEpoch }),
    [switchProfile, updatePreferences, profileEpoch],
  );

  return (
    <StorageContext.Provider value={state}>
      <ActionsContext.Provider value={actions}>
        {children}
        {locked && <LockScreen storage={locked.storage} user={locked.user} onUnlock={unlock} />}
      </ActionsContext.Provider>
    </StorageContext.Provider>
  );
}

export function useStorage(): StorageState {
  return useContext(StorageContext);
}

export function useStorageActions(): StorageActions {
  return useContext(ActionsContext);
}
