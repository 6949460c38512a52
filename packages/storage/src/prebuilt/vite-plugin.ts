/**
 * A Vite plugin that ships the prebuilt database with the app: the bytes are emitted as a hashed
 * asset (served from memory by the dev server) and the worker gets only its URL, through the
 * module `virtual:platform-prebuilt-database`. The database is fetched on a first visit only,
 * never part of the initial JavaScript.
 *
 * Add it to `plugins` and to `worker.plugins`: the storage worker is the module that imports it.
 */
import type { Plugin } from 'vite';
import { prebuiltDatabase } from './cache.ts';

const MODULE_ID = 'virtual:platform-prebuilt-database';
const RESOLVED_ID = `\0${MODULE_ID}`;
const DEV_PATH = '/@platform-prebuilt-database/';

export function prebuiltDatabasePlugin(): Plugin {
  let serving = false;
  return {
    name: 'platform-prebuilt-database',
    configResolved(config) {
      serving = config.command === 'serve';
    },
    resolveId(id) {
      return id === MODULE_ID ? RESOLVED_ID : null;
    },
    async load(id) {
      if (id !== RESOLVED_ID) return null;
      const { key, bytes } = await prebuiltDatabase();
      if (serving) {
        return `export const prebuiltDatabaseUrl = ${JSON.stringify(`${DEV_PATH}${key}.tar.gz`)};\nexport const prebuiltDatabaseKey = ${JSON.stringify(key)};\n`;
      }
      const ref = this.emitFile({
        type: 'asset',
        name: 'platform-database.tgz',
        source: bytes,
      });
      return `export const prebuiltDatabaseUrl = new URL(import.meta.ROLLUP_FILE_URL_${ref}, import.meta.url).href;\nexport const prebuiltDatabaseKey = ${JSON.stringify(key)};\n`;
    },
    configureServer(server) {
      server.middlewares.use(DEV_PATH, (_request, response, next) => {
        prebuiltDatabase().then(({ bytes }) => {
          response.setHeader('Content-Type', 'application/octet-stream');
          response.setHeader('Cache-Control', 'no-cache');
          response.end(bytes);
        }, next);
      });
    },
  };
}
