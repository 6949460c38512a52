import type { FastifyInstance } from 'fastify';
import { buildServer, type ServerOptions } from './app.ts';

/** The port the tests' servers pretend to listen on; `inject()` never opens it. */
export const PORT = 4310;
export const ORIGIN = `http://127.0.0.1:${PORT}`;

export function testServer(options: Partial<ServerOptions> = {}): Promise<FastifyInstance> {
  return buildServer({ port: PORT, webRoot: '/nonexistent/web-root', ...options });
}

/** A POST as the studio's own page sends it. */
export function postJson(app: FastifyInstance, url: string, body: unknown) {
  return app.inject({
    method: 'POST',
    url,
    headers: { host: `127.0.0.1:${PORT}`, origin: ORIGIN, 'content-type': 'application/json' },
    payload: JSON.stringify(body),
  });
}
