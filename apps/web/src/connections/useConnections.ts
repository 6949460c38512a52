import { useEffect, useMemo, useState } from 'react';
import { useStorage } from '../storage/StorageContext.tsx';
import { toStudioConnection } from './records.ts';
import { DEMO_CONNECTION, type StudioConnection } from './types.ts';

export interface Connections {
  /** The demo first, then every stored connection of every type, in the order they were added. */
  list: StudioConnection[];
  /** The stored connections have been read once (false before storage opens). */
  loaded: boolean;
}

/** The demo connection at once, then the profile's connections once storage opens, kept live. */
export function useConnections(): Connections {
  const state = useStorage();
  const storage = state.phase === 'ready' ? state.storage : null;
  const [stored, setStored] = useState<StudioConnection[] | null>(null);

  useEffect(() => {
    if (!storage) return;
    const load = () =>
      storage.connections.list().then(
        (records) => setStored(records.map(toStudioConnection)),
        (error: unknown) => {
          console.error('could not list connections', error);
          setStored((s) => s ?? []);
        },
      );
    void load();
    return storage.subscribe(({ table }) => {
      if (table === 'connections') void load();
    });
  }, [storage]);

  return useMemo(
    () => ({
      // A stored connection whose id is the demo's is shadowed by the demo: one id, one entry.
      list: [DEMO_CONNECTION, ...(stored ?? []).filter((c) => c.id !== DEMO_CONNECTION.id)],
      loaded: stored !== null,
    }),
    [stored],
  );
}
