import { randomBytes } from 'node:crypto';
import { HybridClock } from '@platform/sync/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type pg from 'pg';
import type { LoginLimiter, LoginLimitOptions } from '../auth/login-limiter.ts';
import {
  readSession,
  SESSION_COOKIE,
  type Session,
  SessionError,
  type SessionKeys,
} from '../auth/session.ts';
import { HttpError } from '../http-errors.ts';

/** Sync mode's settings; without them the server runs browser-only and sync routes answer 503. */
export interface SyncOptions {
  /** The platform database (PostgreSQL). */
  databaseUrl: string;
  /** Signs session tokens (HS256): at least 32 characters. */
  jwtSecret: string;
  /** Electric's base URL (`http://electric:3000`); shapes answer 503 without it. */
  electricUrl?: string;
  /** Electric's `ELECTRIC_SECRET`, added to every shape request; never sent to the browser. */
  electricSecret?: string;
  /** How long a session lasts (default 7 days); it is renewed while in use. */
  sessionTtlSeconds?: number;
  /** Mark the session cookie `Secure` (behind HTTPS). */
  secureCookies?: boolean;
  /**
   * Login limits (`auth/login-limiter.ts`): `max` failures per address within `windowMs` block
   * the address (default 20 per 15 min); failures per username only slow its next attempts.
   * Or a limiter to share (between servers of one process) or to inspect.
   */
  loginRateLimit?: LoginLimitOptions | LoginLimiter;
  /** Apply `drizzle/server` when the server starts (default true). */
  migrate?: boolean;
}

export interface SyncContext {
  readonly pool: pg.Pool;
  readonly keys: SessionKeys;
  /** Stamps the server's own writes (role changes, new accounts) for last-write-wins. */
  readonly clock: HybridClock;
  readonly options: SyncOptions;
}

export const DEFAULT_SESSION_TTL_SECONDS = 7 * 24 * 3600;
export const MIN_JWT_SECRET_LENGTH = 32;

export function newServerClock(): HybridClock {
  return new HybridClock(randomBytes(8).toString('hex'));
}

/** The request's session, or a 401 that says why (`reason`: missing, invalid, expired, revoked). */
export async function requireSession(sync: SyncContext, request: FastifyRequest): Promise<Session> {
  try {
    return await readSession(sync.pool, sync.keys, request.cookies[SESSION_COOKIE]);
  } catch (error) {
    if (error instanceof SessionError)
      throw new HttpError(401, 'unauthorized', error.message, error.reason);
    throw error;
  }
}

export async function requireAdmin(sync: SyncContext, request: FastifyRequest): Promise<Session> {
  const session = await requireSession(sync, request);
  if (session.role !== 'admin')
    throw new HttpError(403, 'forbidden', 'Only admins manage accounts.');
  return session;
}

export function setSessionCookie(sync: SyncContext, reply: FastifyReply, token: string): void {
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: sync.options.secureCookies ?? false,
    path: '/api',
    maxAge: sync.keys.ttlSeconds,
  });
}

export function clearSessionCookie(sync: SyncContext, reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, {
    httpOnly: true,
    sameSite: 'strict',
    secure: sync.options.secureCookies ?? false,
    path: '/api',
  });
}
