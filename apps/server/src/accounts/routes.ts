import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { transaction } from '../db/database.ts';
import { HttpError, parseBody } from '../http-errors.ts';
import { requireAdmin, type SyncContext } from '../sync/context.ts';
import {
  accountPatchInput,
  createAccount,
  deleteAccount,
  listAccounts,
  newAccountInput,
  passwordInput,
  setAccountPassword,
  updateAccount,
} from './accounts.ts';

const idParam = z.strictObject({ id: z.string().min(1).max(200) });
const passwordReset = z.strictObject({ password: passwordInput });

/** Admins manage the server's accounts: list, create, change name/email/role, reset, delete. */
export function registerAccountRoutes(app: FastifyInstance, sync: SyncContext | null): void {
  const need = (): SyncContext => {
    if (!sync) {
      throw new HttpError(503, 'unavailable', 'Sync mode is not configured on this server.');
    }
    return sync;
  };
  const id = (params: unknown) => {
    const parsed = idParam.safeParse(params);
    if (!parsed.success) throw new HttpError(404, 'not-found', 'No such account.');
    return parsed.data.id;
  };

  app.get('/api/accounts', async (request) => {
    const ctx = need();
    await requireAdmin(ctx, request);
    return { accounts: await listAccounts(ctx.pool) };
  });

  app.post('/api/accounts', async (request, reply) => {
    const ctx = need();
    await requireAdmin(ctx, request);
    const input = parseBody(reply, newAccountInput, request.body);
    if (!input) return reply;
    const account = await transaction(ctx.pool, (client) =>
      createAccount(client, ctx.clock, input),
    );
    return reply.code(201).send({ account });
  });

  app.patch('/api/accounts/:id', async (request, reply) => {
    const ctx = need();
    await requireAdmin(ctx, request);
    const input = parseBody(reply, accountPatchInput, request.body);
    if (!input) return reply;
    const account = await transaction(ctx.pool, (client) =>
      updateAccount(client, ctx.clock, id(request.params), input),
    );
    return { account };
  });

  app.post('/api/accounts/:id/password', async (request, reply) => {
    const ctx = need();
    await requireAdmin(ctx, request);
    const input = parseBody(reply, passwordReset, request.body);
    if (!input) return reply;
    const target = id(request.params);
    await transaction(ctx.pool, async (client) => {
      const { rows } = await client.query(
        'select 1 from platform_users where id = $1 and deleted_at is null',
        [target],
      );
      if (rows.length === 0) throw new HttpError(404, 'not-found', 'No such account.');
      await setAccountPassword(client, target, input.password);
    });
    return reply.code(204).send();
  });

  app.delete('/api/accounts/:id', async (request, reply) => {
    const ctx = need();
    const admin = await requireAdmin(ctx, request);
    await transaction(ctx.pool, (client) => deleteAccount(client, admin.id, id(request.params)));
    return reply.code(204).send();
  });
}
