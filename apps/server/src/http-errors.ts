import type { FastifyReply } from 'fastify';
import type { QueryFailure } from './query/errors.ts';

export type ErrorBody =
  | { error: QueryFailure }
  | { error: { kind: 'validation'; message: string; issues: ValidationIssue[] } }
  | { error: { kind: 'forbidden' | 'request' | 'internal'; message: string } };

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
