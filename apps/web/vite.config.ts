import { prebuiltDatabasePlugin } from '@platform/storage/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  // The storage worker imports the prebuilt platform database's URL (first visits load it).
  plugins: [react(), prebuiltDatabasePlugin()],
  // PGlite finds its wasm and data files next to its own module: pre-bundling would move it away
  // from them, so it is left as is and its assets are emitted by the build.
  optimizeDeps: { exclude: ['@electric-sql/pglite'] },
  // The demo database and the platform storage each run PGlite in a module worker.
  worker: { format: 'es', plugins: () => [prebuiltDatabasePlugin()] },
  build: { target: 'es2022' },
});
