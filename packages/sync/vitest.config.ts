import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'sync',
    // PGlite replicas take seconds to start on these machines.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
