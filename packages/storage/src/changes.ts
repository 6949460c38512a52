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
  readonly #channel: BroadcastChannel | null;

  constructor(name: string) {
    this.#channel =
      typeof BroadcastChannel === 'undefined'
        ? null
        : new BroadcastChannel(`platform-storage:${name}`);
    // Node keeps the process alive for an open channel; the storage closes it explicitly anyway.
    (this.#channel as { unref?: () => void } | null)?.unref?.();
    this.#channel?.addEventListener('message', (event: MessageEvent<{ table?: ChangedTable }>) => {
      if (event.data?.table) this.#emit({ table: event.data.table, origin: 'remote' });
    });
  }

  subscribe(listener: ChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  publish(table: ChangedTable): void {
    this.#emit({ table, origin: 'local' });
    this.#channel?.postMessage({ table });
  }

  close(): void {
    this.#listeners.clear();
    this.#channel?.close();
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
