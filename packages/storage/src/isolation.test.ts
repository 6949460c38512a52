import { describe, expect, it } from 'vitest';
import { PermissionError } from './errors.ts';
import { useTestStorage } from './test-support/shared-database.ts';

const ctx = useTestStorage();

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
  const ada = await ctx.storage.users.create({ username: 'ada', role: 'user' });
  const bob = await ctx.storage.users.create({ username: 'bob', role: 'viewer' });
  return { ada, bob };
}

describe('isolation: every call sees only the current user data', () => {
  it('history, saved queries, connections and preferences of one profile are invisible to another', async () => {
    const { ada } = await twoProfiles();
    await ctx.storage.addToHistory(item('admin-h'));
    await ctx.storage.saveQuery(saved('admin-s'));
    await ctx.storage.saveConnection(connection('admin-c'));
    await ctx.storage.preferences.patch({ theme: 'dark' });

    await ctx.storage.switchUser(ada.id);

    expect(await ctx.storage.getHistory()).toEqual([]);
    expect(await ctx.storage.getSavedQueries()).toEqual([]);
    expect(await ctx.storage.getConnections()).toEqual([]);
    expect(await ctx.storage.preferences.get()).toEqual({});
    expect(await ctx.storage.history.get('admin-h')).toBeNull();
    expect(await ctx.storage.savedQueries.get('admin-s')).toBeNull();
    expect(await ctx.storage.connections.get('admin-c')).toBeNull();
  });

  it('cannot delete or overwrite another profile rows by id', async () => {
    const { ada } = await twoProfiles();
    await ctx.storage.addToHistory(item('admin-h'));
    await ctx.storage.saveQuery(saved('admin-s'));
    await ctx.storage.saveConnection(connection('admin-c'));
    await ctx.storage.switchUser(ada.id);

    await ctx.storage.deleteSavedQuery('admin-s');
    await ctx.storage.deleteConnection('admin-c');
    expect(await ctx.storage.history.delete('admin-h')).toBe(false);
    await ctx.storage.clearHistory();
    await expect(
      ctx.storage.saveQuery({ ...saved('admin-s'), name: 'stolen' }),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await expect(ctx.storage.saveConnection(connection('admin-c'))).rejects.toMatchObject({
      code: 'CONFLICT',
    });

    await ctx.storage.switchUser('local-admin');
    expect((await ctx.storage.getHistory()).map((h) => h.id)).toEqual(['admin-h']);
    expect(await ctx.storage.getSavedQueries()).toMatchObject([{ id: 'admin-s', name: 'admin-s' }]);
    expect(await ctx.storage.getConnections()).toMatchObject([
      { id: 'admin-c', password: 'admin-c-pw' },
    ]);
  });

  it('holds for admins too: an admin reads only their own history', async () => {
    const { ada } = await twoProfiles();
    await ctx.storage.switchUser(ada.id);
    await ctx.storage.addToHistory(item('ada-h'));

    await ctx.storage.switchUser('local-admin');

    expect(await ctx.storage.getHistory()).toEqual([]);
  });
});

describe('roles', () => {
  it('a viewer cannot create, change or delete saved queries or connections', async () => {
    const { bob } = await twoProfiles();
    await ctx.storage.switchUser(bob.id);

    await expect(ctx.storage.saveQuery(saved('b'))).rejects.toBeInstanceOf(PermissionError);
    await expect(ctx.storage.deleteSavedQuery('b')).rejects.toBeInstanceOf(PermissionError);
    await expect(ctx.storage.saveConnection(connection('b'))).rejects.toBeInstanceOf(
      PermissionError,
    );
    await expect(ctx.storage.deleteConnection('b')).rejects.toBeInstanceOf(PermissionError);
    expect(await ctx.storage.getSavedQueries()).toEqual([]);
  });

  it('a viewer keeps their own history and preferences', async () => {
    const { bob } = await twoProfiles();
    await ctx.storage.switchUser(bob.id);

    await ctx.storage.addToHistory(item('bob-h'));
    await ctx.storage.preferences.patch({ editorFontSize: 16 });

    expect((await ctx.storage.getHistory()).map((h) => h.id)).toEqual(['bob-h']);
    expect(await ctx.storage.preferences.get()).toEqual({ editorFontSize: 16 });
  });

  it('only admins create, delete or change the role of users', async () => {
    const { ada, bob } = await twoProfiles();
    await ctx.storage.switchUser(ada.id);

    await expect(ctx.storage.users.create({ username: 'eve' })).rejects.toBeInstanceOf(
      PermissionError,
    );
    await expect(ctx.storage.users.delete(bob.id)).rejects.toBeInstanceOf(PermissionError);
    await expect(ctx.storage.users.update(ada.id, { role: 'admin' })).rejects.toBeInstanceOf(
      PermissionError,
    );
    await expect(
      ctx.storage.users.update(bob.id, { email: 'bob@example.com' }),
    ).rejects.toBeInstanceOf(PermissionError);
  });

  it('users may rename themselves and change their own email', async () => {
    const { ada } = await twoProfiles();
    await ctx.storage.switchUser(ada.id);

    const me = await ctx.storage.users.update(ada.id, {
      username: 'ada.l',
      email: 'ada@example.com',
    });

    expect(me).toMatchObject({ username: 'ada.l', email: 'ada@example.com', role: 'user' });
  });

  it('a demotion applies at once to the acting profile', async () => {
    await twoProfiles();
    const second = await ctx.storage.users.create({ username: 'root2', role: 'admin' });

    await ctx.storage.users.update('local-admin', { role: 'viewer' });

    await expect(ctx.storage.saveQuery(saved('x'))).rejects.toBeInstanceOf(PermissionError);
    expect(second.role).toBe('admin');
  });

  it('the last admin can be neither demoted nor removed', async () => {
    const { ada } = await twoProfiles();

    await expect(ctx.storage.users.update('local-admin', { role: 'user' })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
    await ctx.storage.users.update(ada.id, { role: 'admin' });
    await ctx.storage.switchUser(ada.id);
    await ctx.storage.users.update('local-admin', { role: 'user' });
    await expect(ctx.storage.users.update(ada.id, { role: 'user' })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
  });

  it('removing a profile removes its data and vault secrets; the acting one cannot remove itself', async () => {
    const { ada } = await twoProfiles();
    await ctx.storage.switchUser(ada.id);
    await ctx.storage.saveConnection(connection('ada-c'));
    await ctx.storage.addToHistory(item('ada-h'));
    await ctx.storage.switchUser('local-admin');

    await expect(ctx.storage.users.delete('local-admin')).rejects.toBeInstanceOf(PermissionError);
    expect(await ctx.storage.users.delete(ada.id)).toBe(true);

    const { rows } = await ctx.database.pg.query<{ n: number }>(
      `select (select count(*) from query_logs) + (select count(*) from connections) as n`,
    );
    expect(Number(rows[0]?.n)).toBe(0);
    expect((await ctx.storage.users.list()).map((u) => u.username)).toEqual(['admin', 'bob']);
  });

  it('usernames are unique regardless of case', async () => {
    await twoProfiles();

    await expect(ctx.storage.users.create({ username: 'ADA' })).rejects.toMatchObject({
      code: 'CONFLICT',
    });
  });

  it('rejects an unknown role with a ValidationError', async () => {
    await expect(
      ctx.storage.users.create({ username: 'x', role: 'superuser' as 'admin' }),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
  });
});

describe('profile passwords', () => {
  it('a profile with a password needs it to be switched to', async () => {
    const { ada } = await twoProfiles();
    await ctx.storage.setProfilePassword(ada.id, 'correct horse');

    await expect(ctx.storage.switchUser(ada.id)).rejects.toBeInstanceOf(PermissionError);
    await expect(ctx.storage.switchUser(ada.id, 'wrong')).rejects.toBeInstanceOf(PermissionError);
    expect((await ctx.storage.switchUser(ada.id, 'correct horse')).id).toBe(ada.id);
  });

  it('only an admin sets another profile password', async () => {
    const { ada, bob } = await twoProfiles();
    await ctx.storage.switchUser(ada.id);

    await expect(ctx.storage.setProfilePassword(bob.id, 'pw')).rejects.toBeInstanceOf(
      PermissionError,
    );
    await ctx.storage.setProfilePassword(ada.id, 'mine');
    expect(await ctx.storage.hasProfilePassword(ada.id)).toBe(true);
  });
});
