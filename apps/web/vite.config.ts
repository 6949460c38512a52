import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [react()],
  // PGlite finds its wasm and data files next to its own module: pre-bundling would move it away
  // from them, so it is left as is and its assets are emitted by the build.
  optimizeDeps: { exclude: ['@electric-sql/pglite'] },
  // The demo database and the platform storage each run PGlite in a module worker.
  worker: { format: 'es' },
  build: { target: 'es2022' },
});
