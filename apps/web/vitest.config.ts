import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'web',
    // A real PostgreSQL server for the end-to-end specs' connections: inject('postgresUrl').
    globalSetup: ['@platform/testing/postgres-global-setup'],
    // PGlite takes seconds to start here; the Chromium tests build the app and open OPFS.
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
