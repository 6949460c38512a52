/**
 * `/api/query` and `/api/connections/test`: who may call them and how often
 * (`query/query-access.ts`), where they may connect (`query/target-policy.ts`), what a
 * read-only run may execute (`query/read-only-sql.ts`).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { invalid, sendError, statusOf } from '../http-errors.ts';
import { connectionSchema } from '../query/connection.ts';
import { QueryFailedError } from '../query/errors.ts';
import { type Admission, type QueryAccessSettings, queryAccess } from '../query/query-access.ts';
import { runQuery, testConnection } from '../query/run-query.ts';

export type { QueryEndpointOptions } from '../query/query-access.ts';

export const MAX_SQL_BYTES = 1024 * 1024;
export const DEFAULT_MAX_ROWS = 100_000;
export const MAX_ROWS_LIMIT = 1_000_000;
export const DEFAULT_TIMEOUT_MS = 5 * 60_000;
export const MAX_TIMEOUT_MS = 60 * 60_000;

export const queryRequestSchema = z.strictObject({
  connection: connectionSchema,
  sql: z
    .string()
    .min(1)
    .refine((sql) => Buffer.byteLength(sql) <= MAX_SQL_BYTES, 'sql is larger than 1 MiB'),
  readOnly: z.boolean().optional(),
  maxRows: z.number().int().min(1).max(MAX_ROWS_LIMIT).default(DEFAULT_MAX_ROWS),
  timeoutMs: z.number().int().min(1).max(MAX_TIMEOUT_MS).default(DEFAULT_TIMEOUT_MS),
});

export type QueryRequest = z.input<typeof queryRequestSchema>;

export const connectionTestSchema = z.strictObject({ connection: connectionSchema });

export function registerQueryRoutes(app: FastifyInstance, settings: QueryAccessSettings): void {
  const access = queryAccess(app, settings);
  const admissions = new WeakMap<FastifyRequest, Admission>();
  // Before the body is read: a refused caller costs no more than its headers.
  const onRequest = async (request: FastifyRequest, reply: FastifyReply) => {
    admissions.set(request, await access.admit(request, reply));
  };

  app.post('/api/query', { onRequest }, async (request, reply) => {
    // Never missing (onRequest set it); read-only if it somehow were.
    const admission = admissions.get(request) ?? { readOnly: true };
    const parsed = queryRequestSchema.safeParse(request.body);
    if (!parsed.success) return invalid(reply, parsed.error);
    // A viewer's run is read-only whatever the body says; anyone may ask for read-only.
    const readOnly = admission.readOnly || parsed.data.readOnly === true;
    try {
      return await runQuery({ ...parsed.data, readOnly }, access.dialer);
    } catch (error) {
      if (error instanceof QueryFailedError) {
        return sendError(reply, statusOf(error.failure), { error: error.failure });
      }
      throw error;
    }
  });

  app.post('/api/connections/test', { onRequest }, async (request, reply) => {
    const parsed = connectionTestSchema.safeParse(request.body);
    if (!parsed.success) return invalid(reply, parsed.error);
    try {
      return {
        ok: true,
        serverVersion: await testConnection(parsed.data.connection, access.dialer),
      };
    } catch (error) {
      if (error instanceof QueryFailedError) {
        return sendError(reply, statusOf(error.failure), { error: error.failure });
      }
      throw error;
    }
  });
}
