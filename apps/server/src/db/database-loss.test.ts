// The server survives the loss of its platform database (issue 11): Postgres killed with SIGKILL
// while pushes, logins and admin calls wait inside their statements, a backend terminated under
// a push, a Postgres that stops answering. The server runs as its own process (src/main.ts), on
// a PostgreSQL of this file's own, since the specs kill it.
import { randomUUID } from 'node:crypto';
import { encodeHlc } from '@platform/sync/protocol';
import {
  createDatabase,
  type RestartablePostgres,
  startRestartablePostgres,
  type TestDatabase,
} from '@platform/testing/postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TEST_JWT_SECRET } from '../test-support.ts';
import { openPool, transaction } from './database.ts';
import { DATABASE_UNAVAILABLE, isDatabaseUnavailable } from './database-unavailable.ts';
import { type ServerAnswer, type ServerProcess, spawnServer } from './server-process.ts';

const PASSWORD = 'a long test password';
// Conditions are polled, never slept for; these only bound how long a broken server may take.
const WAIT = { timeout: 30_000, interval: 25 };

let postgres: RestartablePostgres;
let database: TestDatabase;
/** The spec's own view of the database; its idle connections die with each crash. */
let sql: pg.Pool;
let server: ServerProcess;
let admin: string;

beforeAll(async () => {
  postgres = await startRestartablePostgres();
  database = await createDatabase(postgres.url, 'loss');
  sql = new pg.Pool({ connectionString: database.url });
  sql.on('error', () => {});
  server = await spawnServer({
    DATABASE_URL: database.url,
    JWT_SECRET: TEST_JWT_SECRET,
    MIGRATE_ON_START: '1',
    WEB_ROOT: '/nonexistent/web-root',
    LOG_LEVEL: 'info',
  });
  const setup = await server.request('POST', '/api/auth/setup', {
    body: { username: 'root', password: PASSWORD },
  });
  expect(setup.status).toBe(201);
  admin = setup.cookie as string;
}, 180_000);

afterAll(async () => {
  await server?.stop();
  // Whatever a failed spec left behind: a frozen or a crashed Postgres.
  await postgres?.thaw();
  if (postgres && !postgres.running) await postgres.restart();
  await sql?.end();
  await database?.drop();
  await postgres?.stop();
}, 120_000);

async function newAccount(username: string, role = 'user') {
  const made = await server.request('POST', '/api/accounts', {
    cookie: admin,
    body: { username, password: PASSWORD, role },
  });
  expect(made.status).toBe(201);
  return made.body?.account?.id as string;
}

async function login(username: string) {
  const answer = await server.request('POST', '/api/auth/login', {
    body: { username, password: PASSWORD },
  });
  expect(answer.status).toBe(200);
  return answer.cookie as string;
}

/** A connection of the spec holding a lock in an open transaction, so a request waits on it. */
async function holdLock(lock: string, params: unknown[] = []) {
  const client = new pg.Client({ connectionString: database.url });
  // It dies with Postgres, as the server's connections do.
  client.on('error', () => {});
  await client.connect();
  await client.query('begin');
  await client.query(lock, params);
  const { rows } = await client.query<{ pid: number }>('select pg_backend_pid() as pid');
  return { pid: rows[0]?.pid as number, release: () => client.end().catch(() => {}) };
}

/** The backend of the request that waits for the lock `holder` holds, once it waits. */
function waitingBehind(holder: number): Promise<number> {
  return vi.waitFor(async () => {
    const { rows } = await sql.query<{ pid: number }>(
      'select pid from pg_stat_activity where $1 = any(pg_blocking_pids(pid))',
      [holder],
    );
    if (!rows[0]) throw new Error('no request waits for the lock yet');
    return rows[0].pid;
  }, WAIT);
}

/**
 * Sends a request that waits on `lock` (inside its transaction), kills Postgres while it waits,
 * and returns its answer. Postgres stays down.
 */
async function crashDuring(
  lock: string,
  params: unknown[],
  send: () => Promise<ServerAnswer>,
): Promise<ServerAnswer> {
  const holder = await holdLock(lock, params);
  const answer = send();
  await waitingBehind(holder.pid);
  await postgres.crash();
  const answered = await answer;
  await holder.release();
  return answered;
}

/** Starts Postgres again; the same server process must then serve, having reconnected. */
async function restartPostgres() {
  await postgres.restart();
  await vi.waitFor(async () => {
    expect((await server.request('GET', '/api/sync/status')).status).toBe(200);
  }, WAIT);
}

function expectUnavailable(answer: ServerAnswer) {
  expect(answer.status).toBe(503);
  expect(answer.body?.error).toMatchObject({ kind: 'unavailable', reason: DATABASE_UNAVAILABLE });
  expect(answer.body?.error?.message).toMatch(/database is unavailable.*try again/);
}

/** The process still runs, and it logged the outage as warnings with the reason, never as errors. */
function expectAliveAndCalm() {
  expect(server.exit()).toBeNull();
  expect(server.logs.filter((line) => line.level >= 50)).toEqual([]);
  expect(
    server.logs.some((line) => line.level === 40 && line.reason === DATABASE_UNAVAILABLE),
  ).toBe(true);
}

function savedQuery(userId: string, name: string) {
  const now = new Date().toISOString();
  const hlc = encodeHlc({ physical: Date.now(), counter: 0, node: 'dddddddddddddddd' });
  const row = {
    id: randomUUID(),
    user_id: userId,
    name,
    description: null,
    query: `select '${name}'`,
    connection_type: 'postgres',
    tags: [],
    created_at: now,
    position: 1,
    extra: null,
    updated_at: now,
    deleted_at: null,
    hlc,
  };
  return { id: randomUUID(), table: 'saved_queries', op: 'upsert', rowId: row.id, hlc, row };
}

async function countWhereIdIn(table: 'saved_queries' | 'sync_mutations', ids: string[]) {
  const { rows } = await sql.query<{ n: number }>(
    `select count(*)::int as n from ${table} where id = any($1)`,
    [ids],
  );
  return rows[0]?.n;
}

/** The batch was applied exactly once: each row and each mutation record once, whatever the retries. */
async function expectAppliedOnce(mutations: ReturnType<typeof savedQuery>[]) {
  expect(
    await countWhereIdIn(
      'saved_queries',
      mutations.map((m) => m.rowId),
    ),
  ).toBe(mutations.length);
  expect(
    await countWhereIdIn(
      'sync_mutations',
      mutations.map((m) => m.id),
    ),
  ).toBe(mutations.length);
}

// The push records its mutations last, in the same transaction as the rows: a lock on that
// table makes it wait after writing every row and before committing.
const AT_PUSH_RECORD = 'lock table sync_mutations in exclusive mode';

describe('the server process, when Postgres is killed', () => {
  it('fails a push caught inside its transaction with a 503, stays up, and after the restart applies the retried push exactly once', async () => {
    const userId = await newAccount('ada');
    const cookie = await login('ada');
    const mutations = [
      savedQuery(userId, 'one'),
      savedQuery(userId, 'two'),
      savedQuery(userId, 'three'),
    ];
    const push = () => server.request('POST', '/api/sync/push', { cookie, body: { mutations } });

    expectUnavailable(await crashDuring(AT_PUSH_RECORD, [], push));

    // While it is down: every route that needs the database says so, nothing hangs or fails.
    const status = await server.request('GET', '/api/sync/status');
    expectUnavailable(status);
    expectUnavailable(await push());
    expectUnavailable(
      await server.request('POST', '/api/auth/login', {
        body: { username: 'ada', password: PASSWORD },
      }),
    );
    expect(server.exit()).toBeNull();

    await restartPostgres();
    expect(
      await countWhereIdIn(
        'saved_queries',
        mutations.map((m) => m.rowId),
      ),
    ).toBe(0);
    const retried = await push();
    expect(retried.status).toBe(200);
    expect(retried.body?.results?.map((r) => r.status)).toEqual(['applied', 'applied', 'applied']);
    const again = await push();
    expect(again.body?.results?.map((r) => r.status)).toEqual(['applied', 'applied', 'applied']);
    await expectAppliedOnce(mutations);
    expectAliveAndCalm();
  });

  it('fails a login caught waiting on the password table with a 503, and logs in again after the restart', async () => {
    await newAccount('bea');
    const answer = await crashDuring(
      'lock table platform_user_passwords in access exclusive mode',
      [],
      () =>
        server.request('POST', '/api/auth/login', {
          body: { username: 'bea', password: PASSWORD },
        }),
    );
    expectUnavailable(answer);
    expect(answer.cookie).toBeNull();

    await restartPostgres();
    const cookie = await login('bea');
    const me = await server.request('GET', '/api/auth/me', { cookie });
    expect(me.status).toBe(200);
    expect(me.body?.user?.username).toBe('bea');
    expectAliveAndCalm();
  });

  it('fails an account creation caught inside its transaction with a 503, leaving no half account; the retry makes it once', async () => {
    const create = () =>
      server.request('POST', '/api/accounts', {
        cookie: admin,
        body: { username: 'carol', password: PASSWORD, role: 'user' },
      });
    // The user row is written, the password row waits: the crash comes between the two.
    const answer = await crashDuring(
      'lock table platform_user_passwords in exclusive mode',
      [],
      create,
    );
    expectUnavailable(answer);

    await restartPostgres();
    const carol = () => sql.query("select id from platform_users where lower(username) = 'carol'");
    expect((await carol()).rows).toHaveLength(0);
    expect((await create()).status).toBe(201);
    expect((await create()).status).toBe(409);
    expect((await carol()).rows).toHaveLength(1);
    await login('carol');
    expectAliveAndCalm();
  });

  it('fails an account change caught inside its transaction with a 503, changing nothing; the retry changes it', async () => {
    const id = await newAccount('dora');
    const patch = () =>
      server.request('PATCH', `/api/accounts/${id}`, {
        cookie: admin,
        body: { email: 'dora@example.com' },
      });
    const answer = await crashDuring(
      'select 1 from platform_users where id = $1 for update',
      [id],
      patch,
    );
    expectUnavailable(answer);

    await restartPostgres();
    const email = async () =>
      (await sql.query('select email from platform_users where id = $1', [id])).rows[0]?.email;
    expect(await email()).toBeNull();
    const retried = await patch();
    expect(retried.status).toBe(200);
    expect(await email()).toBe('dora@example.com');
    expectAliveAndCalm();
  });

  it('fails an account deletion caught inside its transaction with a 503, deleting nothing; the retry deletes it', async () => {
    const id = await newAccount('eli');
    const remove = () => server.request('DELETE', `/api/accounts/${id}`, { cookie: admin });
    const answer = await crashDuring(
      'select 1 from platform_users where id = $1 for update',
      [id],
      remove,
    );
    expectUnavailable(answer);

    await restartPostgres();
    const eli = () => sql.query('select 1 from platform_users where id = $1', [id]);
    expect((await eli()).rows).toHaveLength(1);
    expect((await remove()).status).toBe(204);
    expect((await eli()).rows).toHaveLength(0);
    expectAliveAndCalm();
  });
});

describe('the server process, when a backend is terminated', () => {
  it('fails the push whose backend pg_terminate_backend ends with a 503, and serves the retry at once, applied exactly once', async () => {
    const userId = await newAccount('finn');
    const cookie = await login('finn');
    const mutations = [savedQuery(userId, 'one'), savedQuery(userId, 'two')];
    const push = () => server.request('POST', '/api/sync/push', { cookie, body: { mutations } });

    const holder = await holdLock(AT_PUSH_RECORD);
    const answer = push();
    const backend = await waitingBehind(holder.pid);
    await sql.query('select pg_terminate_backend($1)', [backend]);
    expectUnavailable(await answer);
    await holder.release();

    // Postgres never went away: the server's other connections serve the very next request.
    const retried = await push();
    expect(retried.status).toBe(200);
    expect(retried.body?.results?.map((r) => r.status)).toEqual(['applied', 'applied']);
    await expectAppliedOnce(mutations);
    expectAliveAndCalm();
  });
});

describe('a pool on a Postgres that stops answering', () => {
  it('fails transactions and queries after its timeouts instead of hanging, and serves again once Postgres answers', async () => {
    const pool = openPool(database.url, { connectTimeoutMs: 1_000, queryTimeoutMs: 2_000 });
    try {
      await pool.query('select 1');
      await postgres.freeze();
      try {
        // An idle connection: its query is sent, and nothing comes back.
        const stuck = await transaction(pool, (client) => client.query('select 1')).catch(
          (error: unknown) => error,
        );
        expect(isDatabaseUnavailable(stuck)).toBe(true);
        // A new connection: the kernel accepts it, Postgres never answers the startup.
        const unanswered = await pool.query('select 1').catch((error: unknown) => error);
        expect(isDatabaseUnavailable(unanswered)).toBe(true);
      } finally {
        await postgres.thaw();
      }
      await vi.waitFor(() => pool.query('select 1'), WAIT);
      expect((await transaction(pool, (client) => client.query('select 2 as n'))).rows).toEqual([
        { n: 2 },
      ]);
    } finally {
      await pool.end();
    }
  });
});
