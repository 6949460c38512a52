// Accounts and sessions of sync mode, on a real PostgreSQL with the server migrations applied.
import { createDatabase, type TestDatabase } from '@platform/testing/postgres';
import { SignJWT } from 'jose';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import {
  type SyncTestServer,
  sessionCookie,
  syncTestServer,
  TEST_JWT_SECRET,
  testServer,
} from '../test-support.ts';

let database: TestDatabase;
let sql: pg.Pool;
let server: SyncTestServer;
/** Every response body of the file, to check that none ever carried a password hash. */
const bodies: string[] = [];

beforeAll(async () => {
  database = await createDatabase(inject('postgresUrl'), 'auth');
  sql = new pg.Pool({ connectionString: database.url });
});

beforeEach(async () => {
  server = await syncTestServer(database.url, {
    loginRateLimit: { max: 5, windowMs: 60_000 },
  });
  const call = server.call;
  server.call = async (...args) => {
    const response = await call(...args);
    bodies.push(response.body);
    return response;
  };
});

afterEach(async () => {
  await server.close();
  await sql.query('delete from platform_users');
});

afterAll(async () => {
  await sql.end();
  await database.drop();
});

async function setupAdmin(username = 'root', password = 'correct horse battery') {
  const response = await server.call('POST', '/api/auth/setup', { body: { username, password } });
  expect(response.statusCode).toBe(201);
  return { cookie: sessionCookie(response), user: response.json().user as { id: string } };
}

async function createAccount(
  admin: string,
  account: { username: string; password: string; role?: string },
) {
  const response = await server.call('POST', '/api/accounts', { cookie: admin, body: account });
  expect(response.statusCode).toBe(201);
  return response.json().account as { id: string; username: string; role: string };
}

describe('first-run setup', () => {
  it('is required while no account exists, and makes the first one an admin with a session', async () => {
    expect((await server.call('GET', '/api/sync/status')).json()).toMatchObject({
      syncAvailable: true,
      setupRequired: true,
    });

    const response = await server.call('POST', '/api/auth/setup', {
      body: { username: 'root', password: 'correct horse battery', email: 'root@example.com' },
    });

    expect(response.statusCode).toBe(201);
    expect(response.json().user).toMatchObject({ username: 'root', role: 'admin' });
    const cookie = response.cookies.find((c) => c.name === 'platform_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/api' });
    expect((await server.call('GET', '/api/sync/status')).json().setupRequired).toBe(false);
  });

  it('is refused once an account exists, so no one can make themselves admin later', async () => {
    await setupAdmin();

    const again = await server.call('POST', '/api/auth/setup', {
      body: { username: 'intruder', password: 'another password' },
    });

    expect(again.statusCode).toBe(409);
    const { rows } = await sql.query('select username from platform_users');
    expect(rows).toEqual([{ username: 'root' }]);
  });

  it('stores an argon2id hash with OWASP parameters, in the password table only', async () => {
    await setupAdmin('root', 'correct horse battery');

    const { rows } = await sql.query('select hashed_password from platform_user_passwords');
    expect(rows[0].hashed_password).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    const users = await sql.query('select to_jsonb(u)::text as row from platform_users u');
    expect(users.rows[0].row).not.toContain('correct horse');
    expect(users.rows[0].row).not.toContain('argon2');
  });

  it('rejects a short password with the rule, not the value', async () => {
    const response = await server.call('POST', '/api/auth/setup', {
      body: { username: 'root', password: 'short' },
    });
    expect(response.statusCode).toBe(422);
    expect(response.json().error.message).toBe('password: must be at least 8 characters');
    expect(response.body).not.toContain('short"');
  });
});

describe('login, who am I, logout', () => {
  it('logs in by username in any case, and says the same for a wrong password and an unknown name', async () => {
    await setupAdmin('Root', 'correct horse battery');

    const wrong = await server.call('POST', '/api/auth/login', {
      body: { username: 'root', password: 'wrong password' },
    });
    const unknown = await server.call('POST', '/api/auth/login', {
      body: { username: 'nobody', password: 'wrong password' },
    });
    const right = await server.call('POST', '/api/auth/login', {
      body: { username: 'ROOT', password: 'correct horse battery' },
    });

    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().error.message).toBe(unknown.json().error.message);
    expect(wrong.cookies).toEqual([]);
    expect(right.statusCode).toBe(200);
    const me = await server.call('GET', '/api/auth/me', { cookie: sessionCookie(right) });
    expect(me.json().user).toMatchObject({ username: 'Root', role: 'admin' });
    expect(me.json().serverTime).toBeGreaterThan(0);
  });

  it('ends the session on logout: the cookie is cleared and the token refused', async () => {
    const { cookie } = await setupAdmin();
    const out = await server.call('POST', '/api/auth/logout', { cookie });
    expect(out.statusCode).toBe(204);
    const cleared = out.cookies.find((c) => c.name === 'platform_session');
    expect(cleared?.value).toBe('');
    const again = await server.call('GET', '/api/auth/me', { cookie });
    expect([again.statusCode, again.json().error.reason]).toEqual([401, 'revoked']);
  });
});

describe('session tokens', () => {
  const sign = (claims: Record<string, unknown>, secret = TEST_JWT_SECRET) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('platform-storage')
      .setAudience('platform-studio')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(secret));
  const me = (cookie?: string) => server.call('GET', '/api/auth/me', cookie ? { cookie } : {});

  it('refuses no token, a forged one, a tampered one, alg none and an expired one, saying why', async () => {
    const { user, cookie } = await setupAdmin();
    const { rows } = await sql.query(
      `select (extract(epoch from password_updated_at) * 1000)::bigint::text as pwv
         from platform_user_passwords`,
    );
    const pwv = Number(rows[0].pwv);
    const valid = cookie.split('=')[1] as string;
    const [header, payload, signature] = valid.split('.') as [string, string, string];
    const tampered = `${header}.${Buffer.from(
      JSON.stringify({
        ...JSON.parse(Buffer.from(payload, 'base64url').toString()),
        sub: 'someone-else',
      }),
    ).toString('base64url')}.${signature}`;
    const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${payload}.`;
    const expired = await new SignJWT({ pwv })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(user.id)
      .setIssuer('platform-storage')
      .setAudience('platform-studio')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
      .sign(new TextEncoder().encode(TEST_JWT_SECRET));

    const reasons = async (token?: string) => {
      const response = await me(token === undefined ? undefined : `platform_session=${token}`);
      return [response.statusCode, response.json().error?.reason];
    };
    expect(await reasons()).toEqual([401, 'missing']);
    expect(
      await reasons(await sign({ sub: user.id, pwv }, 'another-secret-another-secret-xx')),
    ).toEqual([401, 'invalid']);
    expect(await reasons(tampered)).toEqual([401, 'invalid']);
    expect(await reasons(none)).toEqual([401, 'invalid']);
    expect(await reasons(expired)).toEqual([401, 'expired']);
    const { sid } = JSON.parse(Buffer.from(payload, 'base64url').toString());
    expect(await reasons(await sign({ sub: user.id, sid, pwv }))).toEqual([200, undefined]);
    // Signed by this server before sessions were rows: it names no session, so it is over.
    expect(await reasons(await sign({ sub: user.id, pwv }))).toEqual([401, 'revoked']);
    // Another account's id under this session's id is not this session.
    const { rows: others } = await sql.query(
      `insert into platform_users (id, username) values ('other-user', 'other') returning id`,
    );
    expect(await reasons(await sign({ sub: others[0].id, sid, pwv }))).toEqual([401, 'revoked']);
  });

  it('ends older sessions when the password changes, keeping the one that changed it', async () => {
    const { cookie } = await setupAdmin('root', 'correct horse battery');
    const other = await server.login('root', 'correct horse battery');

    const wrong = await server.call('POST', '/api/auth/password', {
      cookie,
      body: { currentPassword: 'not it', newPassword: 'a new long password' },
    });
    const changed = await server.call('POST', '/api/auth/password', {
      cookie,
      body: { currentPassword: 'correct horse battery', newPassword: 'a new long password' },
    });

    expect(wrong.statusCode).toBe(403);
    expect(changed.statusCode).toBe(204);
    expect((await me(other)).json().error.reason).toBe('revoked');
    expect((await me(cookie)).json().error.reason).toBe('revoked');
    expect((await me(sessionCookie(changed))).statusCode).toBe(200);
    expect(await server.login('root', 'a new long password')).toBeTruthy();
  });

  it('is signed with the configured secret only: a server with another secret refuses it', async () => {
    const { cookie } = await setupAdmin();
    const otherServer = await testServer({
      sync: { databaseUrl: database.url, jwtSecret: 'a-completely-different-secret-of-length' },
    });
    try {
      const response = await otherServer.inject({
        method: 'GET',
        url: '/api/auth/me',
        headers: { host: '127.0.0.1:4310', cookie },
      });
      expect(response.statusCode).toBe(401);
    } finally {
      await otherServer.close();
    }
  });
});

describe('accounts, managed by admins', () => {
  it('creates, lists, renames, changes roles of, resets and deletes accounts', async () => {
    const { cookie: admin } = await setupAdmin();
    const ada = await createAccount(admin, {
      username: 'ada',
      password: 'ada password 1',
      role: 'user',
    });
    const adaSession = await server.login('ada', 'ada password 1');

    const list = await server.call('GET', '/api/accounts', { cookie: admin });
    expect(list.json().accounts.map((a: { username: string }) => a.username)).toEqual([
      'root',
      'ada',
    ]);

    // A role change applies to the account's open session at once.
    const demoted = await server.call('PATCH', `/api/accounts/${ada.id}`, {
      cookie: admin,
      body: { role: 'viewer', email: 'ada@example.com' },
    });
    expect(demoted.json().account).toMatchObject({ role: 'viewer', email: 'ada@example.com' });
    expect(
      (await server.call('GET', '/api/auth/me', { cookie: adaSession })).json().user.role,
    ).toBe('viewer');
    // It is stamped with the server's clock, so devices take it by last-write-wins.
    const { rows } = await sql.query('select hlc from platform_users where id = $1', [ada.id]);
    expect(rows[0].hlc).toMatch(/^\d{21}[0-9a-f]{16}$/);

    // A reset ends the account's sessions and the new password works.
    const reset = await server.call('POST', `/api/accounts/${ada.id}/password`, {
      cookie: admin,
      body: { password: 'fresh password 2' },
    });
    expect(reset.statusCode).toBe(204);
    expect((await server.call('GET', '/api/auth/me', { cookie: adaSession })).statusCode).toBe(401);
    await server.login('ada', 'fresh password 2');

    const removed = await server.call('DELETE', `/api/accounts/${ada.id}`, { cookie: admin });
    expect(removed.statusCode).toBe(204);
    const left = await sql.query('select count(*)::int as n from platform_user_passwords');
    expect(left.rows[0].n).toBe(1);
  });

  it('is for admins only', async () => {
    const { cookie: admin } = await setupAdmin();
    await createAccount(admin, { username: 'bob', password: 'bob password 1', role: 'user' });
    const bob = await server.login('bob', 'bob password 1');

    for (const [method, url] of [
      ['GET', '/api/accounts'],
      ['POST', '/api/accounts'],
    ] as const) {
      const response = await server.call(method, url, {
        cookie: bob,
        body: { username: 'eve', password: 'eve password 1', role: 'admin' },
      });
      expect(response.statusCode).toBe(403);
    }
    expect((await server.call('GET', '/api/accounts')).statusCode).toBe(401);
  });

  it('keeps at least one admin and unique usernames', async () => {
    const { cookie: admin, user } = await setupAdmin();

    const demote = await server.call('PATCH', `/api/accounts/${user.id}`, {
      cookie: admin,
      body: { role: 'user' },
    });
    const self = await server.call('DELETE', `/api/accounts/${user.id}`, { cookie: admin });
    const duplicate = await server.call('POST', '/api/accounts', {
      cookie: admin,
      body: { username: 'ROOT', password: 'some password 1' },
    });

    expect(demote.statusCode).toBe(409);
    expect(demote.json().error.message).toContain('last admin');
    expect(self.statusCode).toBe(409);
    expect(duplicate.statusCode).toBe(409);
  });
});

describe('in browser-only mode', () => {
  it('answers that sync is not available, and refuses account routes with 503', async () => {
    const plain = await testServer();
    try {
      const status = await plain.inject({
        method: 'GET',
        url: '/api/sync/status',
        headers: { host: '127.0.0.1:4310' },
      });
      const login = await plain.inject({
        method: 'POST',
        url: '/api/auth/login',
        headers: { host: '127.0.0.1:4310', 'content-type': 'application/json' },
        payload: JSON.stringify({ username: 'a', password: 'b' }),
      });
      expect(status.json()).toMatchObject({ syncAvailable: false, setupRequired: false });
      expect(login.statusCode).toBe(503);
    } finally {
      await plain.close();
    }
  });
});

describe('every answer of this file', () => {
  it('never carried a password hash', () => {
    expect(bodies.length).toBeGreaterThan(20);
    for (const body of bodies) expect(body).not.toMatch(/argon2|hashed_password/);
  });
});
