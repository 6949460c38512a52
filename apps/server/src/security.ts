import type { AddressInfo } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendError } from './http-errors.ts';

export interface SecurityOptions {
  /** 0 means "whatever port the server ends up listening on". */
  port: number;
  /** Extra origins (scheme://host[:port]) allowed to call the API, e.g. behind a proxy. */
  allowedOrigins?: string[];
  /** Extra Host header values accepted; the hosts of `allowedOrigins` are accepted already. */
  allowedHosts?: string[];
}

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/**
 * The server holds nothing, but it will connect anywhere with credentials a page sends it, so
 * only the studio's own page may talk to it:
 * - `Host` must name this server (a DNS-rebinding page reaches us under its own host name);
 * - an `Origin` on an API request must be ours (another site's fetch carries its origin);
 * - API POSTs must be `application/json`, which a cross-site form or "simple" fetch cannot send
 *   without a CORS preflight, and we answer no preflight.
 * Checked before the body is parsed, so a refused request costs nothing.
 */
export function registerSecurity(app: FastifyInstance, options: SecurityOptions): void {
  const configuredOrigins = (options.allowedOrigins ?? []).map(normalizeOrigin);
  const configuredHosts = [
    ...(options.allowedHosts ?? []).map((host) => host.toLowerCase()),
    ...configuredOrigins.map((origin) => new URL(origin).host),
  ];

  const allowed = () => {
    const port = options.port || (app.server.address() as AddressInfo | null)?.port || 0;
    const hosts = LOOPBACK_NAMES.flatMap((name) =>
      port === 80 ? [name, `${name}:80`] : [`${name}:${port}`],
    );
    return {
      hosts: new Set([...hosts, ...configuredHosts]),
      origins: new Set([...hosts.map((host) => `http://${host}`), ...configuredOrigins]),
    };
  };

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const { hosts, origins } = allowed();
    const host = request.headers.host?.toLowerCase();
    if (!host || !hosts.has(host)) {
      // 421 Misdirected Request: this server does not answer for that name.
      return sendError(reply, 421, {
        error: { kind: 'forbidden', message: `host ${JSON.stringify(host ?? '')} is not allowed` },
      });
    }
    // The matched route too: the router decodes `/%61pi/query` to `/api/query`, the raw URL does
    // not. Any non-GET is treated as an API call, whatever its path.
    const readOnlyMethod = request.method === 'GET' || request.method === 'HEAD';
    const api = isApi(request.url) || isApi(request.routeOptions.url ?? '') || !readOnlyMethod;
    if (!api) return;
    const origin = request.headers.origin;
    if (origin !== undefined && !origins.has(origin.toLowerCase())) {
      return sendError(reply, 403, {
        error: { kind: 'forbidden', message: `origin ${JSON.stringify(origin)} is not allowed` },
      });
    }
    if (!readOnlyMethod && !isJson(request.headers['content-type'])) {
      return sendError(reply, 415, {
        error: { kind: 'request', message: 'the API only accepts Content-Type: application/json' },
      });
    }
  });

  // Only JSON bodies are parsed at all; Fastify would otherwise parse text/plain as well.
  app.removeContentTypeParser('text/plain');

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    // Nothing of the studio may be framed: a framed studio could be clickjacked into running SQL.
    reply.header('x-frame-options', 'DENY');
    reply.header('content-security-policy', "frame-ancestors 'none'");
    if (isApi(request.url) || isApi(request.routeOptions.url ?? '')) {
      reply.header('cache-control', 'no-store');
    }
  });
}

export function isApi(url: string): boolean {
  return url === '/api' || url.startsWith('/api/') || url.startsWith('/api?');
}

function isJson(contentType: string | undefined): boolean {
  return contentType?.split(';')[0]?.trim().toLowerCase() === 'application/json';
}

function normalizeOrigin(origin: string): string {
  const url = new URL(origin);
  return url.origin.toLowerCase();
}
