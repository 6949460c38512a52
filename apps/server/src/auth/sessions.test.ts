// Sessions are rows the server can end: logout, password changes, account deletion, renewal and
// pruning, on a real PostgreSQL with the server migrations applied.
import { encodeHlc } from '@platform/sync/protocol';
import { createDatabase, type TestDatabase } from '@platform/testing/postgres';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { type SyncTestServer, sessionCookie, syncTestServer } from '../test-support.ts';

let database: TestDatabase;
let sql: pg.Pool;
let server: SyncTestServer;
let admin: { id: string; cookie: string };

beforeAll(async () => {
  database = await createDatabase(inject('postgresUrl'), 'sessions');
  sql = new pg.Pool({ connectionString: database.url });
});

beforeEach(async () => {
  server = await syncTestServer(database.url);
  const setup = await server.call('POST', '/api/auth/setup', {
    body: { username: 'root', password: 'root password 1' },
  });
  admin = { id: setup.json().user.id, cookie: sessionCookie(setup) };
});

afterEach(async () => {
  await server.close();
  await sql.query('delete from platform_users');
});

afterAll(async () => {
  await sql.end();
  await database.drop();
});

/** The claims of the token in a `Cookie` value (read, not verified). */
function claims(cookie: string): { sid: string; exp: number } {
  const payload = cookie.split('=')[1]?.split('.')[1] ?? '';
  return JSON.parse(Buffer.from(payload, 'base64url').toString());
}

const logout = (cookie: string) => server.call('POST', '/api/auth/logout', { cookie });
const me = (cookie: string) => server.call('GET', '/api/auth/me', { cookie });
const refusal = (response: { statusCode: number; json(): { error?: { reason?: string } } }) => [
  response.statusCode,
  response.json().error?.reason,
];

function push(cookie: string) {
  // A delete of a row the server never had: applied as a no-op, if the session is good.
  return server.call('POST', '/api/sync/push', {
    cookie,
    body: {
      mutations: [
        {
          id: `m-${Math.random()}`,
          table: 'saved_queries',
          op: 'delete',
          rowId: 'q-none',
          hlc: encodeHlc({ physical: Date.now(), counter: 0, node: 'aaaaaaaaaaaaaaaa' }),
        },
      ],
    },
  });
}

const shape = (cookie: string) =>
  server.call('GET', '/api/sync/shape?table=saved_queries&offset=-1', { cookie });

// In sync mode the query endpoints need a session too.
const connectionTest = (cookie: string) =>
  server.call('POST', '/api/connections/test', {
    cookie,
    body: {
      connection: { host: '127.0.0.1', port: 1, database: 'x', user: 'x', password: 'x' },
    },
  });

describe('logging out', () => {
  it('ends the session on the server: the old cookie is refused by /me, push, shapes and queries', async () => {
    const bob = await makeAccount('bob');
    // Good before: push applies, the shape proxy gets as far as the missing Electric, and the
    // connection test past the session to the target.
    expect((await push(bob)).statusCode).toBe(200);
    expect((await shape(bob)).json().error.kind).toBe('unavailable');
    expect((await connectionTest(bob)).statusCode).not.toBe(401);

    expect((await logout(bob)).statusCode).toBe(204);

    expect(refusal(await me(bob))).toEqual([401, 'revoked']);
    expect(refusal(await push(bob))).toEqual([401, 'revoked']);
    expect(refusal(await shape(bob))).toEqual([401, 'revoked']);
    expect(refusal(await connectionTest(bob))).toEqual([401, 'revoked']);
    // The account's other sessions, and other accounts, go on.
    expect((await me(admin.cookie)).statusCode).toBe(200);
  });

  it('ends only that session: another device of the same account stays logged in', async () => {
    const laptop = await makeAccount('bob');
    const phone = await server.login('bob', 'bob password 1');

    await logout(laptop);

    expect(refusal(await me(laptop))).toEqual([401, 'revoked']);
    expect((await me(phone)).statusCode).toBe(200);
  });

  it('ends every copy of the session, the renewed cookies included', async () => {
    const first = await makeAccount('bob');
    const renewed = sessionCookie(await me(first));
    expect(claims(renewed).sid).toBe(claims(first).sid);

    await logout(renewed);

    expect(refusal(await me(first))).toEqual([401, 'revoked']);
    expect(refusal(await me(renewed))).toEqual([401, 'revoked']);
  });

  it('answers 204 and clears the cookie with a token that is no longer good, or none', async () => {
    const bob = await makeAccount('bob');
    await logout(bob);

    for (const cookie of [bob, 'platform_session=not-a-token']) {
      const again = await logout(cookie);
      expect(again.statusCode).toBe(204);
      expect(again.cookies.find((c) => c.name === 'platform_session')?.value).toBe('');
    }
    expect((await server.call('POST', '/api/auth/logout')).statusCode).toBe(204);
  });
});

describe('/api/auth/me', () => {
  it('renews the same session while it is live, extending its row and its token', async () => {
    const bob = await makeAccount('bob');
    const { sid } = claims(bob);
    await sql.query(
      `update platform_sessions set expires_at = now() + interval '1 minute' where id = $1`,
      [sid],
    );

    const renewed = await me(bob);

    expect(renewed.statusCode).toBe(200);
    const cookie = sessionCookie(renewed);
    expect(claims(cookie).sid).toBe(sid);
    const { rows } = await sql.query(
      `select floor(extract(epoch from expires_at))::bigint as exp,
              expires_at > now() + interval '1 hour' as extended
         from platform_sessions where id = $1`,
      [sid],
    );
    expect(rows[0].extended).toBe(true);
    // The token ends when its row does, never after.
    expect(claims(cookie).exp).toBe(Number(rows[0].exp));
    const count = await sql.query('select count(*)::int as n from platform_sessions');
    expect(count.rows[0].n).toBe(2); // root's and bob's: renewing made no new session
  });

  it('does not resurrect a logged-out token, and sets no cookie for it', async () => {
    const bob = await makeAccount('bob');
    await logout(bob);

    const response = await me(bob);

    expect(refusal(response)).toEqual([401, 'revoked']);
    expect(response.cookies).toEqual([]);
    const { rows } = await sql.query(
      'select revoked_at is not null as revoked from platform_sessions where id = $1',
      [claims(bob).sid],
    );
    expect(rows).toEqual([{ revoked: true }]);
  });

  it('refuses a session whose row has expired, though its token has not', async () => {
    const bob = await makeAccount('bob');
    await sql.query(
      `update platform_sessions set expires_at = now() - interval '1 second' where id = $1`,
      [claims(bob).sid],
    );

    expect(refusal(await me(bob))).toEqual([401, 'expired']);
    expect(refusal(await push(bob))).toEqual([401, 'expired']);
  });
});

describe('what else ends sessions', () => {
  it('a password change ends every other session of the account, in the table too', async () => {
    const laptop = await makeAccount('bob');
    const phone = await server.login('bob', 'bob password 1');

    const changed = await server.call('POST', '/api/auth/password', {
      cookie: laptop,
      body: { currentPassword: 'bob password 1', newPassword: 'bob password 2' },
    });

    expect(changed.statusCode).toBe(204);
    expect(refusal(await me(phone))).toEqual([401, 'revoked']);
    const current = sessionCookie(changed);
    expect(claims(current).sid).toBe(claims(laptop).sid);
    expect((await me(current)).statusCode).toBe(200);
    const { rows } = await sql.query(
      'select id, revoked_at is not null as revoked from platform_sessions where id = any($1)',
      [[claims(laptop).sid, claims(phone).sid]],
    );
    expect(Object.fromEntries(rows.map((r) => [r.id, r.revoked]))).toEqual({
      [claims(laptop).sid]: false,
      [claims(phone).sid]: true,
    });
  });

  it("an admin's password reset ends all the account's sessions", async () => {
    const bob = await makeAccount('bob');
    const id = (await me(bob)).json().user.id;

    await server.call('POST', `/api/accounts/${id}/password`, {
      cookie: admin.cookie,
      body: { password: 'bob password 2' },
    });

    expect(refusal(await me(bob))).toEqual([401, 'revoked']);
  });

  it('deleting the account removes its sessions', async () => {
    const bob = await makeAccount('bob');
    const id = (await me(bob)).json().user.id;

    await server.call('DELETE', `/api/accounts/${id}`, { cookie: admin.cookie });

    expect(refusal(await me(bob))).toEqual([401, 'revoked']);
    const { rows } = await sql.query(
      'select count(*)::int as n from platform_sessions where user_id = $1',
      [id],
    );
    expect(rows[0].n).toBe(0);
  });

  it('logging in prunes expired sessions, revoked or not, and keeps live ones', async () => {
    const bob = await makeAccount('bob');
    const old = await server.login('bob', 'bob password 1');
    await logout(old);
    await sql.query(
      `update platform_sessions set expires_at = now() - interval '1 second' where id = any($1)`,
      [[claims(bob).sid, claims(old).sid]],
    );

    const fresh = await server.login('bob', 'bob password 1');

    const { rows } = await sql.query('select id from platform_sessions order by id');
    expect(rows.map((r) => r.id).sort()).toEqual(
      [claims(admin.cookie).sid, claims(fresh).sid].sort(),
    );
  });
});

describe('PATCH /api/auth/me', () => {
  it('changes one’s own email by the admin API’s rule, stamped by the server', async () => {
    const bob = await makeAccount('bob');

    const changed = await server.call('PATCH', '/api/auth/me', {
      cookie: bob,
      body: { email: 'bob@example.com' },
    });
    const cleared = await server.call('PATCH', '/api/auth/me', {
      cookie: bob,
      body: { email: null },
    });

    expect(changed.statusCode).toBe(200);
    expect(changed.json().user).toMatchObject({ username: 'bob', email: 'bob@example.com' });
    expect(cleared.json().user.email).toBeNull();
    const { rows } = await sql.query(
      `select email, hlc from platform_users where username = 'bob'`,
    );
    expect(rows[0].email).toBeNull();
    expect(rows[0].hlc).toMatch(/^\d{21}[0-9a-f]{16}$/);
  });

  it('refuses anything else: a bad email, a name, a role, another field; and no session', async () => {
    const bob = await makeAccount('bob');

    for (const body of [
      { email: 'not an email' },
      { email: `${'a'.repeat(250)}@example.com` },
      { email: 'bob@example.com', username: 'root' },
      { role: 'admin' },
      { email: 'bob@example.com', created_at: '2020-01-01T00:00:00Z' },
      {},
    ]) {
      const response = await server.call('PATCH', '/api/auth/me', { cookie: bob, body });
      expect(response.statusCode, JSON.stringify(body)).toBe(422);
    }
    await logout(bob);
    const after = await server.call('PATCH', '/api/auth/me', {
      cookie: bob,
      body: { email: 'bob@example.com' },
    });
    expect(refusal(after)).toEqual([401, 'revoked']);
    const { rows } = await sql.query(
      `select username, email, platform_role from platform_users where username = 'bob'`,
    );
    expect(rows).toEqual([{ username: 'bob', email: null, platform_role: 'user' }]);
  });
});

/** A user account made by the admin, logged in: its session cookie. */
async function makeAccount(username: string): Promise<string> {
  const made = await server.call('POST', '/api/accounts', {
    cookie: admin.cookie,
    body: { username, password: `${username} password 1`, role: 'user' },
  });
  expect(made.statusCode).toBe(201);
  return server.login(username, `${username} password 1`);
}
