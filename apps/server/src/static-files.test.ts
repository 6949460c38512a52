import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PORT, testServer } from './test-support.ts';

const INDEX = '<!doctype html><title>studio</title><script src="/assets/app-1a2b3c.js"></script>';
const SCRIPT = 'console.log("studio");';
const host = `127.0.0.1:${PORT}`;

let webRoot: string;
let app: FastifyInstance;

beforeAll(async () => {
  webRoot = await mkdtemp(join(tmpdir(), 'server-web-'));
  await mkdir(join(webRoot, 'assets'));
  await writeFile(join(webRoot, 'index.html'), INDEX);
  await writeFile(join(webRoot, 'assets', 'app-1a2b3c.js'), SCRIPT);
  await writeFile(join(webRoot, 'favicon.svg'), '<svg/>');
  app = await testServer({ webRoot });
});

afterAll(async () => {
  await app?.close();
  await rm(webRoot, { recursive: true, force: true });
});

const get = (url: string) => app.inject({ method: 'GET', url, headers: { host } });

describe('serving the built web app', () => {
  it('serves index.html at / with no-cache and the security headers', async () => {
    const response = await get('/');
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe(INDEX);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.headers).toMatchObject({
      'cache-control': 'no-cache',
      'x-frame-options': 'DENY',
      'content-security-policy': "frame-ancestors 'none'",
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    });
  });

  it('serves hashed assets as immutable for a year', async () => {
    const response = await get('/assets/app-1a2b3c.js');
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe(SCRIPT);
    expect(response.headers['content-type']).toMatch(/javascript/);
    expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('serves other root files, revalidated', async () => {
    const response = await get('/favicon.svg');
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('no-cache');
  });

  it('answers client-side routes with index.html (SPA fallback)', async () => {
    for (const url of ['/history', '/queries/42?tab=results', '/a/b/c']) {
      const response = await get(url);
      expect(response.statusCode, url).toBe(200);
      expect(response.body).toBe(INDEX);
      expect(response.headers['cache-control']).toBe('no-cache');
    }
  });

  it('answers a missing asset with 404, not with index.html', async () => {
    const response = await get('/assets/gone-000000.js');
    expect(response.statusCode).toBe(404);
    expect(response.body).not.toContain('<title>studio</title>');
  });

  it('does not serve files outside the web root', async () => {
    for (const url of ['/..%2f..%2f..%2fetc%2fpasswd', '/assets/..%2f..%2f..%2fetc%2fpasswd']) {
      const response = await get(url);
      expect(response.body, url).not.toContain('root:');
      // Refused, or taken for a client-side route: never the file.
      if (response.statusCode === 200) expect(response.body, url).toBe(INDEX);
      else expect([403, 404], url).toContain(response.statusCode);
    }
  });
});

describe('when the web app is not built', () => {
  it('answers / and client routes with a 503 that says what to do', async () => {
    const missing = await testServer({ webRoot: join(webRoot, 'not-built') });
    try {
      for (const url of ['/', '/history']) {
        const response = await missing.inject({ method: 'GET', url, headers: { host } });
        expect(response.statusCode, url).toBe(503);
        expect(response.headers['content-type']).toMatch(/^text\/plain/);
        expect(response.body).toContain('index.html is missing');
      }
    } finally {
      await missing.close();
    }
  });
});
