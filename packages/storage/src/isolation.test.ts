import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from './client/types.ts';
import { PermissionError } from './errors.ts';
import type { PlatformStorage } from './storage.ts';
import { emptyDatabase, openTestDatabase, testStorage } from './test-support/shared-database.ts';

let database: DatabaseHandle;
let storage: PlatformStorage;

beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database.close();
});
beforeEach(async () => {
  await emptyDatabase(database);
  storage = testStorage(database).storage;
});
afterEach(async () => {
  await storage.close();
});

const item = (id: string) => ({
  id,
  connectionId: 'demo',
  query: `select '${id}'`,
  executionTime: 1,
  status: 'success' as const,
  executedAt: new Date(),
});
const saved = (id: string) => ({
  id,
  name: id,
  query: 'select 1',
  connectionType: 'postgres' as const,
  createdAt: new Date(),
  updatedAt: new Date(),
});
const connection = (id: string) => ({
  id,
  name: id,
  type: 'postgres' as const,
  password: `${id}-pw`,
  createdAt: new Date(),
});

/** Two profiles, ada (user) and bob (viewer), created by the default admin. */
async function twoProfiles() {
  const ada = await storage.users.create({ username: 'ada', role: 'user' });
  const bob = await storage.users.create({ username: 'bob', role: 'viewer' });
  return { ada, bob };
}

describe('isolation: every call sees only the current user data', () => {
  it('history, saved queries, connections and preferences of one profile are invisible to another', async () => {
    const { ada } = await twoProfiles();
    await storage.addToHistory(item('admin-h'));
    await storage.saveQuery(saved('admin-s'));
    await storage.saveConnection(connection('admin-c'));
    await storage.preferences.patch({ theme: 'dark' });

    await storage.switchUser(ada.id);

    expect(await storage.getHistory()).toEqual([]);
    expect(await storage.getSavedQueries()).toEqual([]);
    expect(await storage.getConnections()).toEqual([]);
    expect(await storage.preferences.get()).toEqual({});
    expect(await storage.history.get('admin-h')).toBeNull();
    expect(await storage.savedQueries.get('admin-s')).toBeNull();
    expect(await storage.connections.get('admin-c')).toBeNull();
  });

  it('cannot delete or overwrite another profile rows by id', async () => {
    const { ada } = await twoProfiles();
    await storage.addToHistory(item('admin-h'));
    await storage.saveQuery(saved('admin-s'));
    await storage.saveConnection(connection('admin-c'));
    await storage.switchUser(ada.id);

    await storage.deleteSavedQuery('admin-s');
    await storage.deleteConnection('admin-c');
    expect(await storage.history.delete('admin-h')).toBe(false);
    await storage.clearHistory();
    await expect(storage.saveQuery({ ...saved('admin-s'), name: 'stolen' })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await expect(storage.saveConnection(connection('admin-c'))).rejects.toMatchObject({
      code: 'CONFLICT',
    });

    await storage.switchUser('local-admin');
    expect((await storage.getHistory()).map((h) => h.id)).toEqual(['admin-h']);
    expect(await storage.getSavedQueries()).toMatchObject([{ id: 'admin-s', name: 'admin-s' }]);
    expect(await storage.getConnections()).toMatchObject([
      { id: 'admin-c', password: 'admin-c-pw' },
    ]);
  });

  it('holds for admins too: an admin reads only their own history', async () => {
    const { ada } = await twoProfiles();
    await storage.switchUser(ada.id);
    await storage.addToHistory(item('ada-h'));

    await storage.switchUser('local-admin');

    expect(await storage.getHistory()).toEqual([]);
  });
});

describe('roles', () => {
  it('a viewer cannot create, change or delete saved queries or connections', async () => {
    const { bob } = await twoProfiles();
    await storage.switchUser(bob.id);

    await expect(storage.saveQuery(saved('b'))).rejects.toBeInstanceOf(PermissionError);
    await expect(storage.deleteSavedQuery('b')).rejects.toBeInstanceOf(PermissionError);
    await expect(storage.saveConnection(connection('b'))).rejects.toBeInstanceOf(PermissionError);
    await expect(storage.deleteConnection('b')).rejects.toBeInstanceOf(PermissionError);
    expect(await storage.getSavedQueries()).toEqual([]);
  });

  it('a viewer keeps their own history and preferences', async () => {
    const { bob } = await twoProfiles();
    await storage.switchUser(bob.id);

    await storage.addToHistory(item('bob-h'));
    await storage.preferences.patch({ editorFontSize: 16 });

    expect((await storage.getHistory()).map((h) => h.id)).toEqual(['bob-h']);
    expect(await storage.preferences.get()).toEqual({ editorFontSize: 16 });
  });

  it('only admins create, delete or change the role of users', async () => {
    const { ada, bob } = await twoProfiles();
    await storage.switchUser(ada.id);

    await expect(storage.users.create({ username: 'eve' })).rejects.toBeInstanceOf(PermissionError);
    await expect(storage.users.delete(bob.id)).rejects.toBeInstanceOf(PermissionError);
    await expect(storage.users.update(ada.id, { role: 'admin' })).rejects.toBeInstanceOf(
      PermissionError,
    );
    await expect(storage.users.update(bob.id, { email: 'bob@example.com' })).rejects.toBeInstanceOf(
      PermissionError,
    );
  });

  it('users may rename themselves and change their own email', async () => {
    const { ada } = await twoProfiles();
    await storage.switchUser(ada.id);

    const me = await storage.users.update(ada.id, { username: 'ada.l', email: 'ada@example.com' });

    expect(me).toMatchObject({ username: 'ada.l', email: 'ada@example.com', role: 'user' });
  });

  it('a demotion applies at once to the acting profile', async () => {
    await twoProfiles();
    const second = await storage.users.create({ username: 'root2', role: 'admin' });

    await storage.users.update('local-admin', { role: 'viewer' });

    await expect(storage.saveQuery(saved('x'))).rejects.toBeInstanceOf(PermissionError);
    expect(second.role).toBe('admin');
  });

  it('the last admin can be neither demoted nor removed', async () => {
    const { ada } = await twoProfiles();

    await expect(storage.users.update('local-admin', { role: 'user' })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await storage.users.update(ada.id, { role: 'admin' });
    await storage.switchUser(ada.id);
    await storage.users.update('local-admin', { role: 'user' });
    await expect(storage.users.update(ada.id, { role: 'user' })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
  });

  it('removing a profile removes its data and vault secrets; the acting one cannot remove itself', async () => {
    const { ada } = await twoProfiles();
    await storage.switchUser(ada.id);
    await storage.saveConnection(connection('ada-c'));
    await storage.addToHistory(item('ada-h'));
    await storage.switchUser('local-admin');

    await expect(storage.users.delete('local-admin')).rejects.toBeInstanceOf(PermissionError);
    expect(await storage.users.delete(ada.id)).toBe(true);

    const { rows } = await database.pg.query<{ n: number }>(
      `select (select count(*) from query_logs) + (select count(*) from connections) as n`,
    );
    expect(Number(rows[0]?.n)).toBe(0);
    expect((await storage.users.list()).map((u) => u.username)).toEqual(['admin', 'bob']);
  });

  it('usernames are unique regardless of case', async () => {
    await twoProfiles();

    await expect(storage.users.create({ username: 'ADA' })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
  });

  it('rejects an unknown role with a ValidationError', async () => {
    await expect(
      storage.users.create({ username: 'x', role: 'superuser' as 'admin' }),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
  });
});

describe('profile passwords', () => {
  it('a profile with a password needs it to be switched to', async () => {
    const { ada } = await twoProfiles();
    await storage.setProfilePassword(ada.id, 'correct horse');

    await expect(storage.switchUser(ada.id)).rejects.toBeInstanceOf(PermissionError);
    await expect(storage.switchUser(ada.id, 'wrong')).rejects.toBeInstanceOf(PermissionError);
    expect((await storage.switchUser(ada.id, 'correct horse')).id).toBe(ada.id);
  });

  it('only an admin sets another profile password', async () => {
    const { ada, bob } = await twoProfiles();
    await storage.switchUser(ada.id);

    await expect(storage.setProfilePassword(bob.id, 'pw')).rejects.toBeInstanceOf(PermissionError);
    await storage.setProfilePassword(ada.id, 'mine');
    expect(await storage.hasProfilePassword(ada.id)).toBe(true);
  });
});
