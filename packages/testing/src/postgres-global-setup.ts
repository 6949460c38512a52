import type { TestProject } from 'vitest/node';
import { startPostgres } from './postgres.ts';

/** Vitest global setup: one PostgreSQL server for the whole run of a project. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startPostgres();
  project.provide('postgresUrl', server.url);
  return () => server.stop();
}
