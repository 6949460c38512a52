/**
 * Who may make the server connect to a database, how often, and whether the run is read-only.
 *
 * A browser-only server on loopback serves the machine's own user: no session, no limit, as
 * before. A server with accounts (sync mode), or listening off loopback, is reachable by others:
 * the query endpoints need a session there, a viewer's runs are read-only because the session
 * says so, connection attempts are rate limited per address and per session, and connection
 * failures are answered uniformly. Off loopback without accounts there is no one to check, so
 * the endpoints refuse with a message that says how to fix it.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from '../http-errors.ts';
import { requireSession, type SyncContext } from '../sync/context.ts';
import type { Dialer } from './connection.ts';
import { targetPolicy } from './target-policy.ts';

export interface QueryEndpointOptions {
  /** `QUERY_TARGETS`: CIDRs, addresses or host names the endpoints may connect to. */
  targets?: string[];
  /** Connection attempts allowed per window (default 120 per session, 300 per address, 1 min). */
  rateLimit?: { perSession: number; perAddress: number; windowMs: number };
}

export interface QueryAccessSettings {
  sync: SyncContext | null;
  /** The address the server listens on; default 127.0.0.1. */
  host?: string;
  options?: QueryEndpointOptions;
}

export interface Admission {
  /** The session's role allows only read-only runs (a viewer). */
  readOnly: boolean;
}

export interface QueryAccess {
  readonly dialer: Dialer;
  /** Throws HttpError 401/429/503 when the request may not connect anywhere. */
  admit(request: FastifyRequest, reply: FastifyReply): Promise<Admission>;
}

export const DEFAULT_QUERY_RATE_LIMIT = { perSession: 120, perAddress: 300, windowMs: 60_000 };

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host.toLowerCase()) || /^127(\.\d{1,3}){3}$/.test(host);
}

export function queryAccess(app: FastifyInstance, settings: QueryAccessSettings): QueryAccess {
  const host = settings.host ?? '127.0.0.1';
  const loopback = isLoopbackHost(host);
  const { sync } = settings;
  const shared = sync !== null || !loopback;
  const limit = settings.options?.rateLimit ?? DEFAULT_QUERY_RATE_LIMIT;
  const sessionOf = new WeakMap<FastifyRequest, string>();
  const perAddress = app.createRateLimit({ max: limit.perAddress, timeWindow: limit.windowMs });
  const perSession = app.createRateLimit({
    max: limit.perSession,
    timeWindow: limit.windowMs,
    keyGenerator: (request) => `session:${sessionOf.get(request) ?? ''}`,
  });

  const check = async (
    limiter: typeof perAddress,
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<void> => {
    const result = await limiter(request);
    if (result.isAllowed || !result.isExceeded) return;
    reply.header('retry-after', String(result.ttlInSeconds));
    throw new HttpError(
      429,
      'rate-limited',
      `Too many connection attempts: try again in ${result.ttlInSeconds} s.`,
    );
  };

  return {
    dialer: {
      policy: targetPolicy({
        targets: settings.options?.targets ?? [],
        ...(sync ? { platformDatabaseUrl: sync.options.databaseUrl } : {}),
        shared,
        listensOnLoopback: loopback,
      }),
      uniformErrors: shared,
    },
    async admit(request, reply) {
      if (!shared) return { readOnly: false };
      if (!sync) {
        throw new HttpError(
          503,
          'unavailable',
          `This server listens on ${host}, off loopback, and has no accounts, so it cannot tell who ` +
            'may connect to databases through it. Set DATABASE_URL (sync mode, with accounts) or ' +
            'listen on loopback (HOST=127.0.0.1).',
          'sessions-unavailable',
        );
      }
      await check(perAddress, request, reply);
      const session = await requireSession(sync, request);
      sessionOf.set(request, session.id);
      await check(perSession, request, reply);
      return { readOnly: session.role === 'viewer' };
    },
  };
}
