import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildServer, type ServerOptions } from './app.ts';

/** The port the tests' servers pretend to listen on; `inject()` never opens it. */
export const PORT = 4310;
export const ORIGIN = `http://127.0.0.1:${PORT}`;

export function testServer(options: Partial<ServerOptions> = {}): Promise<FastifyInstance> {
  return buildServer({ port: PORT, webRoot: '/nonexistent/web-root', ...options });
}

/** A POST as the studio's own page sends it, with a session cookie and a client address if given. */
export function postJson(
  app: FastifyInstance,
  url: string,
  body: unknown,
  options: { cookie?: string; remoteAddress?: string } = {},
) {
  return app.inject({
    method: 'POST',
    url,
    headers: {
      host: `127.0.0.1:${PORT}`,
      origin: ORIGIN,
      'content-type': 'application/json',
      ...(options.cookie ? { cookie: options.cookie } : {}),
    },
    ...(options.remoteAddress ? { remoteAddress: options.remoteAddress } : {}),
    payload: JSON.stringify(body),
  });
}

/**
 * A test server in sync mode on `platformUrl`, or browser-only when it is null; pushed onto
 * `servers` so the spec's `afterAll` closes it.
 */
export async function modeServer(
  servers: FastifyInstance[],
  platformUrl: string | null,
  options: Partial<ServerOptions> = {},
): Promise<FastifyInstance> {
  const app = await testServer({
    ...options,
    ...(platformUrl ? { sync: { databaseUrl: platformUrl, jwtSecret: TEST_JWT_SECRET } } : {}),
  });
  servers.push(app);
  return app;
}

export interface SyncTestServer {
  app: FastifyInstance;
  databaseUrl: string;
  /** Sends a request as the studio's page does, with the session cookie if given. */
  call(
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    options?: { body?: unknown; cookie?: string },
  ): Promise<LightMyRequestResponse>;
  /** Logs in and returns the `Cookie` header value to send. */
  login(username: string, password: string): Promise<string>;
  close(): Promise<void>;
}

export const TEST_JWT_SECRET = 'test-secret-for-sessions-0123456789abcdef';

/** The server in sync mode on a fresh database of the test PostgreSQL server. */
export async function syncTestServer(
  databaseUrl: string,
  sync: Partial<import('./app.ts').SyncOptions> = {},
): Promise<SyncTestServer> {
  const app = await testServer({
    sync: { databaseUrl, jwtSecret: TEST_JWT_SECRET, ...sync },
  });
  const call: SyncTestServer['call'] = (method, url, options = {}) =>
    app.inject({
      method,
      url,
      headers: {
        host: `127.0.0.1:${PORT}`,
        origin: ORIGIN,
        ...(method === 'GET' ? {} : { 'content-type': 'application/json' }),
        ...(options.cookie ? { cookie: options.cookie } : {}),
      },
      ...(method === 'GET' ? {} : { payload: JSON.stringify(options.body ?? {}) }),
    });
  return {
    app,
    databaseUrl,
    call,
    async login(username, password) {
      const response = await call('POST', '/api/auth/login', { body: { username, password } });
      if (response.statusCode !== 200) {
        throw new Error(`login as ${username} failed: ${response.statusCode} ${response.body}`);
      }
      return sessionCookie(response);
    },
    close: () => app.close(),
  };
}

/** The `Cookie` header value for the session a response set. */
export function sessionCookie(response: { cookies: { name: string; value: string }[] }): string {
  const cookie = response.cookies.find((c) => c.name === 'platform_session');
  if (!cookie) throw new Error('no session cookie was set');
  return `platform_session=${cookie.value}`;
}
