import { defineConfig } from 'vitest/config';

// One run over every package, so `pnpm test` ends in a single summary.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*'],
    reporters: ['default', './scripts/summary-reporter.ts'],
  },
});
