import type { QueryOutcome } from '../query/types.ts';
import type { DemoRequest, DemoResponse } from './protocol.ts';

export type DemoState = 'idle' | 'starting' | 'ready' | 'failed';

/**
 * The tab's handle on the demo database worker. The worker (and its ~10 MB of PGlite) starts on
 * first use, not at page load.
 */
class DemoDatabase {
  #worker: Worker | null = null;
  #nextId = 1;
  #pending = new Map<number, (outcome: QueryOutcome) => void>();
  #state: DemoState = 'idle';
  #failure: string | null = null;
  #listeners = new Set<(state: DemoState) => void>();

  get state(): DemoState {
    return this.#state;
  }

  onStateChange(listener: (state: DemoState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Starts the worker now (it seeds while the user types). */
  start(): void {
    if (this.#worker) return;
    this.#setState('starting');
    const startedAt = performance.now();
    const worker = new Worker(new URL('./demo.worker.ts', import.meta.url), { type: 'module' });
    worker.addEventListener('message', (event: MessageEvent<DemoResponse>) => {
      const message = event.data;
      if (message.type === 'ready') {
        // From the worker's start to a seeded database taking queries (`pnpm bench` reads it).
        performance.measure('studio:demo-ready', { start: startedAt });
        this.#setState('ready');
      } else if (message.type === 'failed') this.#fail(message.message);
      else {
        this.#pending.get(message.id)?.(message.outcome);
        this.#pending.delete(message.id);
      }
    });
    worker.addEventListener('error', (event) => this.#fail(event.message || 'worker error'));
    this.#worker = worker;
  }

  run(sql: string, readOnly: boolean): Promise<QueryOutcome> {
    this.start();
    if (this.#state === 'failed') return Promise.resolve(this.#failedOutcome());
    const id = this.#nextId++;
    return new Promise((resolve) => {
      this.#pending.set(id, resolve);
      const request: DemoRequest = { id, type: 'run', sql, readOnly };
      this.#worker?.postMessage(request);
    });
  }

  #failedOutcome(): QueryOutcome {
    return {
      ok: false,
      durationMs: 0,
      error: {
        message: `The demo database could not start: ${this.#failure ?? 'unknown error'}`,
        code: null,
        position: null,
        kind: 'demo',
      },
    };
  }

  #fail(message: string): void {
    this.#failure = message;
    this.#setState('failed');
    for (const resolve of this.#pending.values()) resolve(this.#failedOutcome());
    this.#pending.clear();
  }

  #setState(state: DemoState): void {
    this.#state = state;
    for (const listener of this.#listeners) listener(state);
  }
}

export const demoDatabase = new DemoDatabase();
