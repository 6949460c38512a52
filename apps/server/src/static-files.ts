import { existsSync } from 'node:fs';
import { join, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { isApi } from './security.ts';

/**
 * Serves the built web app. Vite fingerprints everything under `/assets`, so those files can be
 * cached for a year; `index.html` names the current fingerprints and must be revalidated every
 * time. The directory is looked up per request, so building the app while the server runs works.
 */
export async function registerStaticFiles(app: FastifyInstance, webRoot: string): Promise<void> {
  const assets = join(webRoot, 'assets') + sep;
  await app.register(fastifyStatic, {
    root: webRoot,
    // Missing until the web app is built: the app answers 503 and main.ts says why at startup.
    suppressWarning: true,
    dotfiles: 'ignore',
    cacheControl: false,
    setHeaders(reply, path) {
      reply.header(
        'cache-control',
        path.startsWith(assets) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
}

/** The answer for GET paths no file matched: client-side routes get index.html. */
export function isSpaRoute(url: string): boolean {
  const path = url.split('?')[0] ?? url;
  return !isApi(path) && !path.startsWith('/assets/');
}

export function hasIndex(webRoot: string): boolean {
  return existsSync(join(webRoot, 'index.html'));
}
