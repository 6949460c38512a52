import { setTimeout as sleep } from 'node:timers/promises';
import type { SessionResponse, SyncServerStatus } from '@platform/sync/protocol';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import {
  type Account,
  createFirstAdmin,
  emailValue,
  findCredentials,
  findCredentialsById,
  getAccount,
  hasAccounts,
  newAccountInput,
  passwordInput,
  setAccountPassword,
  updateAccount,
} from '../accounts/accounts.ts';
import { canonicalUsername } from '../accounts/username.ts';
import { transaction } from '../db/database.ts';
import { HttpError, parseBody } from '../http-errors.ts';
import {
  clearSessionCookie,
  requireSession,
  type SyncContext,
  setSessionCookie,
} from '../sync/context.ts';
import { LoginBlocked, LoginLimiter } from './login-limiter.ts';
import { verifyAgainstNothing, verifyPassword } from './passwords.ts';
import {
  issueToken,
  SESSION_COOKIE,
  type Session,
  SessionError,
  tokenSessionId,
} from './session.ts';
import {
  openSession,
  pruneSessions,
  renewSession,
  revokeSession,
  type StoredSession,
} from './session-store.ts';

const loginInput = z.strictObject({
  username: z.string().min(1).max(256),
  password: z.string().min(1).max(4_096),
});

const passwordChangeInput = z.strictObject({
  currentPassword: z.string().min(1).max(4_096),
  newPassword: passwordInput,
});

/** What an account may change about itself; its name and role are the admins' to change. */
const ownProfileInput = z.strictObject({ email: emailValue.nullable() });

const setupInput = newAccountInput.omit({ role: true });

const WRONG_LOGIN = 'Wrong username or password.';

function sessionBody(user: Session | Account): SessionResponse {
  return {
    user: { id: user.id, username: user.username, email: user.email, role: user.role },
    serverTime: Date.now(),
  };
}

/** Sets the cookie for `stored`, the row of a session of `userId`. */
async function sendSession(
  ctx: SyncContext,
  reply: FastifyReply,
  userId: string,
  passwordVersion: number,
  stored: StoredSession,
) {
  const token = await issueToken(ctx.keys, {
    userId,
    sessionId: stored.id,
    passwordVersion,
    expiresAt: stored.expiresAt,
  });
  setSessionCookie(ctx, reply, token);
}

function revoked(): HttpError {
  const error = new SessionError('revoked');
  return new HttpError(401, 'unauthorized', error.message, error.reason);
}

/**
 * Login, logout, who-am-I (and one's own email), first-run setup and one's own password.
 * Login limits: `login-limiter.ts`; sessions: `session-store.ts`.
 */
export function registerAuthRoutes(app: FastifyInstance, sync: SyncContext | null): void {
  const limits = sync?.options.loginRateLimit ?? {};
  const limiter = limits instanceof LoginLimiter ? limits : new LoginLimiter(limits);
  // Setup and password changes: plain per-address limits (@fastify/rate-limit counts every
  // request). Setup is possible once; a password change needs a session.
  const perAddress = {
    max: limiter.options.max,
    timeWindow: limiter.options.windowMs,
    hook: 'preHandler' as const,
    keyGenerator: (request: { ip: string }) => request.ip,
  };

  const need = (): SyncContext => {
    if (!sync) {
      throw new HttpError(
        503,
        'unavailable',
        'Sync mode is not configured on this server (it has no DATABASE_URL).',
      );
    }
    return sync;
  };
  const ttl = (ctx: SyncContext) => ctx.keys.ttlSeconds;

  app.get('/api/sync/status', async (): Promise<SyncServerStatus> => {
    return {
      syncAvailable: sync !== null,
      setupRequired: sync ? !(await hasAccounts(sync.pool)) : false,
      serverTime: Date.now(),
    };
  });

  app.post('/api/auth/setup', { config: { rateLimit: perAddress } }, async (request, reply) => {
    const ctx = need();
    const input = parseBody(reply, setupInput, request.body);
    if (!input) return reply;
    const account = await transaction(ctx.pool, (client) =>
      createFirstAdmin(client, ctx.clock, input),
    );
    const credentials = await findCredentialsById(ctx.pool, account.id);
    const stored = await openSession(ctx.pool, account.id, ttl(ctx));
    await sendSession(ctx, reply, account.id, credentials?.passwordVersion ?? 0, stored);
    return reply.code(201).send(sessionBody(account));
  });

  app.post('/api/auth/login', async (request, reply) => {
    const ctx = need();
    const input = parseBody(reply, loginInput, request.body);
    if (!input) return reply;
    let attempt: ReturnType<LoginLimiter['begin']>;
    try {
      attempt = limiter.begin(request.ip, canonicalUsername(input.username));
    } catch (error) {
      if (!(error instanceof LoginBlocked)) throw error;
      reply.header('retry-after', String(error.retryAfterSeconds));
      throw new HttpError(429, 'rate-limited', error.message, 'address');
    }
    try {
      if (attempt.delayMs > 0) await sleep(attempt.delayMs);
      const credentials = await findCredentials(ctx.pool, input.username);
      const ok = credentials
        ? await verifyPassword(credentials.hash, input.password)
        : await verifyAgainstNothing(input.password);
      const account = credentials && ok ? await getAccount(ctx.pool, credentials.id) : null;
      if (!credentials || !account) {
        attempt.fail();
        throw new HttpError(401, 'unauthorized', WRONG_LOGIN, 'credentials');
      }
      await pruneSessions(ctx.pool);
      const stored = await openSession(ctx.pool, account.id, ttl(ctx));
      await sendSession(ctx, reply, account.id, credentials.passwordVersion, stored);
      return sessionBody(account);
    } finally {
      attempt.end();
    }
  });

  app.post('/api/auth/logout', async (request, reply) => {
    if (sync) {
      // Ends the session on the server: the token stops working wherever a copy of it is.
      const sessionId = await tokenSessionId(sync.keys, request.cookies[SESSION_COOKIE]);
      if (sessionId) await revokeSession(sync.pool, sessionId);
      clearSessionCookie(sync, reply);
    }
    return reply.code(204).send();
  });

  app.get('/api/auth/me', async (request, reply) => {
    const ctx = need();
    const session = await requireSession(ctx, request);
    // Sliding sessions: a studio in daily use is not logged out a week after its last login.
    // The same row is extended, and only while it is live.
    const renewed = await renewSession(ctx.pool, session.sessionId, ttl(ctx));
    if (!renewed) throw revoked();
    await sendSession(ctx, reply, session.id, session.passwordVersion, renewed);
    return sessionBody(session);
  });

  app.patch('/api/auth/me', async (request, reply) => {
    const ctx = need();
    const session = await requireSession(ctx, request);
    const input = parseBody(reply, ownProfileInput, request.body);
    if (!input) return reply;
    const account = await transaction(ctx.pool, (client) =>
      updateAccount(client, ctx.clock, session.id, { email: input.email }),
    );
    return sessionBody(account);
  });

  app.post('/api/auth/password', { config: { rateLimit: perAddress } }, async (request, reply) => {
    const ctx = need();
    const session = await requireSession(ctx, request);
    const input = parseBody(reply, passwordChangeInput, request.body);
    if (!input) return reply;
    const credentials = await findCredentialsById(ctx.pool, session.id);
    if (!credentials || !(await verifyPassword(credentials.hash, input.currentPassword))) {
      throw new HttpError(403, 'forbidden', 'The current password is wrong.', 'credentials');
    }
    const version = await transaction(ctx.pool, (client) =>
      setAccountPassword(client, session.id, input.newPassword, session.sessionId),
    );
    // Other sessions of this account end; this one continues with a fresh token.
    const renewed = await renewSession(ctx.pool, session.sessionId, ttl(ctx));
    if (!renewed) throw revoked();
    await sendSession(ctx, reply, session.id, version, renewed);
    return reply.code(204).send();
  });
}
