import { resolve } from 'node:path';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { registerAccountRoutes } from './accounts/routes.ts';
import { reconcileUsernameKeys } from './accounts/username-keys.ts';
import { registerAuthRoutes } from './auth/routes.ts';
import { sessionKeys } from './auth/session.ts';
import { migrateServerDatabase, openPool } from './db/database.ts';
import { databaseUnavailable } from './db/database-unavailable.ts';
import { HttpError, sendError } from './http-errors.ts';
import { MAX_SQL_BYTES, type QueryEndpointOptions, registerQueryRoutes } from './routes/query.ts';
import { isApi, registerSecurity } from './security.ts';
import { hasIndex, isSpaRoute, registerStaticFiles } from './static-files.ts';
import {
  DEFAULT_SESSION_TTL_SECONDS,
  MIN_JWT_SECRET_LENGTH,
  newServerClock,
  type SyncContext,
  type SyncOptions,
} from './sync/context.ts';
import { registerSyncRoutes } from './sync/routes.ts';
import type { TrustProxy } from './trust-proxy.ts';

export type { SyncOptions } from './sync/context.ts';

export interface ServerOptions {
  /** The port the server will listen on; the Host and Origin checks need it. 0: decided at listen. */
  port: number;
  /** The built web app; default `apps/web/dist` of this repository. */
  webRoot?: string;
  /** Origins besides http://127.0.0.1:PORT, http://localhost:PORT, http://[::1]:PORT. */
  allowedOrigins?: string[];
  /** Host header values besides the loopback names and the hosts of `allowedOrigins`. */
  allowedHosts?: string[];
  logger?: FastifyServerOptions['logger'];
  /** Sync mode: accounts, the push endpoint and the shape proxy. Absent: browser-only. */
  sync?: SyncOptions;
  /**
   * Which peers may name the client in `X-Forwarded-For` (`TRUST_PROXY`, `trust-proxy.ts`):
   * the login limits count per client address. Default: none, the socket's peer is the client.
   */
  trustProxy?: TrustProxy;
  /**
   * The address the server listens on (`HOST`; default 127.0.0.1). Off loopback, the query
   * endpoints need a session, so they need sync mode.
   */
  host?: string;
  /** The query endpoints' connection targets and rate limits (`QUERY_TARGETS`, …). */
  query?: QueryEndpointOptions;
}

export const DEFAULT_WEB_ROOT = resolve(import.meta.dirname, '../../web/dist');

// The SQL cap plus room for the JSON around it.
const BODY_LIMIT = MAX_SQL_BYTES + 64 * 1024;

/** The studio server, ready for `listen()` or `inject()`. */
export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const webRoot = resolve(options.webRoot ?? DEFAULT_WEB_ROOT);
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: BODY_LIMIT,
    trustProxy: options.trustProxy ?? false,
  });

  app.setNotFoundHandler((request, reply) => {
    const method = request.method;
    if ((method === 'GET' || method === 'HEAD') && isSpaRoute(request.url)) {
      if (!hasIndex(webRoot)) {
        return reply
          .code(503)
          .type('text/plain; charset=utf-8')
          .send(
            `The studio's web app is not built: ${webRoot}/index.html is missing.\n` +
              'Build it (pnpm --filter @platform/web build) or point WEB_ROOT at a build.\n',
          );
      }
      return reply.code(200).sendFile('index.html');
    }
    if (isApi(request.url)) {
      return sendError(reply, 404, {
        error: { kind: 'request', message: `no API route ${method} ${request.url.split('?')[0]}` },
      });
    }
    return reply.code(404).type('text/plain; charset=utf-8').send('Not found\n');
  });

  // Set as soon as close() starts: a request still running then may find the database gone.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });

  app.setErrorHandler((error: { statusCode?: number; message?: string }, request, reply) => {
    if (error instanceof HttpError) {
      return sendError(reply, error.status, {
        error: {
          kind: error.kind,
          message: error.message,
          ...(error.reason ? { reason: error.reason } : {}),
        },
      });
    }
    const status = error.statusCode ?? 500;
    if (status >= 500 && closing) {
      // Not a fault: the server is shutting down under this request (its pool has ended).
      request.log.warn({ err: error }, 'request cut short by shutdown');
      return sendError(reply, 503, { error: { kind: 'unavailable', message: 'shutting down' } });
    }
    // The platform database lost, restarting or silent: an outage to retry, not a server fault.
    const unavailable = databaseUnavailable(error);
    if (unavailable) {
      request.log.warn(
        { reason: unavailable.error.reason, cause: unavailable.cause },
        'platform database unavailable',
      );
      return sendError(reply, 503, {
        error: {
          kind: 'unavailable',
          message: unavailable.error.message,
          reason: unavailable.error.reason,
        },
      });
    }
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
      return sendError(reply, 500, { error: { kind: 'internal', message: 'internal error' } });
    }
    // Fastify's own 4xx: malformed JSON, body too large, empty body.
    return sendError(reply, status, {
      error: { kind: 'request', message: error.message ?? 'bad request' },
    });
  });

  const sync = await openSync(app, options.sync);

  // After the handlers: routes take the error handler in force when they are declared.
  registerSecurity(app, options);
  await app.register(cookie);
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new HttpError(
        429,
        'rate-limited',
        `Too many attempts: try again in ${Math.ceil(context.ttl / 1000)} s.`,
      ),
  });
  registerQueryRoutes(app, {
    sync,
    ...(options.host ? { host: options.host } : {}),
    ...(options.query ? { options: options.query } : {}),
  });
  registerAuthRoutes(app, sync);
  registerAccountRoutes(app, sync);
  registerSyncRoutes(app, sync);
  await registerStaticFiles(app, webRoot);
  return app;
}

async function openSync(
  app: FastifyInstance,
  options: SyncOptions | undefined,
): Promise<SyncContext | null> {
  if (!options) return null;
  if (options.jwtSecret.length < MIN_JWT_SECRET_LENGTH) {
    throw new Error(`JWT_SECRET must be at least ${MIN_JWT_SECRET_LENGTH} characters`);
  }
  const pool = openPool(options.databaseUrl, {
    onIdleError: (error) =>
      app.log.warn({ err: error }, 'an idle platform-database connection was lost'),
  });
  try {
    if (options.migrate ?? true) await migrateServerDatabase(pool);
    // Accounts written before usernames had canonical keys, or by hand, get theirs now.
    for (const account of await reconcileUsernameKeys(pool)) {
      app.log.warn(
        { account: account.id, heldBy: account.heldBy },
        'an account shares its username with an older one under the canonical rule; it cannot log in until an admin renames it',
      );
    }
  } catch (error) {
    await pool.end();
    throw error;
  }
  app.addHook('onClose', () => pool.end());
  return {
    pool,
    keys: sessionKeys(options.jwtSecret, options.sessionTtlSeconds ?? DEFAULT_SESSION_TTL_SECONDS),
    clock: newServerClock(),
    options,
  };
}
