import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from './app.ts';
import { ORIGIN, PORT, testServer } from './test-support.ts';

// None of these requests reaches a database: they are refused before the body is read.
const body = JSON.stringify({ connection: { host: '127.0.0.1', port: 1 }, sql: 'select 1' });

let app: FastifyInstance;

beforeAll(async () => {
  app = await testServer({ allowedOrigins: ['https://studio.example.com'] });
});

afterAll(() => app?.close());

function post(headers: Record<string, string>) {
  return app.inject({ method: 'POST', url: '/api/query', headers, payload: body });
}

const json = { 'content-type': 'application/json' };

describe('Host header (DNS rebinding)', () => {
  it.each([
    `127.0.0.1:${PORT}`,
    `localhost:${PORT}`,
    `[::1]:${PORT}`,
    `LOCALHOST:${PORT}`,
    'studio.example.com',
  ])('accepts %s', async (host) => {
    const response = await post({ ...json, host });
    // Passed the checks: the (unreachable) database answers.
    expect(response.statusCode).toBe(502);
  });

  it.each(['evil.example.com', `evil.example.com:${PORT}`, '127.0.0.1:9999', 'localhost'])(
    'refuses %s with 421, on the API and on pages',
    async (host) => {
      expect((await post({ ...json, host })).statusCode).toBe(421);
      const page = await app.inject({ method: 'GET', url: '/', headers: { host } });
      expect(page.statusCode).toBe(421);
      expect(page.json().error.kind).toBe('forbidden');
    },
  );
});

describe('Origin header', () => {
  const host = `127.0.0.1:${PORT}`;

  it.each([ORIGIN, `http://localhost:${PORT}`, 'https://studio.example.com'])(
    'accepts %s',
    async (origin) => {
      expect((await post({ ...json, host, origin })).statusCode).toBe(502);
    },
  );

  it('accepts a request without Origin (curl, same-origin GET)', async () => {
    expect((await post({ ...json, host })).statusCode).toBe(502);
  });

  it.each([
    'https://evil.example.com',
    `http://127.0.0.1:${PORT + 1}`,
    `https://localhost:${PORT}`,
    'null',
  ])('refuses %s with 403', async (origin) => {
    const response = await post({ ...json, host, origin });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.kind).toBe('forbidden');
  });
});

describe('paths the router decodes', () => {
  it('applies the API checks to /%61pi/query, which routes to /api/query', async () => {
    const host = `127.0.0.1:${PORT}`;
    const response = await app.inject({
      method: 'POST',
      url: '/%61pi/query',
      headers: { host, origin: 'https://evil.example.com', ...json },
      payload: body,
    });
    expect(response.statusCode).toBe(403);
    const plain = await app.inject({
      method: 'POST',
      url: '/%61pi/query',
      headers: { host, 'content-type': 'text/plain' },
      payload: body,
    });
    expect(plain.statusCode).toBe(415);
  });

  it('checks POSTs to any path, not only /api', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/somewhere',
      headers: { host: `127.0.0.1:${PORT}`, origin: 'https://evil.example.com', ...json },
      payload: body,
    });
    expect(response.statusCode).toBe(403);
  });
});

describe('Content-Type', () => {
  const headers = { host: `127.0.0.1:${PORT}`, origin: ORIGIN };

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'])(
    'refuses %s (what a cross-site form or simple fetch can send) with 415',
    async (type) => {
      const response = await post({ ...headers, 'content-type': type });
      expect(response.statusCode).toBe(415);
    },
  );

  it('accepts application/json with a charset', async () => {
    const response = await post({ ...headers, 'content-type': 'application/json; charset=utf-8' });
    expect(response.statusCode).toBe(502);
  });
});

describe('limits and headers', () => {
  it('refuses a body over the limit with 413', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/query',
      headers: { host: `127.0.0.1:${PORT}`, ...json },
      payload: JSON.stringify({ connection: { host: 'x' }, sql: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(response.statusCode).toBe(413);
    expect(response.json().error.kind).toBe('request');
  });

  it('answers unknown API routes with a JSON 404 that is never cached', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/api/nothing',
      headers: { host: `127.0.0.1:${PORT}` },
    });
    expect(response.statusCode).toBe(404);
    expect(response.json().error.kind).toBe('request');
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('forbids framing and sniffing, and sends no referrer', async () => {
    const response = await post({ ...json, host: `127.0.0.1:${PORT}` });
    expect(response.headers).toMatchObject({
      'x-frame-options': 'DENY',
      'content-security-policy': "frame-ancestors 'none'",
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    });
  });
});

describe('listening on port 0', () => {
  it('accepts its real port and refuses a foreign origin over real HTTP', async () => {
    const server = await buildServer({ port: 0, webRoot: '/nonexistent/web-root' });
    try {
      await server.listen({ host: '127.0.0.1', port: 0 });
      const { port } = server.server.address() as AddressInfo;
      const url = `http://127.0.0.1:${port}/api/connections/test`;
      const payload = JSON.stringify({ connection: { host: '127.0.0.1', port: 1 } });

      const own = await fetch(url, {
        method: 'POST',
        headers: { ...json, origin: `http://127.0.0.1:${port}` },
        body: payload,
      });
      expect(own.status).toBe(502);
      expect(((await own.json()) as { error: { kind: string } }).error.kind).toBe('connection');

      const foreign = await fetch(url, {
        method: 'POST',
        headers: { ...json, origin: 'https://evil.example.com' },
        body: payload,
      });
      expect(foreign.status).toBe(403);
    } finally {
      await server.close();
    }
  });
});
