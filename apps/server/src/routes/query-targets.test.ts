// Where the query endpoints connect: no Unix sockets, no file or service parameters, never the
// platform database, only QUERY_TARGETS when set, and failures that do not map the network.
// Real PostgreSQL; in sync mode the target is the test server through a relay on another port.
import { createServer, type Server, type Socket } from 'node:net';
import { createDatabase, type TestDatabase } from '@platform/testing/postgres';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ServerOptions } from '../app.ts';
import { type TcpRelay, tcpRelay } from '../query/test-relay.ts';
import { modeServer, postJson, sessionCookie, testServer } from '../test-support.ts';

let platform: TestDatabase;
let target: TestDatabase;
let relay: TcpRelay;
let postgres: URL;
let admin = '';
const servers: FastifyInstance[] = [];
const listeners: Server[] = [];

function server(
  options: Partial<ServerOptions> = {},
  mode: 'sync' | 'browser-only' = 'browser-only',
) {
  return modeServer(servers, mode === 'sync' ? platform.url : null, options);
}

function post(app: FastifyInstance, url: string, body: unknown, cookie?: string) {
  return postJson(app, url, body, cookie ? { cookie } : {});
}

/** The target database's settings, with the host and port given. */
function settings(host: string, port = Number(postgres.port)) {
  return {
    host,
    port,
    user: decodeURIComponent(postgres.username),
    password: decodeURIComponent(postgres.password),
    database: target.name,
  };
}

async function listen(handler: (socket: Socket) => void): Promise<number> {
  const listener = createServer(handler);
  listeners.push(listener);
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  return (listener.address() as { port: number }).port;
}

async function closedPort(): Promise<number> {
  const listener = createServer();
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const { port } = listener.address() as { port: number };
  await new Promise<void>((resolve) => listener.close(() => resolve()));
  return port;
}

beforeAll(async () => {
  const postgresUrl = inject('postgresUrl');
  postgres = new URL(postgresUrl);
  platform = await createDatabase(postgresUrl, 'targets');
  target = await createDatabase(postgresUrl, 'targets_target');
  relay = await tcpRelay({ host: postgres.hostname, port: Number(postgres.port) });
  const app = await server({}, 'sync');
  const setup = await post(app, '/api/auth/setup', {
    username: 'root',
    password: 'correct horse battery',
  });
  expect(setup.statusCode).toBe(201);
  admin = sessionCookie(setup);
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((app) => app.close()));
  await Promise.all(
    listeners.splice(0).map((listener) => new Promise((resolve) => listener.close(resolve))),
  );
});

afterAll(async () => {
  await relay?.close();
  await target?.drop();
  await platform?.drop();
});

describe('connection parameters', () => {
  it('refuses sslkey=/etc/passwd by name, without reading the file', async () => {
    const app = await server();
    const url = new URL(target.url);
    for (const [name, path] of [
      ['sslkey', '/etc/passwd'],
      ['sslcert', '/etc/passwd'],
      ['sslrootcert', '/no/such/dir/root.crt'],
    ]) {
      url.search = `?sslmode=require&${name}=${path}`;
      const response = await post(app, '/api/query', {
        connection: { connectionString: url.toString() },
        sql: 'select 1',
      });
      expect(response.statusCode).toBe(403);
      const { error } = response.json();
      expect(error).toMatchObject({ kind: 'forbidden', reason: 'connection-parameter' });
      expect(error.message).toContain(`"${name}"`);
      // Had the file been opened, its content or the failure to open it would show.
      expect(response.body).not.toMatch(/root:|ENOENT|no such file/);
    }
  });

  it('refuses every parameter it does not know, by name', async () => {
    const app = await server();
    for (const parameter of [
      'passfile=/root/.pgpass',
      'service=prod',
      'servicefile=/etc/pg_service.conf',
      'sslcrl=/etc/crl.pem',
      'options=-c%20statement_timeout%3D0',
      'replication=database',
      'hostaddr=10.0.0.1',
    ]) {
      const response = await post(app, '/api/connections/test', {
        connection: { connectionString: `${target.url}?${parameter}` },
      });
      expect(response.statusCode).toBe(403);
      expect(response.json().error.message).toContain(`"${parameter.split('=')[0]}"`);
    }
  });

  it('still takes the usual ones, as pasted from providers', async () => {
    const app = await server();
    const response = await post(app, '/api/connections/test', {
      connection: {
        connectionString: `${target.url}?sslmode=disable&application_name=studio&connect_timeout=10`,
      },
    });
    expect(response.statusCode).toBe(200);
  });

  it('refuses Unix-domain sockets however they are spelled', async () => {
    const app = await server();
    const { username, password, port } = postgres;
    const db = target.name;
    for (const connection of [
      { ...settings('/tmp'), port: Number(port) },
      settings('/var/run/postgresql'),
      settings('@abstract-socket'),
      { connectionString: `postgres://${username}:${password}@%2Ftmp:${port}/${db}` },
      { connectionString: `postgres://${username}:${password}@/${db}` },
      { connectionString: `postgresql:///${db}?host=/tmp&port=${port}` },
      { connectionString: `postgres://${username}:${password}@localhost/${db}?host=/tmp` },
    ]) {
      const response = await post(app, '/api/query', { connection, sql: 'select 1' });
      expect(response.statusCode, JSON.stringify(connection)).toBe(403);
      expect(response.json().error).toMatchObject({ kind: 'forbidden', reason: 'unix-socket' });
    }
  });

  it('refuses connection strings that are not postgres:// URLs', async () => {
    const app = await server();
    for (const connectionString of [
      `host=127.0.0.1 port=${postgres.port} dbname=${target.name}`,
      `socket:/tmp?db=${target.name}`,
    ]) {
      const response = await post(app, '/api/query', {
        connection: { connectionString },
        sql: 'select 1',
      });
      expect(response.statusCode).toBe(422);
      expect(response.json().error).toMatchObject({ kind: 'request', reason: 'connection-string' });
    }
  });

  it("never offers the server's own password (PGPASSWORD) to a server that asks", async () => {
    const offered: string[] = [];
    const port = await listen((socket) => {
      // Postgres' wire protocol, as far as "send me your password in clear text".
      let buffered = Buffer.alloc(0);
      let stage: 'startup' | 'password' | 'done' = 'startup';
      socket.on('error', () => {});
      socket.on('data', (chunk) => {
        buffered = Buffer.concat([buffered, chunk]);
        if (
          stage === 'startup' &&
          buffered.length >= 4 &&
          buffered.length >= buffered.readInt32BE(0)
        ) {
          buffered = buffered.subarray(buffered.readInt32BE(0));
          stage = 'password';
          socket.write(Buffer.from([0x52, 0, 0, 0, 8, 0, 0, 0, 3]));
        }
        if (
          stage === 'password' &&
          buffered.length >= 5 &&
          buffered.length >= 1 + buffered.readInt32BE(1)
        ) {
          offered.push(buffered.subarray(5, 1 + buffered.readInt32BE(1) - 1).toString());
          stage = 'done';
          const fields = Buffer.from('SFATAL\0C28P01\0Mpassword authentication failed\0\0');
          const header = Buffer.alloc(5);
          header.write('E');
          header.writeInt32BE(4 + fields.length, 1);
          socket.end(Buffer.concat([header, fields]));
        }
      });
    });
    const saved = process.env.PGPASSWORD;
    process.env.PGPASSWORD = 'the-servers-own-secret';
    try {
      const app = await server();
      const response = await post(app, '/api/connections/test', {
        connection: { host: '127.0.0.1', port, user: 'someone' },
      });
      expect(response.statusCode).toBe(502);
      expect(offered).toEqual(['']);
    } finally {
      if (saved === undefined) delete process.env.PGPASSWORD;
      else process.env.PGPASSWORD = saved;
    }
  });

  it('dials a host name through the addresses it resolved to', async () => {
    const app = await server();
    const response = await post(app, '/api/connections/test', {
      connection: settings('localhost'),
    });
    expect(response.statusCode).toBe(200);
  });
});

describe('QUERY_TARGETS', () => {
  it('limits the endpoints to the networks it lists', async () => {
    const elsewhere = await server({ query: { targets: ['10.0.0.0/8', 'fd00::/8'] } });
    const refused = await post(elsewhere, '/api/query', {
      connection: settings('127.0.0.1'),
      sql: 'select 1',
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().error).toMatchObject({ kind: 'forbidden', reason: 'target-not-allowed' });
    expect(refused.json().error.message).toContain('QUERY_TARGETS');

    const here = await server({ query: { targets: ['127.0.0.0/8'] } });
    const allowed = await post(here, '/api/query', {
      connection: settings('127.0.0.1'),
      sql: 'select 1',
    });
    expect(allowed.statusCode).toBe(200);
  });

  it('takes host names, matched as named', async () => {
    const app = await server({ query: { targets: ['localhost'] } });
    const byName = await post(app, '/api/connections/test', { connection: settings('localhost') });
    expect(byName.statusCode).toBe(200);
    const byAddress = await post(app, '/api/connections/test', {
      connection: settings('127.0.0.1'),
    });
    expect(byAddress.statusCode).toBe(403);
  });

  it('refuses to start with an entry it cannot read', async () => {
    await expect(testServer({ query: { targets: ['10.0.0.0/99'] } })).rejects.toThrow(
      /QUERY_TARGETS: "10.0.0.0\/99"/,
    );
  });
});

describe('in sync mode', () => {
  it('refuses the platform database under any name, even to an admin', async () => {
    const app = await server({}, 'sync');
    const platformUrl = new URL(platform.url);
    for (const connection of [
      { connectionString: platform.url },
      { ...settings('localhost'), database: platform.name },
      { ...settings('0.0.0.0'), database: platform.name },
      // 127.0.0.1 as one number: the resolver, not the text, decides.
      { ...settings('2130706433'), database: platform.name },
      // Another database of the same server is the same server.
      { ...settings(platformUrl.hostname), database: 'postgres' },
    ]) {
      const response = await post(
        app,
        '/api/query',
        {
          connection,
          sql: 'select * from platform_user_passwords',
        },
        admin,
      );
      expect(response.statusCode, JSON.stringify(connection)).toBe(403);
      expect(response.json().error).toMatchObject({
        kind: 'forbidden',
        reason: 'platform-database',
      });
    }
  });

  it('refuses the platform database even when QUERY_TARGETS allows everything', async () => {
    const app = await server({ query: { targets: ['0.0.0.0/0', '::/0'] } }, 'sync');
    const response = await post(
      app,
      '/api/connections/test',
      { connection: { connectionString: platform.url } },
      admin,
    );
    expect(response.json().error?.reason).toBe('platform-database');
  });

  it('refuses link-local and cloud-metadata addresses without dialling them', async () => {
    const app = await server({}, 'sync');
    for (const host of ['169.254.169.254', 'fe80::1', 'fd00:ec2::254']) {
      const response = await post(
        app,
        '/api/connections/test',
        { connection: settings(host, 80) },
        admin,
      );
      expect(response.statusCode, host).toBe(403);
      expect(response.json().error.reason).toBe('target-not-allowed');
    }
  });

  it('answers every connection failure alike, so ports and hosts cannot be mapped', async () => {
    const app = await server({}, 'sync');
    const notPostgres = await listen((socket) => {
      socket.on('error', () => {});
      // Read, or the peer's close is never seen and the socket stays open.
      socket.resume();
      socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
    });
    const bodies: Array<{ error: unknown }> = [];
    for (const connection of [
      settings('127.0.0.1', await closedPort()),
      settings('127.0.0.1', notPostgres),
      settings('no-such-host.invalid'),
    ]) {
      const response = await post(app, '/api/connections/test', { connection }, admin);
      expect(response.statusCode).toBe(502);
      bodies.push(response.json());
    }
    const [first, ...rest] = bodies;
    expect(first?.error).toMatchObject({ kind: 'connection', code: null });
    for (const body of rest) expect(body).toEqual(first);
  });

  it('still passes on what a PostgreSQL server itself answered', async () => {
    const app = await server({}, 'sync');
    const response = await post(
      app,
      '/api/connections/test',
      {
        connection: { ...settings('127.0.0.1', relay.port), password: 'wrong-password' },
      },
      admin,
    );
    expect(response.statusCode).toBe(502);
    expect(response.json().error).toMatchObject({ kind: 'connection', code: '28P01' });
  });

  it('connects to other servers', async () => {
    const app = await server({}, 'sync');
    const response = await post(
      app,
      '/api/query',
      {
        connection: { connectionString: relay.via(target.url) },
        sql: 'select current_database()',
      },
      admin,
    );
    expect(response.statusCode).toBe(200);
    expect(response.json().results[0].rows).toEqual([[target.name]]);
  });
});
