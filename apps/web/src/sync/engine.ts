import type { PlatformStorage } from '@platform/storage';
import type { SyncClient, SyncStatus } from '@platform/sync';

/** What tabs of one profile say to each other about its sync. */
type Message =
  | { kind: 'status'; status: SyncStatus }
  | { kind: 'ask-status' }
  | { kind: 'sync-now' }
  | { kind: 'restart' };

const SYNCED_TABLES = new Set(['platform_users', 'connections', 'saved_queries', 'query_logs']);

export interface SyncEngine {
  /** Pushes and refreshes now, in whichever tab runs the client. */
  syncNow(): Promise<void>;
  /** Starts the client again (after logging in anew). */
  restart(): void;
  stop(): void;
}

/**
 * Runs one profile's sync client in exactly one tab of the browser (a Web Lock per profile; the
 * next tab takes over when that one closes), and tells every tab its status over a
 * BroadcastChannel. Local writes from any tab reach the running client through the storage's
 * change feed, which already crosses tabs.
 */
export function startSyncEngine(
  storage: PlatformStorage,
  userId: string,
  serverUrl: string,
  onStatus: (status: SyncStatus) => void,
): SyncEngine {
  const abort = new AbortController();
  const channel = new BroadcastChannel(`platform-sync:${userId}`);
  let client: SyncClient | null = null;

  const publish = (status: SyncStatus) => {
    onStatus(status);
    channel.postMessage({ kind: 'status', status } satisfies Message);
  };

  channel.onmessage = (event: MessageEvent<Message>) => {
    const message = event.data;
    if (message.kind === 'status') onStatus(message.status);
    else if (!client) return;
    else if (message.kind === 'ask-status') publish(client.status);
    else if (message.kind === 'sync-now') void client.syncNow().catch(() => {});
    else if (message.kind === 'restart') void restartClient();
  };
  // A tab that opens while another syncs asks it where things stand.
  channel.postMessage({ kind: 'ask-status' } satisfies Message);

  const restartClient = async () => {
    if (!client) return;
    await client.stop();
    if (!abort.signal.aborted) await client.start();
  };

  const run = async () => {
    const { SyncClient } = await import('@platform/sync');
    const bridge = await storage.syncBridge();
    if (abort.signal.aborted || bridge.userId !== userId) return;
    const running = new SyncClient({ bridge, serverUrl, onStatus: publish });
    client = running;
    const unsubscribe = storage.subscribe((event) => {
      if (SYNCED_TABLES.has(event.table)) running.notifyLocalChange();
    });
    const online = () => running.reconnect();
    window.addEventListener('online', online);
    try {
      await running.start();
      await new Promise<void>((resolve) => {
        abort.signal.addEventListener('abort', () => resolve(), { once: true });
      });
    } finally {
      window.removeEventListener('online', online);
      unsubscribe();
      client = null;
      await running.stop();
    }
  };

  if (typeof navigator !== 'undefined' && navigator.locks) {
    navigator.locks
      .request(`platform-sync:${userId}`, { signal: abort.signal }, run)
      .catch((error: unknown) => {
        if (!abort.signal.aborted) console.error('sync stopped', error);
      });
  } else {
    void run().catch((error: unknown) => console.error('sync stopped', error));
  }

  return {
    async syncNow() {
      if (client) await client.syncNow();
      else channel.postMessage({ kind: 'sync-now' } satisfies Message);
    },
    restart() {
      if (client) void restartClient();
      else channel.postMessage({ kind: 'restart' } satisfies Message);
    },
    stop() {
      abort.abort();
      channel.close();
    },
  };
}
