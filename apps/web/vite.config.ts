import { prebuiltDatabasePlugin } from '@platform/storage/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { demoDatabasePlugin } from './src/demo-db/prebuilt.ts';

export default defineConfig({
  // The storage worker imports the prebuilt platform database's URL, the demo worker the seeded
  // demo database's (each fetched when its database is created).
  plugins: [react(), prebuiltDatabasePlugin(), demoDatabasePlugin()],
  // PGlite finds its wasm and data files next to its own module: pre-bundling would move it away
  // from them, so it is left as is and its assets are emitted by the build.
  optimizeDeps: { exclude: ['@electric-sql/pglite'] },
  // The demo database and the platform storage each run PGlite in a module worker.
  worker: { format: 'es', plugins: () => [prebuiltDatabasePlugin(), demoDatabasePlugin()] },
  build: { target: 'es2022' },
});
