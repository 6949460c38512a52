// One username rule on the server, on a real PostgreSQL: a name is taken under every spelling,
// stored as typed (normalised), found by any spelling, and old rows are keyed at start.
import { createDatabase, type TestDatabase } from '@platform/testing/postgres';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { hashPassword } from '../auth/passwords.ts';
import { type SyncTestServer, sessionCookie, syncTestServer } from '../test-support.ts';
import { canonicalUsername } from './username.ts';

let database: TestDatabase;
let sql: pg.Pool;
let server: SyncTestServer | null = null;

/** Spellings the rule makes `eve`: padded, cased, full-width, compatibility characters. */
const EVES = ['eve ', ' eve', 'EVE', 'Eve\u3000', 'ｅｖｅ', 'ＥＶＥ', '\u212fve'];

beforeAll(async () => {
  database = await createDatabase(inject('postgresUrl'), 'usernames');
  sql = new pg.Pool({ connectionString: database.url });
});

afterEach(async () => {
  await server?.close();
  server = null;
  await sql.query('delete from platform_users');
});

afterAll(async () => {
  await sql.end();
  await database.drop();
});

async function setup(username = 'root') {
  const response = await running().call('POST', '/api/auth/setup', {
    body: { username, password: 'root password 1' },
  });
  expect(response.statusCode).toBe(201);
  return { cookie: sessionCookie(response), user: response.json().user as { id: string } };
}

function running(): SyncTestServer {
  if (!server) throw new Error('no server');
  return server;
}

const create = (admin: string, username: string) =>
  running().call('POST', '/api/accounts', {
    cookie: admin,
    body: { username, password: 'some password 1', role: 'user' },
  });

describe('creating accounts', () => {
  beforeEach(async () => {
    server = await syncTestServer(database.url);
  });

  it('setup stores the name as typed, normalised, and any spelling of it logs in', async () => {
    const { user } = await setup('  Ｅve ');

    const { rows } = await sql.query('select username from platform_users where id = $1', [
      user.id,
    ]);
    expect(rows).toEqual([{ username: 'Eve' }]);
    for (const spelling of ['eve', ...EVES]) {
      const response = await running().call('POST', '/api/auth/login', {
        body: { username: spelling, password: 'root password 1' },
      });
      expect(response.statusCode, JSON.stringify(spelling)).toBe(200);
    }
  });

  it('refuses every other spelling of a taken name as taken, setup’s and the admin’s', async () => {
    const { cookie } = await setup('eve');

    for (const spelling of EVES) {
      const response = await create(cookie, spelling);
      expect(response.statusCode, JSON.stringify(spelling)).toBe(409);
      expect(response.json().error.kind).toBe('conflict');
    }
    const decomposed = await create(cookie, 'Jose\u0301');
    expect(decomposed.statusCode).toBe(201);
    expect((await create(cookie, 'JOSÉ')).statusCode).toBe(409);
    const { rows } = await sql.query('select username from platform_users');
    expect(rows.map((r) => r.username).sort()).toEqual(['José', 'eve']);
  });

  it('refuses a rename to another spelling of a taken name, and allows a change of case of one’s own', async () => {
    const { cookie } = await setup('eve');
    const bob = (await create(cookie, 'bob')).json().account as { id: string };

    const taken = await running().call('PATCH', `/api/accounts/${bob.id}`, {
      cookie,
      body: { username: 'EVE ' },
    });
    const recased = await running().call('PATCH', `/api/accounts/${bob.id}`, {
      cookie,
      body: { username: ' BOB' },
    });

    expect(taken.statusCode).toBe(409);
    expect(recased.statusCode).toBe(200);
    expect(recased.json().account.username).toBe('BOB');
    const login = await running().call('POST', '/api/auth/login', {
      body: { username: 'bob', password: 'some password 1' },
    });
    expect(login.statusCode).toBe(200);
  });

  it('frees a name when its account is renamed or deleted', async () => {
    const { cookie } = await setup('root');
    const eve = (await create(cookie, 'eve')).json().account as { id: string };
    await running().call('PATCH', `/api/accounts/${eve.id}`, {
      cookie,
      body: { username: 'eve.old' },
    });
    const second = (await create(cookie, 'EVE')).json().account as { id: string };
    await running().call('DELETE', `/api/accounts/${second.id}`, { cookie });

    expect((await create(cookie, 'Eve')).statusCode).toBe(201);
    const { rows } = await sql.query(
      'select username_key from platform_username_keys order by username_key',
    );
    expect(rows.map((r) => r.username_key)).toEqual(['eve', 'eve.old', 'root']);
  });

  it('refuses names with spaces or invisible characters, storing nothing', async () => {
    const { cookie } = await setup('root');

    for (const username of ['eve\u200b', 'e ve', '\u202eeve', 'eve\u0000', '@eve', '   ']) {
      const response = await create(cookie, username);
      expect(response.statusCode, JSON.stringify(username)).toBe(422);
      expect(response.json().error.kind).toBe('validation');
    }
    const { rows } = await sql.query('select count(*)::int as n from platform_users');
    expect(rows[0].n).toBe(1);
  });

  it('gives one of several simultaneous spellings the name, and the others 409', async () => {
    const { cookie } = await setup('root');

    const responses = await Promise.all(EVES.map((spelling) => create(cookie, spelling)));

    const statuses = responses.map((r) => r.statusCode).sort();
    expect(statuses).toEqual([201, ...EVES.slice(1).map(() => 409)]);
    const { rows } = await sql.query(
      `select count(*)::int as n from platform_username_keys where username_key = 'eve'`,
    );
    expect(rows[0].n).toBe(1);
  });
});

describe('accounts written before the rule', () => {
  async function insertUser(id: string, username: string, createdAt: string) {
    await sql.query(
      `insert into platform_users (id, username, platform_role, created_at)
       values ($1, $2, 'user', $3)`,
      [id, username, createdAt],
    );
    await sql.query(
      'insert into platform_user_passwords (user_id, hashed_password) values ($1, $2)',
      [id, await hashPassword(`${id} password`)],
    );
  }

  it('are keyed at start; of two that share a key, the older keeps the name', async () => {
    // A database as the old push left it: a rename to "EVE " beside "eve", and no keys.
    server = await syncTestServer(database.url);
    await server.close();
    await insertUser('u-eve', 'eve', '2026-01-01T00:00:00Z');
    await insertUser('u-eve-2', 'EVE ', '2026-02-01T00:00:00Z');
    await insertUser('u-zoe', 'Ｚoe', '2026-03-01T00:00:00Z');
    await sql.query('delete from platform_username_keys');

    server = await syncTestServer(database.url);
    const login = (username: string, password: string) =>
      running().call('POST', '/api/auth/login', { body: { username, password } });

    const keys = await sql.query(
      'select user_id, username_key from platform_username_keys order by user_id',
    );
    expect(keys.rows).toEqual([
      { user_id: 'u-eve', username_key: 'eve' },
      { user_id: 'u-zoe', username_key: canonicalUsername('Ｚoe') },
    ]);
    expect((await login('EVE', 'u-eve password')).json().user.id).toBe('u-eve');
    expect((await login('zoe', 'u-zoe password')).statusCode).toBe(200);
    expect((await login('EVE ', 'u-eve-2 password')).statusCode).toBe(401);

    // An admin renames the newer one, and it logs in under its new name.
    await sql.query(`update platform_users set platform_role = 'admin' where id = 'u-eve'`);
    const admin = sessionCookie(await login('eve', 'u-eve password'));
    const renamed = await running().call('PATCH', '/api/accounts/u-eve-2', {
      cookie: admin,
      body: { username: 'eve2' },
    });
    expect(renamed.statusCode).toBe(200);
    expect((await login('EVE2', 'u-eve-2 password')).json().user.id).toBe('u-eve-2');
  });

  it('keeps the keys it has across restarts', async () => {
    server = await syncTestServer(database.url);
    const { cookie } = await setup('root');
    await create(cookie, 'eve');
    const before = await sql.query('select * from platform_username_keys order by user_id');
    await server.close();

    server = await syncTestServer(database.url);

    const after = await sql.query('select * from platform_username_keys order by user_id');
    expect(after.rows).toEqual(before.rows);
    expect(before.rows).toHaveLength(2);
  });
});
