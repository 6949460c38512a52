// Test page: runs the platform migrator inside a real browser tab against IndexedDB.
import { PGlite } from '@electric-sql/pglite';
import { browserMigrations } from '@platform/schema/browser-migrations';
import { platformExtensions } from '../../extensions.ts';
import { migrate } from '../../migrator.ts';

async function open(dataDir: string) {
  const db = await PGlite.create(dataDir, { extensions: platformExtensions });
  const result = await migrate(db, browserMigrations);
  return { db, result };
}

const api = {
  async migrate(dataDir: string) {
    const { db, result } = await open(dataDir);
    const tables = await db.query<{ name: string }>(
      `select table_name as name from information_schema.tables
       where table_schema = 'public' order by 1`,
    );
    await db.close();
    return { ...result, tables: tables.rows.map((row) => row.name) };
  },
  async addUser(dataDir: string, id: string) {
    const { db } = await open(dataDir);
    await db.query('insert into platform_users (id, username) values ($1, $1)', [id]);
    await db.close();
  },
  async users(dataDir: string) {
    const { db } = await open(dataDir);
    const users = await db.query<{ id: string }>('select id from platform_users order by id');
    await db.close();
    return users.rows.map((row) => row.id);
  },
};

Object.assign(window, { migratorPage: api });
document.title = 'ready';
