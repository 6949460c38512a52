import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type PluginOption } from 'vite';

/**
 * Builds the page whose `index.html` is in `root` for production, as the studio would be, into
 * a temporary folder, and returns that folder. PGlite's wasm and extension bundles are emitted
 * as assets, exactly as they will be in the real app. `plugins` go into the page's and its
 * workers' bundles (a page using platform storage passes `prebuiltDatabasePlugin()`).
 */
export async function buildPage(
  root: string,
  { plugins = () => [] }: { plugins?: () => PluginOption[] } = {},
): Promise<string> {
  const outDir = await mkdtemp(join(tmpdir(), 'page-'));
  await build({
    root,
    logLevel: 'silent',
    configFile: false,
    plugins: plugins(),
    worker: { format: 'es', plugins },
    build: { outDir, emptyOutDir: true, target: 'es2022', minify: false },
    optimizeDeps: { exclude: ['@electric-sql/pglite'] },
  });
  return outDir;
}
