import { defineProject } from 'vitest/config';

export default defineProject({
  test: {
    name: 'testing',
    // A real PostgreSQL server behind the Electric test double: inject('postgresUrl').
    globalSetup: ['./src/postgres-global-setup.ts'],
    testTimeout: 60_000,
  },
});
