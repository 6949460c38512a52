import { afterEach, describe, expect, it } from 'vitest';
import type { ChangeEvent } from '../changes.ts';
import type { PlatformStorage } from '../storage.ts';
import { emptyDatabase, testStorage, useTestStorage } from '../test-support/shared-database.ts';
import type { PlatformExport } from './format.ts';
import { SKIP_REASONS, type TransferReport } from './import.ts';
import { saved, seedProfiles } from './test-fixtures.ts';

const ctx = useTestStorage();
const opened: PlatformStorage[] = [];
afterEach(async () => {
  for (const storage of opened.splice(0)) await storage.close();
});

const seed = () =>
  seedProfiles(ctx.storage, {
    ties: true,
    adminPreferences: { theme: 'dark', historyRetention: { maxEntries: 1000 } },
    adaPreferences: { editorFontSize: 15 },
  });

/** A storage over the emptied database: a browser that has never been used. */
async function freshBrowser(): Promise<PlatformStorage> {
  await emptyDatabase(ctx.database);
  const { storage } = testStorage(ctx.database);
  opened.push(storage);
  return storage;
}

const hourLater = (iso: string) => new Date(Date.parse(iso) + 3_600_000).toISOString();
const dayEarlier = (iso: string) => new Date(Date.parse(iso) - 86_400_000).toISOString();
const nothing = { profiles: 0, history: 0, savedQueries: 0, connections: 0, documents: 0 };

/** The export file's row with this id, to edit in a test. */
function row<K extends 'profiles' | 'history' | 'savedQueries' | 'connections'>(
  file: PlatformExport,
  kind: K,
  id: string,
): PlatformExport[K][number] {
  const found = (file[kind] as PlatformExport[K][number][]).find((r) => r.id === id);
  if (!found) throw new Error(`no ${kind} row ${id} in the file`);
  return found;
}

describe('importData', () => {
  describe('round trip', () => {
    it('export, import into a fresh browser, export again: the same rows', async () => {
      await seed();
      const original = await ctx.storage.exportData();

      const target = await freshBrowser();
      const report = await target.importData(JSON.parse(JSON.stringify(original)));
      const again = await target.exportData();

      expect(report).toEqual({
        imported: { ...nothing, profiles: 2, history: 5, savedQueries: 2, connections: 2 },
        // The fresh browser's own default admin, never changed, takes the file's version.
        updated: { ...nothing, profiles: 1 },
        alreadyPresent: 0,
        skipped: [],
      });
      expect({ ...again, exportedAt: original.exportedAt }).toEqual(original);
      expect((await target.getHistory()).map((h) => h.id)).toEqual([
        'admin-h-tie-2',
        'admin-h-tie-1',
        'admin-h',
      ]);
      expect(await target.preferences.get()).toEqual({
        theme: 'dark',
        historyRetention: { maxEntries: 1000 },
      });
    });

    it('importing the same file twice changes nothing the second time', async () => {
      await seed();
      const file = await ctx.storage.exportData();
      const target = await freshBrowser();
      await target.importData(file);
      const before = await target.exportData();

      const second = await target.importData(file);

      expect(second).toEqual({
        imported: nothing,
        updated: nothing,
        alreadyPresent: 3 + 5 + 2 + 2,
        skipped: [],
      });
      expect({ ...(await target.exportData()), exportedAt: before.exportedAt }).toEqual(before);
    });

    it('importing a file into the browser it came from finds everything already there', async () => {
      await seed();
      const file = await ctx.storage.exportData();

      const report = await ctx.storage.importData(file);

      expect(report).toEqual({
        imported: nothing,
        updated: nothing,
        alreadyPresent: 12,
        skipped: [],
      });
    });
  });

  describe('all or nothing', () => {
    it('writes nothing when any row is invalid, and names it by its path', async () => {
      await seed();
      const file = await ctx.storage.exportData();
      const before = await ctx.storage.exportData();
      file.profiles.push({ ...row(file, 'profiles', 'local-admin'), id: 'eve', username: 'eve' });
      row(file, 'savedQueries', 'admin-s').name = 'changed';
      row(file, 'savedQueries', 'admin-s').updatedAt = hourLater(file.exportedAt);
      file.history[1] = {
        ...(file.history[1] as PlatformExport['history'][number]),
        status: 'ok' as 'success',
      };

      await expect(ctx.storage.importData(file)).rejects.toMatchObject({
        code: 'VALIDATION',
        issues: [{ path: 'history.1.status', message: 'must be one of success, error' }],
      });

      expect({ ...(await ctx.storage.exportData()), exportedAt: before.exportedAt }).toEqual(
        before,
      );
    });

    it('keeps everything as it was when a write fails halfway', async () => {
      await seed();
      const file = await ctx.storage.exportData();
      const before = await ctx.storage.exportData();
      file.profiles.push({ ...row(file, 'profiles', 'local-admin'), id: 'eve', username: 'eve' });
      file.history.push({ ...row(file, 'history', 'admin-h'), id: 'eve-h', userId: 'eve' });
      row(file, 'savedQueries', 'admin-s').name = 'changed';
      row(file, 'savedQueries', 'admin-s').updatedAt = hourLater(file.exportedAt);
      // Connections are written after the other rows (documents come last); this one is refused.
      file.connections.push({ ...row(file, 'connections', 'admin-c'), id: 'boom', name: 'boom' });
      await ctx.database.pg.exec(`
        create function refuse_boom() returns trigger language plpgsql as $$
        begin
          if new.name = 'boom' then raise exception 'refused by the test'; end if;
          return new;
        end $$;
        create trigger refuse_boom before insert on connections
          for each row execute function refuse_boom();`);
      try {
        await expect(ctx.storage.importData(file)).rejects.toThrow(/insert into "connections"/);
      } finally {
        await ctx.database.pg.exec(
          'drop trigger refuse_boom on connections; drop function refuse_boom();',
        );
      }

      expect({ ...(await ctx.storage.exportData()), exportedAt: before.exportedAt }).toEqual(
        before,
      );
    });
  });

  describe('merge rules', () => {
    it('history entries never change: one already here is left as it is', async () => {
      await seed();
      const file = await ctx.storage.exportData();
      row(file, 'history', 'admin-h').query = 'select 42';

      const report = await ctx.storage.importData(file);

      expect(report.alreadyPresent).toBe(12);
      expect((await ctx.storage.history.get('admin-h'))?.query).toBe("select 'admin-h'");
    });

    it('saved queries and connections: the later updatedAt wins, the older is reported', async () => {
      await seed();
      const file = await ctx.storage.exportData();
      const query = row(file, 'savedQueries', 'admin-s');
      Object.assign(query, { name: 'from the file', updatedAt: hourLater(file.exportedAt) });
      const connection = row(file, 'connections', 'admin-c');
      Object.assign(connection, { name: 'older', updatedAt: dayEarlier(connection.updatedAt) });

      const report = await ctx.storage.importData(file);

      expect(report.updated).toEqual({ ...nothing, savedQueries: 1 });
      expect(report.skipped).toEqual([
        { kind: 'connection', id: 'admin-c', reason: SKIP_REASONS.newerHere },
      ]);
      expect(await ctx.storage.savedQueries.get('admin-s')).toMatchObject({
        name: 'from the file',
        updatedAt: new Date(query.updatedAt),
      });
      expect((await ctx.storage.connections.get('admin-c'))?.name).toBe('Prod');
    });

    it('a connection updated from the file keeps the password in the vault here', async () => {
      await seed();
      const file = await ctx.storage.exportData();
      const connection = row(file, 'connections', 'admin-c');
      Object.assign(connection, {
        host: 'replica.example.com',
        updatedAt: hourLater(file.exportedAt),
      });

      await ctx.storage.importData(file);

      expect(await ctx.storage.connections.get('admin-c')).toMatchObject({
        host: 'replica.example.com',
        password: 'hunter2-secret',
      });
    });

    it('a connection new here comes without its password, its connection string masked', async () => {
      const { ada } = await seed();
      const file = await ctx.storage.exportData();
      const target = await freshBrowser();

      await target.importData(file);

      expect(await target.connections.get('admin-c')).not.toHaveProperty('password');
      await target.switchUser(ada.id);
      const ada2 = await target.connections.get('ada-c');
      expect(ada2).not.toHaveProperty('password');
      expect(ada2).toMatchObject({
        connectionString: 'postgres://ada:********@db.example.com:5432/shop',
      });
    });

    it('a profile is matched by username when its id differs, and its rows follow it', async () => {
      await seed();
      const file = await ctx.storage.exportData();
      const target = await freshBrowser();
      const here = await target.users.create({ username: 'ADA', role: 'user' });

      const report = await target.importData(file);

      expect(report.imported.profiles).toBe(1);
      expect((await target.users.list()).map((u) => u.username).sort()).toEqual(
        [
          'admin',
          'bob',
          // Renamed to the file's spelling: this profile was never changed here.
          'ada',
        ].sort(),
      );
      await target.switchUser(here.id);
      expect((await target.getHistory()).map((h) => h.id)).toEqual(['ada-h']);
      expect((await target.getSavedQueries()).map((q) => q.id)).toEqual(['ada-s']);
      expect(await target.preferences.get()).toEqual({ editorFontSize: 15 });
    });

    it('a profile changed here since the file was made keeps its version, rows still merge', async () => {
      const { ada } = await seed();
      const file = await ctx.storage.exportData();
      await ctx.storage.users.update(ada.id, { email: 'ada@new.example.com' });
      file.history.push({ ...row(file, 'history', 'ada-h'), id: 'ada-h2' });

      const report = await ctx.storage.importData(file);

      expect(report.skipped).toEqual([
        { kind: 'profile', id: ada.id, reason: SKIP_REASONS.newerHere },
      ]);
      expect(report.imported.history).toBe(1);
      expect((await ctx.storage.users.get(ada.id))?.email).toBe('ada@new.example.com');
    });

    it('a row whose id another profile uses here is skipped, the owner’s row untouched', async () => {
      const { ada } = await seed();
      const file = await ctx.storage.exportData();
      Object.assign(row(file, 'savedQueries', 'admin-s'), {
        userId: ada.id,
        name: 'hijack',
        updatedAt: hourLater(file.exportedAt),
      });

      const report = await ctx.storage.importData(file);

      expect(report.skipped).toEqual([
        { kind: 'savedQuery', id: 'admin-s', reason: SKIP_REASONS.idTaken },
      ]);
      expect((await ctx.storage.savedQueries.get('admin-s'))?.name).toBe('admin-s');
    });
  });

  describe('permissions', () => {
    it('a user imports only their own profile; the rest belongs to another profile', async () => {
      const { bob } = await seed();
      const file = await ctx.storage.exportData();
      const target = await freshBrowser();
      const ada = await target.users.create({ username: 'ada', role: 'user' });
      await target.switchUser(ada.id);

      const report = await target.importData(file);

      expect(report.imported).toEqual({ ...nothing, history: 1, savedQueries: 1, connections: 1 });
      const others = report.skipped.map((s) => [s.kind, s.id, s.reason]);
      const foreign = SKIP_REASONS.otherProfile;
      expect(others).toEqual([
        ['profile', 'local-admin', foreign],
        ['profile', bob.id, foreign],
        ...file.history.filter((h) => h.id !== 'ada-h').map((h) => ['history', h.id, foreign]),
        ['savedQuery', 'admin-s', foreign],
        ['connection', 'admin-c', foreign],
      ]);
      expect((await target.users.list()).map((u) => u.username).sort()).toEqual(['ada', 'admin']);
      expect((await target.getHistory()).map((h) => h.id)).toEqual(['ada-h']);
    });

    it('a user never changes a role by importing, not even their own', async () => {
      const { ada } = await seed();
      const file = await ctx.storage.exportData();
      Object.assign(row(file, 'profiles', ada.id), {
        role: 'admin',
        email: 'ada@file.example.com',
        updatedAt: hourLater(file.exportedAt),
      });
      await ctx.storage.switchUser(ada.id);

      const report = await ctx.storage.importData(file);

      expect(report.updated.profiles).toBe(1);
      expect(await ctx.storage.currentUser()).toMatchObject({
        role: 'user',
        email: 'ada@file.example.com',
      });
    });

    it('a viewer imports history and preferences, not saved queries or connections', async () => {
      const { bob } = await seed();
      const file = await ctx.storage.exportData();
      file.history.push({ ...row(file, 'history', 'bob-h'), id: 'bob-h2' });
      file.savedQueries.push({
        ...row(file, 'savedQueries', 'admin-s'),
        id: 'bob-s',
        userId: bob.id,
      });
      Object.assign(row(file, 'profiles', bob.id), {
        preferences: { theme: 'light' },
        updatedAt: hourLater(file.exportedAt),
      });
      await ctx.storage.switchUser(bob.id);

      const report = await ctx.storage.importData(file);

      expect(report.imported).toEqual({ ...nothing, history: 1 });
      expect(report.updated).toEqual({ ...nothing, profiles: 1 });
      expect(report.skipped).toContainEqual({
        kind: 'savedQuery',
        id: 'bob-s',
        reason: 'a viewer cannot import saved queries',
      });
      expect(await ctx.storage.preferences.get()).toEqual({ theme: 'light' });
    });

    it('an admin import changes roles, but never demotes the last admin', async () => {
      const { ada } = await seed();
      const file = await ctx.storage.exportData();
      const later = hourLater(file.exportedAt);
      Object.assign(row(file, 'profiles', 'local-admin'), { role: 'user', updatedAt: later });
      Object.assign(row(file, 'profiles', ada.id), { role: 'viewer', updatedAt: later });

      const report = await ctx.storage.importData(file);

      expect(report.updated.profiles).toBe(2);
      expect(report.skipped).toEqual([
        { kind: 'profile', id: 'local-admin', reason: SKIP_REASONS.lastAdmin },
      ]);
      expect((await ctx.storage.users.get('local-admin'))?.role).toBe('admin');
      expect((await ctx.storage.users.get(ada.id))?.role).toBe('viewer');
    });

    it('an admin import may demote an admin when another one remains, the importer too', async () => {
      const { ada } = await seed();
      await ctx.storage.users.update(ada.id, { role: 'admin' });
      const file = await ctx.storage.exportData();
      Object.assign(row(file, 'profiles', 'local-admin'), {
        role: 'viewer',
        updatedAt: hourLater(file.exportedAt),
      });

      await ctx.storage.importData(file);

      expect((await ctx.storage.currentUser()).role).toBe('viewer');
      await expect(ctx.storage.saveQuery(saved('x'))).rejects.toMatchObject({
        code: 'PERMISSION',
      });
    });
  });

  it('tells every listener which tables it wrote', async () => {
    await seed();
    const file = await ctx.storage.exportData();
    const target = await freshBrowser();
    await target.open();
    const events: ChangeEvent[] = [];
    target.subscribe((event) => events.push(event));

    const report: TransferReport = await target.importData(file);

    expect(report.imported.profiles).toBe(2);
    expect(new Set(events.map((e) => e.table))).toEqual(
      new Set(['platform_users', 'query_logs', 'saved_queries', 'connections']),
    );
  });
});
