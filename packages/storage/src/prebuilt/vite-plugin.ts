/**
 * Vite plugins that ship a prebuilt data directory with the app: the bytes are emitted as a
 * hashed asset (served from memory by the dev server) and the worker gets only its URL, through
 * a virtual module. The directory is fetched when a database is created, never part of the
 * initial JavaScript.
 *
 * Add a plugin to `plugins` and to `worker.plugins`: the worker is the module that imports it.
 */
import type { Plugin } from 'vite';
import { cachedDataDirectory, type DataDirectoryRecipe, platformDatabaseRecipe } from './cache.ts';

export interface DataDirectoryPluginOptions {
  /** The virtual module's id; it exports `url`, `key` and `files`. */
  readonly moduleId: string;
  /** The emitted asset's name, before Vite's hash. */
  readonly assetName: string;
  readonly recipe: DataDirectoryRecipe;
}

/** Serves `recipe`'s data directory at the URL the module `moduleId` exports. */
export function dataDirectoryPlugin({
  moduleId,
  assetName,
  recipe,
}: DataDirectoryPluginOptions): Plugin {
  const resolvedId = `\0${moduleId}`;
  const devPath = `/@data-directory/${recipe.name}/`;
  let serving = false;
  return {
    name: `data-directory:${recipe.name}`,
    configResolved(config) {
      serving = config.command === 'serve';
    },
    resolveId(id) {
      return id === moduleId ? resolvedId : null;
    },
    async load(id) {
      if (id !== resolvedId) return null;
      const { key, bytes, files } = await cachedDataDirectory(recipe);
      const keyLine = `export const key = ${JSON.stringify(key)};\nexport const files = ${files};\n`;
      if (serving) {
        return `export const url = ${JSON.stringify(`${devPath}${key}.tar.gz`)};\n${keyLine}`;
      }
      const ref = this.emitFile({ type: 'asset', name: assetName, source: bytes });
      return `export const url = new URL(import.meta.ROLLUP_FILE_URL_${ref}, import.meta.url).href;\n${keyLine}`;
    },
    configureServer(server) {
      server.middlewares.use(devPath, (_request, response, next) => {
        cachedDataDirectory(recipe).then(({ bytes }) => {
          response.setHeader('Content-Type', 'application/octet-stream');
          response.setHeader('Cache-Control', 'no-cache');
          response.end(bytes);
        }, next);
      });
    },
  };
}

/** The prebuilt platform database, for the storage worker (`virtual:platform-prebuilt-database`). */
export function prebuiltDatabasePlugin(): Plugin {
  return dataDirectoryPlugin({
    moduleId: 'virtual:platform-prebuilt-database',
    assetName: 'platform-database.tgz',
    recipe: platformDatabaseRecipe,
  });
}
