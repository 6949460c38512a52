/**
 * A tab's road to whichever worker leads: its own worker once that one is elected (direct
 * postMessage), else the leading worker of another tab (BroadcastChannel). Requests made before
 * any leader is known wait; requests a leader took but never answered, because it went away,
 * fail with `LeaderChangedError`, since whether they were applied is unknown.
 */
import { QuotaExceededError, StorageUnavailableError } from '../errors.ts';
import {
  type Answer,
  channels,
  deserializeError,
  type Hello,
  isAnswer,
  isLeaderAnnouncement,
  type Operation,
  type Request,
  type SerializedError,
} from './protocol.ts';

/** The leader that took a request went away before answering; it may or may not have run. */
export class LeaderChangedError extends Error {
  override readonly name = 'LeaderChangedError';
  constructor() {
    super('Leader changed, pending operation in indeterminate state');
  }
}

interface Pending {
  readonly request: Request;
  /** The leader it was sent to; `null` while no leader is known. */
  sentTo: string | null;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

function toError(error: SerializedError): Error {
  if (error.name === 'QuotaExceededError')
    return new QuotaExceededError(undefined, { cause: error });
  if (error.reason)
    return new StorageUnavailableError(error.reason, error.message, { cause: error });
  return deserializeError(error);
}

export class LeaderLink {
  readonly #worker: Worker;
  readonly #tab: string;
  readonly #requests: BroadcastChannel;
  readonly #announcements: BroadcastChannel;
  readonly #answers: BroadcastChannel;
  readonly #pending = new Map<number, Pending>();
  readonly #events = new EventTarget();
  #leader: { readonly id: string; readonly direct: boolean } | null = null;
  #seq = 0;
  #closed = false;

  constructor(worker: Worker, name: string, tab: string) {
    const names = channels(name);
    this.#worker = worker;
    this.#tab = tab;
    this.#requests = new BroadcastChannel(names.requests);
    this.#announcements = new BroadcastChannel(names.announcements);
    this.#answers = new BroadcastChannel(names.answers(tab));
    worker.addEventListener('message', (event: MessageEvent<unknown>) => {
      const message = event.data;
      if (isLeaderAnnouncement(message)) this.#follow(message.leader, true);
      else if (isAnswer(message)) this.#settle(message);
    });
    this.#announcements.onmessage = (event: MessageEvent<unknown>) => {
      if (isLeaderAnnouncement(event.data)) this.#follow(event.data.leader, false);
    };
    this.#answers.onmessage = (event: MessageEvent<unknown>) => {
      if (isAnswer(event.data)) this.#settle(event.data);
    };
    // A leader elected before this tab opened announces itself again.
    this.#announcements.postMessage({ type: 'platform-storage:hello' } satisfies Hello);
  }

  /** Whether this tab's own worker leads. */
  get isLeader(): boolean {
    return this.#leader?.direct ?? false;
  }

  /** Called whenever the leader changes, including to this tab's own worker. */
  onLeaderChange(listener: () => void): () => void {
    const onChange = () => listener();
    this.#events.addEventListener('change', onChange);
    return () => this.#events.removeEventListener('change', onChange);
  }

  call(operation: Operation): Promise<unknown> {
    if (this.#closed) {
      return Promise.reject(new StorageUnavailableError('closed', 'The database is closed.'));
    }
    const request: Request = {
      type: 'platform-storage:request',
      id: ++this.#seq,
      tab: this.#tab,
      operation,
    };
    return new Promise((resolve, reject) => {
      const pending: Pending = { request, sentTo: null, resolve, reject };
      this.#pending.set(request.id, pending);
      if (this.#leader) this.#send(pending);
    });
  }

  /** Fails a request the worker will never answer (it could not even be loaded). */
  failAll(error: unknown): void {
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }

  close(): void {
    this.#closed = true;
    this.failAll(new StorageUnavailableError('closed', 'The database was closed.'));
    this.#requests.close();
    this.#announcements.close();
    this.#answers.close();
  }

  #send(pending: Pending): void {
    const leader = this.#leader;
    if (!leader) return;
    pending.sentTo = leader.id;
    try {
      if (leader.direct) this.#worker.postMessage(pending.request);
      else this.#requests.postMessage(pending.request);
    } catch (error) {
      // Parameters that cannot be cloned (a function, a DOM node, …).
      this.#pending.delete(pending.request.id);
      pending.reject(error);
    }
  }

  #follow(leader: string, direct: boolean): void {
    const current = this.#leader;
    // Both roads carry the own worker's announcement; the direct one wins whichever came first.
    if (current?.id === leader && (current.direct || !direct)) return;
    this.#leader = { id: leader, direct };
    for (const pending of [...this.#pending.values()]) {
      if (pending.sentTo === null) this.#send(pending);
      else if (pending.sentTo !== leader) {
        this.#pending.delete(pending.request.id);
        pending.reject(new LeaderChangedError());
      }
    }
    this.#events.dispatchEvent(new Event('change'));
  }

  #settle(answer: Answer): void {
    const pending = this.#pending.get(answer.id);
    if (!pending) return;
    this.#pending.delete(answer.id);
    if ('error' in answer) pending.reject(toError(answer.error));
    else pending.resolve(answer.value);
  }
}
