import type { ConnectionRecord } from '@platform/storage';
import { useEffect, useState } from 'react';
import { useStorage } from '../storage/StorageContext.tsx';
import { DEMO_CONNECTION, type StudioConnection } from './types.ts';

function toStudio(record: ConnectionRecord): StudioConnection {
  return {
    id: record.id,
    name: record.name,
    kind: 'postgres',
    host: record.host ?? 'localhost',
    port: record.port ?? 5432,
    database: record.database ?? undefined,
    user: record.user ?? undefined,
    password: record.password ?? undefined,
  };
}

/** The demo connection at once, then the profile's PostgreSQL connections once storage opens. */
export function useConnections(): StudioConnection[] {
  const state = useStorage();
  const storage = state.phase === 'ready' ? state.storage : null;
  const [stored, setStored] = useState<StudioConnection[]>([]);

  useEffect(() => {
    if (!storage) return;
    const load = () =>
      storage.connections.list().then(
        (records) => setStored(records.filter((r) => r.type === 'postgres').map(toStudio)),
        (error: unknown) => console.error('could not list connections', error),
      );
    void load();
    return storage.subscribe(({ table }) => {
      if (table === 'connections') void load();
    });
  }, [storage]);

  return [DEMO_CONNECTION, ...stored];
}
