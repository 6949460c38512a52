import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { browserMigrations } from '@platform/schema/browser-migrations';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate as drizzleMigrate } from 'drizzle-orm/pglite/migrator';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { platformExtensions } from './extensions.ts';
import { MigrationError, migrate } from './migrator.ts';

const BROWSER_FOLDER = fileURLToPath(new URL('../../../drizzle/browser', import.meta.url));

let db: PGlite;

async function tables(): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `select table_name as name from information_schema.tables
     where table_schema = 'public' order by 1`,
  );
  return rows.map((row) => row.name);
}

async function recordCount(): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    'select count(*)::int as n from drizzle.__drizzle_migrations',
  );
  return rows[0]?.n ?? 0;
}

beforeAll(async () => {
  db = await PGlite.create({ extensions: platformExtensions });
});

afterAll(async () => {
  await db.close();
});

// One PGlite for the file (creating one takes seconds); each test starts from an empty database.
beforeEach(async () => {
  await db.exec(`
    drop schema if exists public cascade;
    drop schema if exists drizzle cascade;
    drop extension if exists pg_trgm;
    create schema public;
  `);
});

describe('migrate (browser migrations on PGlite)', () => {
  it('ships at least two migrations, so upgrades are exercised on real history', () => {
    expect(browserMigrations.length).toBeGreaterThanOrEqual(2);
  });

  it('creates every browser table on an empty database and records each migration', async () => {
    const result = await migrate(db, browserMigrations);

    expect(result.applied).toEqual(browserMigrations.map((m) => m.tag));
    expect(result.alreadyApplied).toBe(0);
    expect(await tables()).toEqual([
      'connections',
      'platform_users',
      'query_logs',
      'saved_queries',
      'studio_documents',
      'sync_clock',
      'sync_config',
      'sync_outbox',
      'sync_shapes',
    ]);
    expect(await recordCount()).toBe(browserMigrations.length);
  });

  it('does nothing when run again', async () => {
    await migrate(db, browserMigrations);

    const second = await migrate(db, browserMigrations);

    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied).toBe(browserMigrations.length);
    expect(await recordCount()).toBe(browserMigrations.length);
  });

  it('upgrades a database made by an older migration set in place, keeping its data', async () => {
    const older = browserMigrations.slice(0, -1);
    const newest = browserMigrations.at(-1);
    await migrate(db, older);
    await db.exec(`
      insert into platform_users (id, username, platform_role) values ('u1', 'ada', 'admin');
      insert into query_logs (id, user_id, query, status) values ('q1', 'u1', 'select 1', 'success');
      insert into saved_queries (id, user_id, name, query, tags)
        values ('s1', 'u1', 'one', 'select 1', '{a,b}');
    `);

    const result = await migrate(db, browserMigrations);

    expect(result.applied).toEqual([newest?.tag]);
    const users = await db.query('select id, username from platform_users');
    expect(users.rows).toEqual([{ id: 'u1', username: 'ada' }]);
    const saved = await db.query('select id, tags from saved_queries');
    expect(saved.rows).toEqual([{ id: 's1', tags: ['a', 'b'] }]);
    const logs = await db.query('select id, query from query_logs');
    expect(logs.rows).toEqual([{ id: 'q1', query: 'select 1' }]);
  });

  it('rolls back a failing migration alone, keeping the ones before it', async () => {
    const broken = {
      tag: '9999_broken',
      when: Number.MAX_SAFE_INTEGER,
      hash: 'broken',
      sql: 'create table half_done (id int); select 1 / 0;',
    };

    const attempt = migrate(db, [...browserMigrations, broken]);

    await expect(attempt).rejects.toMatchObject({
      code: 'MIGRATION_FAILED',
      tag: '9999_broken',
    });
    expect(await tables()).not.toContain('half_done');
    expect(await recordCount()).toBe(browserMigrations.length);
    expect((await migrate(db, browserMigrations)).applied).toEqual([]);
  });

  it('refuses to run when an applied migration was edited afterwards', async () => {
    await migrate(db, browserMigrations);
    const edited = browserMigrations.map((m, i) => (i === 0 ? { ...m, hash: 'edited' } : m));

    const attempt = migrate(db, edited);

    await expect(attempt).rejects.toBeInstanceOf(MigrationError);
    await expect(attempt).rejects.toMatchObject({
      code: 'MIGRATION_CHANGED',
      tag: browserMigrations[0]?.tag,
    });
  });

  it('refuses to run against a database upgraded by a newer app', async () => {
    await migrate(db, browserMigrations);

    const attempt = migrate(db, browserMigrations.slice(0, -1));

    await expect(attempt).rejects.toMatchObject({ code: 'DATABASE_NEWER' });
  });

  it('refuses a pending migration that sorts before one already applied', async () => {
    const [first] = browserMigrations;
    if (!first) throw new Error('no migrations');
    await migrate(db, browserMigrations);
    const latecomer = {
      tag: '0000a_late',
      when: first.when + 1,
      hash: 'late',
      sql: 'select 1',
    };

    const attempt = migrate(db, [...browserMigrations, latecomer]);

    await expect(attempt).rejects.toMatchObject({
      code: 'MIGRATION_OUT_OF_ORDER',
      tag: '0000a_late',
    });
  });

  it("keeps drizzle-orm's records: drizzle's migrator sees nothing to do afterwards", async () => {
    await migrate(db, browserMigrations);

    await drizzleMigrate(drizzle(db), { migrationsFolder: BROWSER_FOLDER });

    expect(await recordCount()).toBe(browserMigrations.length);
  });

  it("reads drizzle-orm's records: a database drizzle migrated needs nothing more", async () => {
    await drizzleMigrate(drizzle(db), { migrationsFolder: BROWSER_FOLDER });

    const result = await migrate(db, browserMigrations);

    expect(result.applied).toEqual([]);
    expect(result.alreadyApplied).toBe(browserMigrations.length);
  });
});
