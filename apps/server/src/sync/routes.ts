import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import {
  isSyncedTable,
  MAX_PUSH_BYTES,
  type PushResponse,
  pushRequest,
  SERVER_TIME_HEADER,
  SYNCED,
} from '@platform/sync/protocol';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Session } from '../auth/session.ts';
import { transaction } from '../db/database.ts';
import { HttpError, parseBody } from '../http-errors.ts';
import { applyMutations } from './apply-mutations.ts';
import { requireSession, type SyncContext } from './context.ts';

/**
 * The query parameters a shape request may carry, each forwarded as it is: what
 * `@electric-sql/client` sends while following a shape by long polling (electric-api.yaml).
 * An allow-list: everything else is refused (400), above all whatever chooses rows or columns
 * (`where`, `params[n]`, `columns`, `replica`, `subset__*` snapshots): the server sets those.
 * `table` is checked on its own; `log` must be `full` (whole rows, the snapshot first).
 */
const FORWARDED = new Set(['offset', 'handle', 'live', 'cursor', 'expired_handle', 'cache-buster']);

/** A parameter's name as an answer quotes it: never more than a line of it. */
const named = (key: string) => JSON.stringify(key.length > 64 ? `${key.slice(0, 64)}…` : key);

/** Electric's response headers the client needs (electric-api.yaml), passed through. */
const PASSED_HEADERS = [
  'electric-handle',
  'electric-offset',
  'electric-schema',
  'electric-cursor',
  'electric-up-to-date',
  'electric-snapshot',
  'content-type',
  'etag',
];

/**
 * The row filter a session gets for a table: its own rows, and for admins every account (so
 * they can see who exists). Always a positional parameter, never the id spliced into SQL.
 */
function shapeFilter(table: keyof typeof SYNCED, session: Session) {
  if (table === 'platform_users') {
    return session.role === 'admin' ? null : { where: 'id = $1', params: [session.id] };
  }
  return { where: 'user_id = $1', params: [session.id] };
}

/** The Electric URL a shape request is forwarded to, or the HttpError that refuses it. */
export function upstreamShapeUrl(
  electricUrl: string,
  electricSecret: string | undefined,
  query: URLSearchParams,
  session: Session,
): URL {
  const table = query.get('table');
  if (!table) throw new HttpError(400, 'request', 'table is required');
  if (!isSyncedTable(table)) {
    throw new HttpError(403, 'forbidden', `The table "${table}" is not available for sync.`);
  }
  const upstream = new URL('/v1/shape', electricUrl);
  for (const [key, value] of query) {
    if (FORWARDED.has(key)) {
      upstream.searchParams.set(key, value);
    } else if (key === 'log') {
      if (value !== 'full') {
        throw new HttpError(400, 'request', `"log" must be "full": shapes are served whole.`);
      }
    } else if (key !== 'table') {
      throw new HttpError(
        400,
        'request',
        `The parameter ${named(key)} is not accepted: the server decides which rows and columns a shape has, and takes only Electric's protocol parameters (${[...FORWARDED].join(', ')}, log).`,
      );
    }
  }
  upstream.searchParams.set('log', 'full');
  upstream.searchParams.set('table', table);
  upstream.searchParams.set('columns', SYNCED[table].columns.map((c) => `"${c}"`).join(','));
  // Whole rows on updates: the device applies each row with last-write-wins, never a fragment.
  upstream.searchParams.set('replica', 'full');
  const filter = shapeFilter(table, session);
  if (filter) {
    upstream.searchParams.set('where', filter.where);
    filter.params.forEach((value, i) => {
      upstream.searchParams.set(`params[${i + 1}]`, value);
    });
  }
  if (electricSecret) upstream.searchParams.set('secret', electricSecret);
  return upstream;
}

function requestQuery(request: FastifyRequest): URLSearchParams {
  const raw = request.raw.url ?? '';
  const at = raw.indexOf('?');
  return new URLSearchParams(at === -1 ? '' : raw.slice(at + 1));
}

/** The push endpoint (the write path) and the shape proxy (the read path). */
export function registerSyncRoutes(app: FastifyInstance, sync: SyncContext | null): void {
  const need = (): SyncContext => {
    if (!sync) {
      throw new HttpError(503, 'unavailable', 'Sync mode is not configured on this server.');
    }
    return sync;
  };

  // A batch may carry several large query texts: more room than the other routes, and so the
  // session is checked before the body is read (onRequest): no one else gets to send 64 MiB.
  const pushSessions = new WeakMap<FastifyRequest, Session>();
  app.post(
    '/api/sync/push',
    {
      bodyLimit: MAX_PUSH_BYTES,
      onRequest: async (request) => {
        pushSessions.set(request, await requireSession(need(), request));
      },
    },
    async (request, reply) => {
      const ctx = need();
      const session = pushSessions.get(request) ?? (await requireSession(ctx, request));
      const input = parseBody(reply, pushRequest, request.body);
      if (!input) return reply;
      const results = await transaction(ctx.pool, (client) =>
        applyMutations(client, session, input.mutations, ctx.clock),
      );
      const response: PushResponse = { results, serverTime: Date.now() };
      return response;
    },
  );

  app.get('/api/sync/shape', async (request, reply) => {
    const ctx = need();
    const session = await requireSession(ctx, request);
    if (!ctx.options.electricUrl) {
      throw new HttpError(503, 'unavailable', 'The sync service (Electric) is not configured.');
    }
    const upstream = upstreamShapeUrl(
      ctx.options.electricUrl,
      ctx.options.electricSecret,
      requestQuery(request),
      session,
    );
    // A long poll ends with the browser's connection: stop waiting on Electric too. (The
    // response's `close`: the request's fires once its body is read, for a GET at once.)
    const abort = new AbortController();
    reply.raw.on('close', () => abort.abort());
    let response: Response;
    try {
      response = await fetch(upstream, { signal: abort.signal });
    } catch (error) {
      // The browser went away: nobody reads the answer, but the request must still end.
      if (abort.signal.aborted) return reply.code(499).send();
      request.log.warn({ err: error }, 'electric unreachable');
      throw new HttpError(502, 'unavailable', 'The sync service (Electric) cannot be reached.');
    }
    if (response.status === 401 || response.status === 403) {
      // Electric refused *our* secret: not the user's session, so not a 401 for the browser.
      request.log.error({ status: response.status }, 'electric refused the shape request');
      throw new HttpError(502, 'unavailable', 'The sync service (Electric) refused this server.');
    }
    reply.code(response.status);
    for (const name of PASSED_HEADERS) {
      const value = response.headers.get(name);
      if (value !== null) reply.header(name, value);
    }
    // Per-user data: no shared cache may keep it (the API's no-store applies as well).
    reply.header('vary', 'cookie');
    // The server's clock as it answers: a device whose clock changed notices before applying.
    reply.header(SERVER_TIME_HEADER, String(Date.now()));
    if (!response.body) return reply.send();
    // fetch() already decoded the body: content-encoding and content-length are not passed on.
    return reply.send(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>));
  });
}
