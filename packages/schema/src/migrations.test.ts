import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { introspect, type Query } from '@platform/testing/introspect';
import { createDatabase, type TestDatabase } from '@platform/testing/postgres';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate as drizzleMigrate } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { drizzleKit, migrationsOut } from '../scripts/targets.ts';
import { SYNC_APPLYING_SETTING } from './sync-applying.ts';

const SERVER_FOLDER = migrationsOut('server');
/** The server's own tables and secret columns, which no browser migration may name. */
const SERVER_ONLY =
  /platform_user_passwords|hashed_password|platform_sessions|platform_username_keys/;
const BROWSER_FOLDER = migrationsOut('browser');

interface Journal {
  entries: { tag: string }[];
}

const serverJournal = JSON.parse(
  readFileSync(join(SERVER_FOLDER, 'meta/_journal.json'), 'utf8'),
) as Journal;

/** `pnpm db:migrate` (drizzle-kit migrate) against `url`, optionally from another folder. */
function dbMigrate(url: string, folder?: string) {
  const run = drizzleKit('server', ['migrate'], {
    DATABASE_URL: url,
    ...(folder ? { PLATFORM_MIGRATIONS_OUT: folder } : {}),
  });
  if (run.status !== 0) throw new Error(`drizzle-kit migrate failed:\n${run.output}`);
  return run;
}

/** The server migration set as it stood before its newest migration. */
function olderServerFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'older-migrations-'));
  cpSync(SERVER_FOLDER, dir, { recursive: true });
  const newest = serverJournal.entries.at(-1);
  if (!newest) throw new Error('no server migrations');
  rmSync(join(dir, `${newest.tag}.sql`));
  const journal = {
    ...serverJournal,
    entries: serverJournal.entries.slice(0, -1),
  };
  writeFileSync(join(dir, 'meta/_journal.json'), JSON.stringify(journal));
  return dir;
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const databases: TestDatabase[] = [];
async function freshDatabase(): Promise<TestDatabase> {
  const database = await createDatabase(inject('postgresUrl'), 'schema');
  databases.push(database);
  return database;
}

afterEach(async () => {
  for (const database of databases.splice(0)) await database.drop();
});

describe('server migrations (pnpm db:migrate) on real PostgreSQL', () => {
  it('creates every table, including the password table with a cascading key', async () => {
    const { url } = await freshDatabase();

    dbMigrate(url);

    await withClient(url, async (client) => {
      const tables = await client.query(
        `select table_name from information_schema.tables
         where table_schema = 'public' order by 1`,
      );
      expect(tables.rows.map((row) => row.table_name)).toEqual([
        'connections',
        'platform_sessions',
        'platform_user_passwords',
        'platform_username_keys',
        'platform_users',
        'query_logs',
        'saved_queries',
        'studio_documents',
        'sync_mutations',
      ]);
      const fk = await client.query(
        `select confdeltype, confrelid::regclass::text as target from pg_constraint
         where conrelid = 'platform_user_passwords'::regclass and contype = 'f'`,
      );
      expect(fk.rows).toEqual([{ confdeltype: 'c', target: 'platform_users' }]);
      await client.query(`insert into platform_users (id, username) values ('u1', 'ada')`);
      await client.query(
        `insert into platform_user_passwords (user_id, hashed_password) values ('u1', 'x')`,
      );
      await client.query(`delete from platform_users where id = 'u1'`);
      const left = await client.query('select count(*)::int as n from platform_user_passwords');
      expect(left.rows[0].n).toBe(0);
    });
  });

  it('is a no-op when run a second time', async () => {
    const { url } = await freshDatabase();
    dbMigrate(url);
    const count = () =>
      withClient(url, async (client) => {
        const result = await client.query(
          'select count(*)::int as n from drizzle.__drizzle_migrations',
        );
        return result.rows[0].n as number;
      });
    const before = await count();

    dbMigrate(url);

    expect(before).toBe(serverJournal.entries.length);
    expect(await count()).toBe(before);
  });

  it('upgrades a database made by the older migration set, keeping its data', async () => {
    const { url } = await freshDatabase();
    const older = olderServerFolder();
    try {
      dbMigrate(url, older);
      await withClient(url, (client) =>
        client.query(`
          insert into platform_users (id, username, platform_role) values ('u1', 'ada', 'admin');
          insert into platform_user_passwords (user_id, hashed_password) values ('u1', 'h');
          insert into query_logs (id, user_id, query, status) values ('q1', 'u1', 'select 1', 'success');
        `),
      );

      dbMigrate(url);

      await withClient(url, async (client) => {
        const users = await client.query('select id, username, platform_role from platform_users');
        expect(users.rows).toEqual([{ id: 'u1', username: 'ada', platform_role: 'admin' }]);
        const logs = await client.query('select id, query, status from query_logs');
        expect(logs.rows).toEqual([{ id: 'q1', query: 'select 1', status: 'success' }]);
        const records = await client.query(
          'select count(*)::int as n from drizzle.__drizzle_migrations',
        );
        expect(records.rows[0].n).toBe(serverJournal.entries.length);
      });
    } finally {
      rmSync(older, { recursive: true, force: true });
    }
  });
});

describe('browser and server schemas', () => {
  let browser: PGlite;

  beforeAll(async () => {
    browser = await PGlite.create({ extensions: { pg_trgm } });
    await drizzleMigrate(drizzle(browser), {
      migrationsFolder: BROWSER_FOLDER,
    });
  });

  afterAll(async () => {
    await browser.close();
  });

  it('never mention the server-only tables in the browser migrations', () => {
    const browserJournal = JSON.parse(
      readFileSync(join(BROWSER_FOLDER, 'meta/_journal.json'), 'utf8'),
    ) as Journal;
    expect(browserJournal.entries.length).toBeGreaterThan(0);
    for (const entry of browserJournal.entries) {
      const sql = readFileSync(join(BROWSER_FOLDER, `${entry.tag}.sql`), 'utf8');
      expect(sql).not.toMatch(SERVER_ONLY);
    }
  });

  it('read and set no platform setting but SYNC_APPLYING_SETTING, the one the code sets', () => {
    const browserJournal = JSON.parse(
      readFileSync(join(BROWSER_FOLDER, 'meta/_journal.json'), 'utf8'),
    ) as Journal;
    const named = browserJournal.entries.flatMap((entry) =>
      [
        ...readFileSync(join(BROWSER_FOLDER, `${entry.tag}.sql`), 'utf8').matchAll(
          /\bplatform\.[a-z_]+/g,
        ),
      ].map((match) => match[0]),
    );
    // The trigger reads it, and the data migration of 0005 sets it on and off.
    expect(named.length).toBeGreaterThanOrEqual(3);
    expect(new Set(named)).toEqual(new Set([SYNC_APPLYING_SETTING]));
  });

  it('are identical, column by column and index by index, except the tables of one side', async () => {
    const { url } = await freshDatabase();
    dbMigrate(url);
    const fromBrowser = await introspect(
      async (sql) => (await browser.query(sql)).rows as Record<string, unknown>[],
    );
    const fromServer = await withClient(url, (client) => {
      const query: Query = async (sql) => (await client.query(sql)).rows;
      return introspect(query);
    });

    const {
      platform_user_passwords: passwords,
      platform_sessions: sessions,
      platform_username_keys: usernameKeys,
      sync_mutations: mutations,
      ...serverTables
    } = fromServer.tables;
    // The device's own tables: sync settings, the outbox, shape positions and the clock.
    const {
      sync_config: config,
      sync_outbox: outbox,
      sync_shapes: shapes,
      sync_clock: clock,
      ...browserTables
    } = fromBrowser.tables;

    expect(passwords?.columns.map((column) => column.column)).toEqual([
      'user_id',
      'hashed_password',
      'password_updated_at',
    ]);
    expect(mutations?.columns.map((column) => column.column)).toEqual([
      'id',
      'user_id',
      'result',
      'applied_at',
    ]);
    expect(sessions?.columns.map((column) => column.column)).toEqual([
      'id',
      'user_id',
      'created_at',
      'expires_at',
      'revoked_at',
    ]);
    expect(usernameKeys?.columns.map((column) => column.column)).toEqual([
      'user_id',
      'username_key',
    ]);
    expect([config, outbox, shapes, clock].every(Boolean)).toBe(true);
    expect(Object.keys(browserTables).sort()).toEqual(Object.keys(serverTables).sort());
    for (const name of Object.keys(serverTables)) {
      expect(browserTables[name], name).toEqual(serverTables[name]);
    }
    // The outbox's identity is the browser's one sequence of its own.
    const outboxSequence = (s: Record<string, unknown>) => s.name === 'sync_outbox_seq_seq';
    expect(fromBrowser.sequences.filter(outboxSequence)).toHaveLength(1);
    expect(fromBrowser.sequences.filter((s) => !outboxSequence(s))).toEqual(fromServer.sequences);
    expect(fromBrowser.extensions).toEqual(fromServer.extensions);
  });
});
