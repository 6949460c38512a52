import { describe, expect, it } from 'vitest';
import { useTestStorage } from '../test-support/shared-database.ts';
import { parseExport } from './format.ts';
import { seedProfiles } from './test-fixtures.ts';

const ctx = useTestStorage();

const seed = () => seedProfiles(ctx.storage);

describe('exportData', () => {
  it('gives an admin every profile and all their data, each row naming its owner', async () => {
    const { ada, bob } = await seed();

    const file = await ctx.storage.exportData();

    expect(file).toMatchObject({
      format: 'platform-storage-export',
      version: 1,
      secretsIncluded: false,
    });
    expect(file.profiles.map((p) => [p.username, p.role])).toEqual([
      ['admin', 'admin'],
      ['ada', 'user'],
      ['bob', 'viewer'],
    ]);
    expect(file.profiles[0]?.preferences).toEqual({ theme: 'dark' });
    expect(file.history.map((h) => [h.id, h.userId])).toEqual([
      ['bob-h', bob.id],
      ['ada-h', ada.id],
      ['admin-h', 'local-admin'],
    ]);
    expect(file.savedQueries.map((q) => [q.id, q.userId]).sort()).toEqual([
      ['ada-s', ada.id],
      ['admin-s', 'local-admin'],
    ]);
    expect(file.connections.map((c) => [c.id, c.userId])).toEqual([
      ['admin-c', 'local-admin'],
      ['ada-c', ada.id],
    ]);
  });

  it('gives a user only their own profile and data', async () => {
    const { ada } = await seed();
    await ctx.storage.switchUser(ada.id);

    const file = await ctx.storage.exportData();

    expect(file.profiles.map((p) => p.id)).toEqual([ada.id]);
    expect(file.history.map((h) => h.id)).toEqual(['ada-h']);
    expect(file.savedQueries.map((q) => q.id)).toEqual(['ada-s']);
    expect(file.connections.map((c) => c.id)).toEqual(['ada-c']);
  });

  it('gives a viewer only their own profile and data', async () => {
    const { bob } = await seed();
    await ctx.storage.switchUser(bob.id);

    const file = await ctx.storage.exportData();

    expect(file.profiles.map((p) => p.username)).toEqual(['bob']);
    expect(file.history.map((h) => h.id)).toEqual(['bob-h']);
    expect(file.savedQueries).toEqual([]);
    expect(file.connections).toEqual([]);
  });

  it('carries no secret: no password, and a connection string with its password masked', async () => {
    await seed();
    await ctx.storage.setProfilePassword('local-admin', 'profile-secret');

    const file = await ctx.storage.exportData();
    const text = JSON.stringify(file);

    expect(text).not.toContain('hunter2-secret');
    expect(text).not.toContain('inline-secret');
    expect(text).not.toContain('profile-secret');
    expect(file.connections.find((c) => c.id === 'ada-c')?.connectionString).toBe(
      'postgres://ada:********@db.example.com:5432/shop',
    );
    expect(file.connections.every((c) => !('password' in c))).toBe(true);
  });

  it('is plain JSON, dates as ISO strings, and reads back as a valid export file', async () => {
    await seed();
    const before = new Date().toISOString();

    const file = await ctx.storage.exportData();

    expect(JSON.parse(JSON.stringify(file))).toEqual(file);
    expect(file.exportedAt >= before).toBe(true);
    expect(file.history.find((h) => h.id === 'admin-h')).toEqual({
      id: 'admin-h',
      userId: 'local-admin',
      connectionId: 'c1',
      connectionName: null,
      tabName: null,
      query: "select 'admin-h'",
      rowCount: null,
      executionTimeMs: 1.5,
      status: 'success',
      errorMessage: null,
      executedAt: '2026-01-01T00:00:01.000Z',
    });
    expect(file.connections[0]?.createdAt).toBe('2024-05-01T12:00:00.000Z');
    expect(() => parseExport(file)).not.toThrow();
  });

  it('leaves out what was deleted', async () => {
    await seed();
    await ctx.storage.deleteSavedQuery('admin-s');
    await ctx.storage.clearHistory();

    const file = await ctx.storage.exportData();

    expect(file.savedQueries.map((q) => q.id)).toEqual(['ada-s']);
    expect(file.history.map((h) => h.id)).not.toContain('admin-h');
  });
});
