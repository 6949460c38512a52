// Test support: one migrated PGlite per spec file (a fresh one takes seconds here), emptied
// before each test, with profile `u1` syncing.
import { PGlite } from '@electric-sql/pglite';
import { studioDocumentId } from '@platform/schema/browser';
import { browserMigrations } from '@platform/schema/browser-migrations';
import { platformExtensions } from '@platform/storage';
import { migrate } from '@platform/storage/migrator';
import { afterAll, beforeAll, beforeEach } from 'vitest';

export const USER = 'u1';
export const OTHER = 'u2';

export function useReplica(): { readonly pg: PGlite } {
  const fixture = {} as { pg: PGlite };
  beforeAll(async () => {
    fixture.pg = await PGlite.create({ extensions: platformExtensions });
    await migrate(fixture.pg, browserMigrations);
  });
  afterAll(async () => {
    await fixture.pg?.close();
  });
  beforeEach(async () => {
    await fixture.pg.exec(`
      truncate platform_users, sync_config, sync_outbox, sync_shapes restart identity cascade;
      update sync_clock set physical = 0, counter = 0, offset_ms = 0;
      insert into platform_users (id, username) values ('${USER}', 'ada'), ('${OTHER}', 'bob');
      insert into sync_config (id, sync_enabled) values ('${USER}', true);`);
  });
  return fixture;
}

/** A saved query as a shape (or the server) carries it. */
export function savedQueryRow(id: string, hlc: string, fields: Record<string, unknown> = {}) {
  return {
    id,
    user_id: USER,
    name: 'From the server',
    description: null,
    query: 'select 1',
    connection_type: 'postgres',
    tags: ['x'],
    created_at: '2026-12-01 08:00:00+00',
    position: 1,
    extra: null,
    updated_at: '2026-12-01 08:00:00+00',
    deleted_at: null,
    hlc,
    ...fields,
  };
}

/** A studio document as a shape (or the server) carries it: its id made as the database does. */
export function documentRow(
  kind: string,
  key: string,
  hlc: string,
  fields: Record<string, unknown> = {},
) {
  const userId = String(fields.user_id ?? USER);
  return {
    id: studioDocumentId(userId, kind, key),
    user_id: userId,
    kind,
    key,
    position: 0,
    doc: { from: 'the server' },
    created_at: '2026-12-01 08:00:00+00',
    updated_at: '2026-12-01 08:00:00+00',
    deleted_at: null,
    hlc,
    ...fields,
  };
}

export const stamp = (ms: number, node = 'aaaaaaaaaaaaaaaa') =>
  `${String(ms).padStart(15, '0')}000000${node}`;
