import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'schema',
    globalSetup: ['@platform/testing/postgres-global-setup'],
    // drizzle-kit runs as a child process and PGlite takes seconds to start.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
