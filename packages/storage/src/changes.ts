import type { ChangedTable } from './repositories/context.ts';

export interface ChangeEvent {
  readonly table: ChangedTable;
  /** `local`: this storage object wrote it; `remote`: another tab (or storage object) did. */
  readonly origin: 'local' | 'remote';
}

export type ChangeListener = (event: ChangeEvent) => void;

/**
 * Tells listeners which table changed, here and in every other tab of the same database, so
 * views refresh without polling. Only table names travel; readers re-query what they show.
 */
export class ChangeFeed {
  readonly #listeners = new Set<ChangeListener>();
  #channel: BroadcastChannel | null = null;
  #closed = false;

  constructor(private readonly name: string) {}

  /** Opened on first use, so creating a storage at import time costs nothing. */
  #connect(): BroadcastChannel | null {
    if (this.#channel || this.#closed || typeof BroadcastChannel === 'undefined')
      return this.#channel;
    const channel = new BroadcastChannel(`platform-storage:${this.name}`);
    // Node keeps the process alive for an open channel; the storage closes it explicitly anyway.
    (channel as { unref?: () => void }).unref?.();
    channel.addEventListener('message', (event: MessageEvent<{ table?: ChangedTable }>) => {
      if (event.data?.table) this.#emit({ table: event.data.table, origin: 'remote' });
    });
    this.#channel = channel;
    return channel;
  }

  subscribe(listener: ChangeListener): () => void {
    this.#connect();
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  publish(table: ChangedTable): void {
    this.#emit({ table, origin: 'local' });
    this.#connect()?.postMessage({ table });
  }

  close(): void {
    this.#closed = true;
    this.#listeners.clear();
    this.#channel?.close();
    this.#channel = null;
  }

  #emit(event: ChangeEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        // One broken listener must not stop the others or the write that triggered it.
        console.error('platform storage change listener failed', error);
      }
    }
  }
}
