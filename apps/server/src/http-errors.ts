import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import type { QueryFailure } from './query/errors.ts';

export type ErrorKind =
  | 'forbidden'
  | 'request'
  | 'internal'
  | 'unauthorized'
  | 'conflict'
  | 'not-found'
  | 'rate-limited'
  | 'unavailable';

export type ErrorBody =
  | { error: QueryFailure }
  | { error: { kind: 'validation'; message: string; issues: ValidationIssue[] } }
  | { error: { kind: ErrorKind; message: string; reason?: string } };

export interface ValidationIssue {
  path: string;
  message: string;
}

export function sendError(reply: FastifyReply, status: number, body: ErrorBody): FastifyReply {
  return reply.code(status).header('cache-control', 'no-store').send(body);
}

/** SQL errors are the user's to fix (400); an unreachable or refusing database is a 502. */
export function statusOf(failure: QueryFailure): number {
  return failure.kind === 'sql' ? 400 : 502;
}

/** Thrown by a route; the app's error handler answers with it. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly kind: ErrorKind,
    message: string,
    /** A machine-readable detail, e.g. why a session was refused. */
    readonly reason?: string,
  ) {
    super(message);
  }
}

/**
 * A body that failed its schema: 422 naming each path and the rule broken, never the value
 * received, since a rejected body may still hold a password.
 */
export function invalid(reply: FastifyReply, error: z.ZodError): FastifyReply {
  const issues = error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
  const first = issues[0];
  return sendError(reply, 422, {
    error: {
      kind: 'validation',
      message: first ? `${first.path || 'body'}: ${first.message}` : 'invalid request body',
      issues,
    },
  });
}

/** Parses `body` with `schema`, or answers 422 and returns null. */
export function parseBody<S extends z.ZodType>(
  reply: FastifyReply,
  schema: S,
  body: unknown,
): z.output<S> | null {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  invalid(reply, parsed.error);
  return null;
}
