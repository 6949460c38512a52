import type { PlatformStorage } from '@platform/storage';
import { type Dispatch, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { TabsAction, TabsState } from '../tabs/tabsState.ts';
import {
  normalizedJson,
  pendingWrites,
  pickActiveConnection,
  readWorkspace,
  saveDelay,
  tabsToRestore,
} from './workspaceState.ts';

export interface WorkspacePersistenceOptions {
  /** Open storage, or null while it opens (nothing is read or written until then). */
  storage: PlatformStorage | null;
  /** The profile the workspace belongs to: nothing is written once storage acts as another. */
  userId: string | null;
  /** The picker's connection ids (the demo first), once the stored ones have been read. */
  connectionIds: readonly string[] | null;
  tabs: TabsState;
  dispatch: Dispatch<TabsAction>;
}

/**
 * Where the workspace stands: being read back, waiting to be (or being) written, or written.
 * The tab bar shows it as `data-workspace`.
 */
export type WorkspaceStatus = 'restoring' | 'saving' | 'saved';

/**
 * Restores the real studio's state on open and keeps it saved (see `workspaceState.ts` for how
 * its per-connection tabs map onto this studio's tabs): the active connection
 * (`getActiveConnectionId`, written when the user switches) and each connection's open tabs
 * (`getWorkspaceTabs`, written 500 ms after the last change, at most 2 s after the first one
 * waiting, and at once when the page is hidden).
 */
export function useWorkspacePersistence({
  storage,
  userId,
  connectionIds,
  tabs,
  dispatch,
}: WorkspacePersistenceOptions): WorkspaceStatus {
  const [restored, setRestored] = useState(false);
  const [saving, setSaving] = useState(false);
  // Writes under way, and whether a debounced write is still to come: saved when neither.
  const inFlight = useRef(0);
  const scheduled = useRef(false);
  // When the first change not yet written was made (null when none is waiting).
  const firstChangeAt = useRef<number | null>(null);
  // Bumped when another connection's saved tabs have been read: its workspace is now ours.
  const [hydration, setHydration] = useState(0);
  const started = useRef(false);
  const hydrated = useRef(new Set<string>());
  const reading = useRef(new Set<string>());
  const lastActive = useRef(new Map<string, string>());
  const written = useRef(new Map<string, string>());
  const activeWritten = useRef<string | undefined>(undefined);
  const latest = useRef(tabs);
  latest.current = tabs;

  const active = tabs.tabs.find((t) => t.id === tabs.activeId);
  const activeConnectionId = active?.connectionId ?? null;

  // On open: the active connection and its tabs.
  useEffect(() => {
    if (!storage || !connectionIds || started.current) return;
    started.current = true;
    // Not cancelled when the list changes meanwhile: it runs once, on the list it started with.
    (async () => {
      const savedId = await storage.getActiveConnectionId();
      const connectionId = pickActiveConnection(savedId, connectionIds);
      const saved = await storage.getWorkspaceTabs(connectionId);
      const restore = tabsToRestore(saved, connectionId, crypto.randomUUID());
      hydrated.current.add(connectionId);
      written.current.set(connectionId, normalizedJson(saved, connectionId));
      if (restore?.activeId) lastActive.current.set(connectionId, restore.activeId);
      if (restore) dispatch({ type: 'restore', ...restore });
      setRestored(true);
    })().catch((error: unknown) => {
      // Nothing restored; the studio works on without saving tabs rather than overwrite them.
      console.warn('could not restore the workspace', error);
    });
  }, [storage, connectionIds, dispatch]);

  // Each connection's last active tab, for its saved workspace's `activeTabId` (kept as the tabs
  // render, so the status below compares with what would be written now).
  if (active) lastActive.current.set(active.connectionId, active.id);

  /** Saved once nothing is being read, written or waiting to be written. */
  const settle = useCallback(() => {
    if (inFlight.current === 0 && !scheduled.current && reading.current.size === 0)
      setSaving(false);
  }, []);

  // A tab on a connection not seen this session: bring back what is saved for it, beside it.
  const tabConnections = [...new Set(tabs.tabs.map((t) => t.connectionId))].join('\n');
  useEffect(() => {
    if (!storage || !restored) return;
    for (const connectionId of tabConnections.split('\n')) {
      if (hydrated.current.has(connectionId) || reading.current.has(connectionId)) continue;
      reading.current.add(connectionId);
      setSaving(true);
      storage.getWorkspaceTabs(connectionId).then(
        (saved) => {
          const read = readWorkspace(saved, connectionId);
          written.current.set(connectionId, normalizedJson(saved, connectionId));
          if (read.activeId && !lastActive.current.has(connectionId))
            lastActive.current.set(connectionId, read.activeId);
          if (read.tabs.length > 0) dispatch({ type: 'restore', ...read, add: true });
          hydrated.current.add(connectionId);
          reading.current.delete(connectionId);
          setHydration((n) => n + 1);
        },
        (error: unknown) => {
          reading.current.delete(connectionId);
          settle();
          console.warn(`could not read the saved tabs of ${connectionId}`, error);
        },
      );
    }
  }, [storage, restored, tabConnections, dispatch, settle]);

  /** Runs a write, counted, so the status says `saved` only once every write has landed. */
  const track = useCallback(
    async (write: () => Promise<unknown>) => {
      inFlight.current++;
      setSaving(true);
      try {
        await write();
      } finally {
        inFlight.current--;
        settle();
      }
    },
    [settle],
  );

  const flush = useCallback(
    () =>
      track(async () => {
        if (!storage || !userId) return;
        const writes = pendingWrites(
          latest.current.tabs,
          hydrated.current,
          lastActive.current,
          written.current,
        );
        if (writes.length === 0) return;
        // A profile switch changes who storage acts as before this workspace goes away.
        if ((await storage.currentUser()).id !== userId) return;
        await Promise.all(
          writes.map(async (write) => {
            written.current.set(write.connectionId, write.json);
            try {
              await storage.saveWorkspaceTabs(write.connectionId, write.workspace);
            } catch (error) {
              written.current.delete(write.connectionId);
              console.warn(`could not save the tabs of ${write.connectionId}`, error);
            }
          }),
        );
      }),
    [storage, userId, track],
  );

  // Debounced, like the real studio: the last change plus 500 ms (at most 2 s after the first).
  useEffect(() => {
    if (!restored) return;
    scheduled.current = true;
    setSaving(true);
    const now = Date.now();
    firstChangeAt.current ??= now;
    const timer = setTimeout(
      () => {
        scheduled.current = false;
        firstChangeAt.current = null;
        void flush().catch(() => {});
      },
      saveDelay(firstChangeAt.current, now),
    );
    return () => {
      scheduled.current = false;
      clearTimeout(timer);
    };
  }, [restored, flush, tabs.tabs, tabs.activeId, hydration]);

  // A hidden page may be closed next, and one going away is: write now rather than in 500 ms
  // (best effort: a page closing may not wait for the write).
  useEffect(() => {
    if (!restored) return;
    const onHide = () => {
      if (document.visibilityState === 'hidden') void flush().catch(() => {});
    };
    document.addEventListener('visibilitychange', onHide);
    window.addEventListener('pagehide', onHide);
    return () => {
      document.removeEventListener('visibilitychange', onHide);
      window.removeEventListener('pagehide', onHide);
    };
  }, [restored, flush]);

  // The active connection, when the user switches (what was restored is not written back).
  useEffect(() => {
    if (!storage || !restored || !activeConnectionId) return;
    if (activeWritten.current === undefined) {
      activeWritten.current = activeConnectionId;
      return;
    }
    if (activeWritten.current === activeConnectionId) return;
    activeWritten.current = activeConnectionId;
    void track(async () => {
      if ((await storage.currentUser()).id !== userId) return;
      await storage.setActiveConnectionId(activeConnectionId);
    }).catch((error: unknown) => console.warn('could not save the active connection', error));
  }, [storage, restored, activeConnectionId, userId, track]);

  // Saved when what would be written now is what was written, and nothing is under way.
  const unwritten = useMemo(
    () =>
      restored &&
      pendingWrites(tabs.tabs, hydrated.current, lastActive.current, written.current).length > 0,
    // The refs change with these: tabs, the active tab, a hydration, a write landing.
    [restored, tabs.tabs, tabs.activeId, hydration, saving],
  );
  const activeUnwritten =
    activeWritten.current !== undefined && activeWritten.current !== activeConnectionId;
  if (!restored) return 'restoring';
  return saving || unwritten || activeUnwritten ? 'saving' : 'saved';
}
