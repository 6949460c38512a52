import type { SyncSettings } from '@platform/storage';
import type { SessionResponse, SyncServerApi, SyncStatus } from '@platform/sync';
import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { useStorage } from '../storage/StorageContext.tsx';
import { type SyncEngine, startSyncEngine } from './engine.ts';

export interface SyncView {
  /** `loading` until the profile's sync settings are read. */
  phase: 'loading' | 'ready';
  settings: SyncSettings | null;
  /** The running client's status (from whichever tab runs it); null while it starts. */
  status: SyncStatus | null;
}

export interface SyncActions {
  /** The sync server's API at `url` (the module is loaded on first use). */
  api(url: string): Promise<SyncServerApi>;
  /** After a login or setup on `api`: links this profile to the account and starts syncing. */
  enable(api: SyncServerApi, session: SessionResponse): Promise<void>;
  /** Stops syncing; the data stays here and on the server. */
  disable(): Promise<void>;
  syncNow(): Promise<void>;
  /** Forgets this browser's copy of the profile's data and downloads it again. */
  resetLocalCopy(): Promise<void>;
  /** After logging in again: the client starts over with the new session. */
  resume(): void;
}

const ViewContext = createContext<SyncView>({ phase: 'loading', settings: null, status: null });
const ActionsContext = createContext<SyncActions | null>(null);

/** The studio's own origin: apps/server serves the page and is the sync server. */
export const DEFAULT_SYNC_URL = typeof window === 'undefined' ? '' : window.location.origin;

/**
 * Sync mode for the current profile: reads its sync settings and, when sync is on, runs the
 * sync client (in one tab; see engine.ts). Keyed by profile, so a switch stops one profile's
 * sync and starts the other's. Nothing of @platform/sync loads for a browser-only profile.
 */
export function SyncProvider({ children }: { children: ReactNode }) {
  const state = useStorage();
  const storage = state.phase === 'ready' ? state.storage : null;
  const userId = state.phase === 'ready' ? state.user.id : null;
  const [settings, setSettings] = useState<SyncSettings | null>(null);
  const [status, setStatus] = useState<SyncStatus | null>(null);
  // Bumped to start the engine over (after the local copy was reset).
  const [generation, setGeneration] = useState(0);
  const engine = useRef<SyncEngine | null>(null);

  useEffect(() => {
    if (!storage) return;
    let active = true;
    const read = () =>
      storage.syncConfig.get().then(
        (s) => active && setSettings(s),
        () => {},
      );
    void read();
    const unsubscribe = storage.subscribe(({ table }) => {
      if (table === 'sync_config') void read();
    });
    return () => {
      active = false;
      unsubscribe();
    };
  }, [storage]);

  const enabled = settings?.syncEnabled === true;
  const url = settings?.syncUrl || DEFAULT_SYNC_URL;
  useEffect(() => {
    if (!storage || !userId || !enabled) {
      setStatus(null);
      return;
    }
    void generation;
    const running = startSyncEngine(storage, userId, url, setStatus);
    engine.current = running;
    return () => {
      running.stop();
      engine.current = null;
    };
  }, [storage, userId, enabled, url, generation]);

  const api = useCallback(async (base: string) => {
    const { SyncServerApi } = await import('@platform/sync');
    return new SyncServerApi(base);
  }, []);

  const actions = useMemo<SyncActions>(
    () => ({
      api,
      async enable(server, session) {
        if (!storage) throw new Error('Storage is still opening.');
        const { enableSync } = await import('@platform/sync');
        await enableSync(storage, server, session);
      },
      async disable() {
        if (!storage) throw new Error('Storage is still opening.');
        const { disableSync } = await import('@platform/sync');
        await disableSync(storage);
      },
      async syncNow() {
        await engine.current?.syncNow();
      },
      async resetLocalCopy() {
        if (!storage) throw new Error('Storage is still opening.');
        engine.current?.stop();
        engine.current = null;
        setStatus(null);
        await storage.forgetSyncedData();
        setGeneration((g) => g + 1);
      },
      resume() {
        engine.current?.restart();
      },
    }),
    [api, storage],
  );

  const view = useMemo<SyncView>(
    () => ({ phase: settings ? 'ready' : 'loading', settings, status }),
    [settings, status],
  );

  return (
    <ViewContext.Provider value={view}>
      <ActionsContext.Provider value={actions}>{children}</ActionsContext.Provider>
    </ViewContext.Provider>
  );
}

export function useSync(): SyncView {
  return useContext(ViewContext);
}

export function useSyncActions(): SyncActions {
  const actions = useContext(ActionsContext);
  if (!actions) throw new Error('useSyncActions needs a SyncProvider');
  return actions;
}
