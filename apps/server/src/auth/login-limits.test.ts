// Login limits over HTTP on a real PostgreSQL: addresses are blocked, usernames only slowed,
// spellings of a name are one name, and TRUST_PROXY decides whose address counts.
import { createDatabase, type TestDatabase } from '@platform/testing/postgres';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { canonicalUsername } from '../accounts/username.ts';
import { ORIGIN, PORT, sessionCookie, TEST_JWT_SECRET, testServer } from '../test-support.ts';
import { parseTrustProxy, type TrustProxy } from '../trust-proxy.ts';
import { LoginLimiter } from './login-limiter.ts';

const MAX = 4;
const BOB = { username: 'bob', password: 'bob password 1' };

let database: TestDatabase;
let sql: pg.Pool;
let app: FastifyInstance | null = null;
let limiter: LoginLimiter;

beforeAll(async () => {
  database = await createDatabase(inject('postgresUrl'), 'login_limits');
  sql = new pg.Pool({ connectionString: database.url });
});

afterEach(async () => {
  await app?.close();
  app = null;
  await sql.query('delete from platform_users');
});

afterAll(async () => {
  await sql.end();
  await database.drop();
});

/** A sync server with root (admin) and bob, and a fresh limiter this spec can read. */
async function start(trustProxy?: TrustProxy): Promise<FastifyInstance> {
  // Delays of a few ms: the spec checks which delay the limiter asks for, never a duration.
  limiter = new LoginLimiter({
    max: MAX,
    windowMs: 60_000,
    freeFailuresPerUsername: 2,
    usernameDelayMs: 1,
    maxUsernameDelayMs: 4,
  });
  app = await testServer({
    sync: { databaseUrl: database.url, jwtSecret: TEST_JWT_SECRET, loginRateLimit: limiter },
    ...(trustProxy === undefined ? {} : { trustProxy }),
  });
  const setup = await send('/api/auth/setup', { username: 'root', password: 'root password 1' });
  const made = await app.inject({
    method: 'POST',
    url: '/api/accounts',
    headers: { ...headers(), cookie: sessionCookie(setup) },
    payload: JSON.stringify({ ...BOB, role: 'user' }),
  });
  expect(made.statusCode).toBe(201);
  return app;
}

function headers(forwardedFor?: string) {
  return {
    host: `127.0.0.1:${PORT}`,
    origin: ORIGIN,
    'content-type': 'application/json',
    ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
  };
}

/** A POST from `from` (the socket's peer), optionally through a proxy naming `forwardedFor`. */
function send(
  url: string,
  body: unknown,
  { from = '127.0.0.1', forwardedFor }: { from?: string; forwardedFor?: string } = {},
) {
  if (!app) throw new Error('no server');
  return app.inject({
    method: 'POST',
    url,
    remoteAddress: from,
    headers: headers(forwardedFor),
    payload: JSON.stringify(body),
  });
}

const login = (
  username: string,
  password: string,
  via: { from?: string; forwardedFor?: string } = {},
) => send('/api/auth/login', { username, password }, via);

describe('per address', () => {
  it('blocks an address after max failures, whatever names it tried: 429 with retry-after', async () => {
    await start();
    const attacker = { from: '203.0.113.7' };
    const statuses: number[] = [];
    for (const username of ['bob', 'root', 'ada', 'nobody']) {
      statuses.push((await login(username, 'guess', attacker)).statusCode);
    }

    const blocked = await login('bob', BOB.password, attacker);

    expect(statuses).toEqual([401, 401, 401, 401]);
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().error).toMatchObject({ kind: 'rate-limited', reason: 'address' });
    expect(blocked.json().error.message).toMatch(/try again in \d+ s/);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(blocked.cookies).toEqual([]);
    // Another address is not concerned.
    expect((await login(BOB.username, BOB.password, { from: '198.51.100.2' })).statusCode).toBe(
      200,
    );
  });

  it('counts failures, not successes: logging in again and again never blocks', async () => {
    await start();
    for (let i = 0; i < MAX * 2; i++) {
      expect((await login(BOB.username, BOB.password)).statusCode).toBe(200);
    }
    expect(limiter.addressFailures('127.0.0.1')).toBe(0);
  });
});

describe('per username', () => {
  it('counts padded, cased and NFKC spellings of a name as that one name', async () => {
    await start();
    const spellings = [' bob', 'BOB', 'ｂｏｂ', 'bob\u3000', 'Bob'];
    for (const [i, username] of spellings.entries()) {
      const wrong = await login(username, 'guess', { from: `198.51.100.${i + 1}` });
      expect(wrong.statusCode).toBe(401);
    }

    // Five failures against one key: past the two free ones, at the cap (1 → 2 → 4 ms).
    expect(limiter.usernameDelay(canonicalUsername('bob'))).toBe(4);
    for (const username of spellings) {
      expect(limiter.usernameDelay(canonicalUsername(username))).toBe(4);
    }
    // And every spelling is bob's account, with bob's password.
    for (const [i, username] of spellings.entries()) {
      const right = await login(username, BOB.password, { from: `192.0.2.${i + 1}` });
      expect(right.statusCode, JSON.stringify(username)).toBe(200);
      expect(right.json().user.username).toBe('bob');
    }
  });

  it('does not lock the real user out: failures from other addresses only slow the name', async () => {
    await start();
    for (let a = 1; a <= 10; a++) {
      for (let i = 0; i < MAX; i++) {
        await login(i % 2 ? 'BOB' : ' bob', 'guess', { from: `203.0.113.${a}` });
      }
    }
    expect((await login('bob', 'guess', { from: '203.0.113.1' })).statusCode).toBe(429);
    expect(limiter.usernameDelay(canonicalUsername('bob'))).toBe(4);

    const real = await login(BOB.username, BOB.password, { from: '192.0.2.50' });

    expect(real.statusCode).toBe(200);
    expect(
      (
        await app?.inject({
          method: 'GET',
          url: '/api/auth/me',
          headers: { host: `127.0.0.1:${PORT}`, cookie: sessionCookie(real) },
        })
      )?.json().user.username,
    ).toBe('bob');
  });
});

describe('TRUST_PROXY', () => {
  const PROXY = { from: '127.0.0.1' };

  it('behind a trusted proxy, counts the client X-Forwarded-For names: the user is not blocked with the attacker', async () => {
    await start(parseTrustProxy('127.0.0.1'));
    for (let i = 0; i < MAX; i++) {
      await login('bob', 'guess', { ...PROXY, forwardedFor: '203.0.113.7' });
    }

    const attacker = await login('bob', BOB.password, { ...PROXY, forwardedFor: '203.0.113.7' });
    const user = await login('bob', BOB.password, { ...PROXY, forwardedFor: '198.51.100.2' });

    expect(attacker.statusCode).toBe(429);
    expect(user.statusCode).toBe(200);
    expect(limiter.addressFailures('203.0.113.7')).toBe(MAX);
    expect(limiter.addressFailures('127.0.0.1')).toBe(0);
  });

  it('with a hop count, takes the address the proxy saw, not one the client wrote', async () => {
    await start(parseTrustProxy('1'));
    for (let i = 0; i < MAX; i++) {
      // The client claims a new address each time; the proxy appends the one it saw.
      await login('bob', 'guess', { ...PROXY, forwardedFor: `10.9.9.${i}, 203.0.113.7` });
    }

    const again = await login('bob', BOB.password, {
      ...PROXY,
      forwardedFor: '10.9.9.200, 203.0.113.7',
    });

    expect(again.statusCode).toBe(429);
    expect(limiter.addressFailures('203.0.113.7')).toBe(MAX);
  });

  it('without it, ignores X-Forwarded-For: a forged header escapes no block', async () => {
    await start();
    for (let i = 0; i < MAX; i++) {
      await login('bob', 'guess', { from: '203.0.113.7', forwardedFor: `198.51.100.${i}` });
    }

    const forged = await login('bob', BOB.password, {
      from: '203.0.113.7',
      forwardedFor: '192.0.2.99',
    });

    expect(forged.statusCode).toBe(429);
    expect(limiter.addressFailures('203.0.113.7')).toBe(MAX);
    expect(limiter.addressFailures('192.0.2.99')).toBe(0);
  });

  it('reads the setting: off, a hop count, true, or a list of addresses and CIDRs', () => {
    for (const off of [undefined, '', '0', 'false', ' FALSE ']) {
      expect(parseTrustProxy(off)).toBe(false);
    }
    expect(parseTrustProxy('true')).toBe(true);
    expect(parseTrustProxy('10.0.0.0/8, loopback,::1')).toEqual(['10.0.0.0/8', 'loopback', '::1']);
    const hops = parseTrustProxy('2');
    expect(typeof hops === 'function' && [0, 1, 2].map((hop) => hops('10.0.0.1', hop))).toEqual([
      true,
      true,
      false,
    ]);
    expect(() => parseTrustProxy('10.0.0.0/8, proxy.local')).toThrow(/proxy\.local/);
  });
});
