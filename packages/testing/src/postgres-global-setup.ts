import type { TestProject } from 'vitest/node';
import { startPostgres } from './postgres.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of the real PostgreSQL server shared by one test run; make a database per file. */
    postgresUrl: string;
  }
}

/** Vitest global setup: one PostgreSQL server for the whole run of a project. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startPostgres();
  project.provide('postgresUrl', server.url);
  return () => server.stop();
}
