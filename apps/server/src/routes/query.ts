import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { invalid, sendError, statusOf } from '../http-errors.ts';
import { connectionSchema } from '../query/connection.ts';
import { QueryFailedError } from '../query/errors.ts';
import { runQuery, testConnection } from '../query/run-query.ts';

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

export function registerQueryRoutes(app: FastifyInstance): void {
  app.post('/api/query', async (request, reply) => {
    const parsed = queryRequestSchema.safeParse(request.body);
    if (!parsed.success) return invalid(reply, parsed.error);
    try {
      return await runQuery(parsed.data);
    } catch (error) {
      if (error instanceof QueryFailedError) {
        return sendError(reply, statusOf(error.failure), { error: error.failure });
      }
      throw error;
    }
  });

  app.post('/api/connections/test', async (request, reply) => {
    const parsed = connectionTestSchema.safeParse(request.body);
    if (!parsed.success) return invalid(reply, parsed.error);
    try {
      return { ok: true, serverVersion: await testConnection(parsed.data.connection) };
    } catch (error) {
      if (error instanceof QueryFailedError) {
        return sendError(reply, statusOf(error.failure), { error: error.failure });
      }
      throw error;
    }
  });
}
