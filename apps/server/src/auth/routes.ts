import type { SessionResponse, SyncServerStatus } from '@platform/sync/protocol';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  type Account,
  createFirstAdmin,
  findCredentials,
  getAccount,
  hasAccounts,
  newAccountInput,
  passwordInput,
  setAccountPassword,
} from '../accounts/accounts.ts';
import { transaction } from '../db/database.ts';
import { HttpError, parseBody } from '../http-errors.ts';
import {
  clearSessionCookie,
  requireSession,
  type SyncContext,
  setSessionCookie,
} from '../sync/context.ts';
import { verifyAgainstNothing, verifyPassword } from './passwords.ts';
import { issueToken, type Session } from './session.ts';

const loginInput = z.strictObject({
  username: z.string().min(1).max(256),
  password: z.string().min(1).max(4_096),
});

const passwordChangeInput = z.strictObject({
  currentPassword: z.string().min(1).max(4_096),
  newPassword: passwordInput,
});

const setupInput = newAccountInput.omit({ role: true });

const WRONG_LOGIN = 'Wrong username or password.';

function sessionBody(user: Session | Account): SessionResponse {
  return {
    user: { id: user.id, username: user.username, email: user.email, role: user.role },
    serverTime: Date.now(),
  };
}

/** Login, logout, who-am-I, first-run setup and one's own password. */
export function registerAuthRoutes(app: FastifyInstance, sync: SyncContext | null): void {
  const limit = sync?.options.loginRateLimit ?? { max: 10, windowMs: 15 * 60_000 };
  // Per address and username: guessing one account's password, or one address trying many.
  const rateLimit = {
    max: limit.max,
    timeWindow: limit.windowMs,
    hook: 'preHandler' as const,
    keyGenerator: (request: { ip: string; body?: unknown }) => {
      const body = request.body as { username?: unknown } | undefined;
      const username = typeof body?.username === 'string' ? body.username.toLowerCase() : '';
      return `${request.ip}\n${username}`;
    },
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

  app.get('/api/sync/status', async (): Promise<SyncServerStatus> => {
    return {
      syncAvailable: sync !== null,
      setupRequired: sync ? !(await hasAccounts(sync.pool)) : false,
      serverTime: Date.now(),
    };
  });

  app.post('/api/auth/setup', { config: { rateLimit } }, async (request, reply) => {
    const ctx = need();
    const input = parseBody(reply, setupInput, request.body);
    if (!input) return reply;
    const account = await transaction(ctx.pool, (client) =>
      createFirstAdmin(client, ctx.clock, input),
    );
    const credentials = await findCredentials(ctx.pool, account.username);
    setSessionCookie(
      ctx,
      reply,
      await issueToken(ctx.keys, account.id, credentials?.passwordVersion ?? 0),
    );
    return reply.code(201).send(sessionBody(account));
  });

  app.post('/api/auth/login', { config: { rateLimit } }, async (request, reply) => {
    const ctx = need();
    const input = parseBody(reply, loginInput, request.body);
    if (!input) return reply;
    const credentials = await findCredentials(ctx.pool, input.username.trim());
    const ok = credentials
      ? await verifyPassword(credentials.hash, input.password)
      : await verifyAgainstNothing(input.password);
    if (!credentials || !ok) throw new HttpError(401, 'unauthorized', WRONG_LOGIN, 'credentials');
    const account = await getAccount(ctx.pool, credentials.id);
    if (!account) throw new HttpError(401, 'unauthorized', WRONG_LOGIN, 'credentials');
    setSessionCookie(
      ctx,
      reply,
      await issueToken(ctx.keys, account.id, credentials.passwordVersion),
    );
    return sessionBody(account);
  });

  app.post('/api/auth/logout', async (_request, reply) => {
    if (sync) clearSessionCookie(sync, reply);
    return reply.code(204).send();
  });

  app.get('/api/auth/me', async (request, reply) => {
    const ctx = need();
    const session = await requireSession(ctx, request);
    // Sliding sessions: a studio in daily use is not logged out a week after its last login.
    setSessionCookie(ctx, reply, await issueToken(ctx.keys, session.id, session.passwordVersion));
    return sessionBody(session);
  });

  app.post('/api/auth/password', { config: { rateLimit } }, async (request, reply) => {
    const ctx = need();
    const session = await requireSession(ctx, request);
    const input = parseBody(reply, passwordChangeInput, request.body);
    if (!input) return reply;
    const credentials = await findCredentials(ctx.pool, session.username);
    if (!credentials || !(await verifyPassword(credentials.hash, input.currentPassword))) {
      throw new HttpError(403, 'forbidden', 'The current password is wrong.', 'credentials');
    }
    const version = await transaction(ctx.pool, (client) =>
      setAccountPassword(client, session.id, input.newPassword),
    );
    // Other sessions of this account end; this one continues with a fresh token.
    setSessionCookie(ctx, reply, await issueToken(ctx.keys, session.id, version));
    return reply.code(204).send();
  });
}
