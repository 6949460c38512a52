import type {
  AccountInfo,
  PushRequest,
  PushResponse,
  SessionResponse,
  SyncServerStatus,
} from '../protocol/messages.ts';

/** Why a call to the sync server failed, as the studio shows it. */
export type SyncServerErrorKind =
  | 'offline' // no answer at all: network down, server gone, wrong URL
  | 'unauthorized' // no session, or it ended (`reason` says how)
  | 'forbidden'
  | 'conflict'
  | 'validation'
  | 'rate-limited'
  | 'unavailable' // the server answered that it cannot (no database, Electric down)
  | 'not-found'
  | 'server'; // anything else the server got wrong

export class SyncServerError extends Error {
  override readonly name = 'SyncServerError';
  constructor(
    readonly kind: SyncServerErrorKind,
    message: string,
    readonly status: number | null = null,
    /** The server's machine-readable detail (e.g. `expired` for a session). */
    readonly reason: string | null = null,
  ) {
    super(message);
  }
}

export interface ManagedAccount extends AccountInfo {
  createdAt: string;
  updatedAt: string;
}

const KINDS: Record<string, SyncServerErrorKind> = {
  unauthorized: 'unauthorized',
  forbidden: 'forbidden',
  conflict: 'conflict',
  validation: 'validation',
  'rate-limited': 'rate-limited',
  unavailable: 'unavailable',
  'not-found': 'not-found',
};

/**
 * The sync server's HTTP API (apps/server), for the studio and the sync client. Sessions are an
 * httpOnly cookie: browsers send it with `credentials: 'include'`, and nothing here ever sees it.
 */
export class SyncServerApi {
  readonly baseUrl: string;
  readonly #fetch: typeof fetch;

  constructor(baseUrl: string, fetchImpl: typeof fetch = globalThis.fetch.bind(globalThis)) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
    this.#fetch = fetchImpl;
  }

  /** The URL of the server's shape proxy, for Electric's client. */
  get shapeUrl(): string {
    return `${this.baseUrl}/api/sync/shape`;
  }

  /** The fetch every request goes through (with the session cookie). */
  get fetch(): typeof fetch {
    return (input, init) => this.#fetch(input, { credentials: 'include', ...init });
  }

  async #call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await this.fetch(`${this.baseUrl}${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (cause) {
      throw new SyncServerError(
        'offline',
        `The sync server at ${this.baseUrl} cannot be reached (${(cause as Error).message}).`,
      );
    }
    if (response.status === 204) return undefined as T;
    let payload: unknown = null;
    try {
      payload = await response.json();
    } catch {
      // Not JSON: a proxy's error page, or not our server at all.
    }
    if (!response.ok) {
      const error = (payload as { error?: { kind?: string; message?: string; reason?: string } })
        ?.error;
      throw new SyncServerError(
        (error?.kind && KINDS[error.kind]) || 'server',
        error?.message ?? `The sync server answered ${response.status}.`,
        response.status,
        error?.reason ?? null,
      );
    }
    if (payload === null) {
      throw new SyncServerError('server', `${this.baseUrl} did not answer as a sync server.`);
    }
    return payload as T;
  }

  status(): Promise<SyncServerStatus> {
    return this.#call('GET', '/api/sync/status');
  }

  setup(account: { username: string; password: string; email?: string | null }) {
    return this.#call<SessionResponse>('POST', '/api/auth/setup', account);
  }

  login(username: string, password: string): Promise<SessionResponse> {
    return this.#call('POST', '/api/auth/login', { username, password });
  }

  async logout(): Promise<void> {
    await this.#call('POST', '/api/auth/logout', {});
  }

  me(): Promise<SessionResponse> {
    return this.#call('GET', '/api/auth/me');
  }

  async changePassword(currentPassword: string, newPassword: string): Promise<void> {
    await this.#call('POST', '/api/auth/password', { currentPassword, newPassword });
  }

  push(request: PushRequest): Promise<PushResponse> {
    return this.#call('POST', '/api/sync/push', request);
  }

  async listAccounts(): Promise<ManagedAccount[]> {
    return (await this.#call<{ accounts: ManagedAccount[] }>('GET', '/api/accounts')).accounts;
  }

  async createAccount(account: {
    username: string;
    password: string;
    role: AccountInfo['role'];
    email?: string | null;
  }): Promise<ManagedAccount> {
    return (await this.#call<{ account: ManagedAccount }>('POST', '/api/accounts', account))
      .account;
  }

  async updateAccount(
    id: string,
    patch: { username?: string; email?: string | null; role?: AccountInfo['role'] },
  ): Promise<ManagedAccount> {
    const path = `/api/accounts/${encodeURIComponent(id)}`;
    return (await this.#call<{ account: ManagedAccount }>('PATCH', path, patch)).account;
  }

  async resetPassword(id: string, password: string): Promise<void> {
    await this.#call('POST', `/api/accounts/${encodeURIComponent(id)}/password`, { password });
  }

  async deleteAccount(id: string): Promise<void> {
    await this.#call('DELETE', `/api/accounts/${encodeURIComponent(id)}`, {});
  }
}
