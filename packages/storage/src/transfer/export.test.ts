import { describe, expect, it } from 'vitest';
import { useTestStorage } from '../test-support/shared-database.ts';
import { parseExport } from './format.ts';
import { ODD, STUDIO_SECRETS, saved, seedProfiles, seedStudio } from './test-fixtures.ts';

const ctx = useTestStorage();

const seed = () => seedProfiles(ctx.storage);

describe('exportData', () => {
  it('gives an admin every profile and all their data, each row naming its owner', async () => {
    const { ada, bob } = await seed();

    const file = await ctx.storage.exportData();

    expect(file).toMatchObject({
      format: 'platform-storage-export',
      version: 2,
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
      // The entry's fields beyond the columns: `executionTime` went to its column, no others.
      extra: null,
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

  describe('version 2: open records, documents, order', () => {
    it('carries every field the studio gave, without its secrets, in extra', async () => {
      await seedStudio(ctx.storage);

      const file = await ctx.storage.exportData();

      const connection = file.connections.find((c) => c.id === 'admin-studio-c');
      expect(connection).toMatchObject({
        name: `Warehouse ${ODD}`,
        type: 'oracle',
        port: null,
        user: 'scott',
        connectionString: 'oracle://scott:********@ora.example.com:1521/ORCL',
      });
      expect(connection?.extra).toEqual({
        // The studio's explicit null: the column cannot tell it from absent, so it stays here.
        port: null,
        environment: 'production',
        color: '#e11d48',
        group: 'Finance',
        ssl: {
          mode: 'verify-full',
          caCert: 'CA PEM',
          clientCert: 'CERT PEM',
          rejectUnauthorized: true,
        },
        sshTunnel: {
          enabled: true,
          host: 'bastion.example.com',
          port: 22,
          username: 'ops',
          authMethod: 'privateKey',
        },
        serviceName: 'ORCLPDB1',
        managed: true,
        agentUser: 'agent',
        fromANewerStudio: { nested: [1, 'two', null], note: ODD },
      });
      expect(file.savedQueries.find((q) => q.id === 'admin-studio-s')).toMatchObject({
        tags: ['b', 'a', 'b', '', ODD],
        extra: { pinned: true, folder: { name: ODD } },
      });
      expect(file.savedQueries.find((q) => q.id === 'admin-untagged-s')).toMatchObject({
        query: '',
        tags: null,
        extra: null,
      });
      expect(file.history.find((h) => h.id === 'admin-studio-h')).toMatchObject({
        query: '',
        rowCount: 2 ** 40,
        executionTimeMs: null,
        extra: { executionTime: null, plan: { node: 'Seq Scan', cost: [0, 1.5] } },
      });
    });

    it('lists every document, each owner’s lists in their order', async () => {
      const { ada } = await seed();
      await ctx.storage.switchUser(ada.id);
      await seedStudio(ctx.storage, 'ada');
      await ctx.storage.switchUser('local-admin');
      await seedStudio(ctx.storage, 'admin');

      const file = await ctx.storage.exportData();

      const of = (userId: string) =>
        file.documents.filter((d) => d.userId === userId).map((d) => `${d.kind}:${d.key}`);
      const expected = (label: string) => [
        'active_connection_id:',
        'audit_event:e-3',
        'audit_event:e-1',
        'audit_event:e-3#2',
        `dismissed_seeds:`,
        'masking_config:',
        'saved_chart:chart-b',
        'saved_chart:chart-a',
        'schema_snapshot:snap-1',
        'schema_snapshot:snap-2',
        'schema_snapshot:snap-1#2',
        'threshold_config:',
        // Settings of a kind in the order of their keys as stored (the database's order).
        ...[`${label}-studio-c`, `${label}-${ODD}`, 'default'].map(
          (key) => `workspace_tabs:${key}`,
        ),
      ];
      const sortedTabs = (keys: string[]) => [
        ...keys.filter((k) => !k.startsWith('workspace_tabs:')),
        ...keys.filter((k) => k.startsWith('workspace_tabs:')).sort(),
      ];
      // Profiles in the file's order (the admin first), whatever their ids.
      expect(file.documents.map((d) => d.userId)).toEqual([
        ...of('local-admin').map(() => 'local-admin'),
        ...of(ada.id).map(() => ada.id),
      ]);
      expect(sortedTabs(of('local-admin'))).toEqual(sortedTabs(expected('admin')));
      expect(sortedTabs(of(ada.id))).toEqual(sortedTabs(expected('ada')));
      expect(file.documents.find((d) => d.kind === 'dismissed_seeds')?.doc).toEqual(['admin-seed']);
      expect(file.documents.find((d) => d.kind === 'saved_chart')).toMatchObject({
        doc: { id: 'chart-b', name: `B ${ODD}`, yAxis: ['total', ODD] },
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
    });

    it('lists saved queries and connections in the studio’s order, not by date', async () => {
      await ctx.storage.saveQuery({ ...saved('later'), createdAt: new Date('2030-01-01') });
      await ctx.storage.saveQuery({ ...saved('earlier'), createdAt: new Date('2020-01-01') });
      await ctx.storage.saveQuery({ ...saved('later'), name: 'edited' });
      await ctx.storage.saveConnection({
        id: 'z',
        name: 'z',
        type: 'mysql',
        createdAt: new Date('2030-01-01'),
      });
      await ctx.storage.saveConnection({
        id: 'a',
        name: 'a',
        type: 'mysql',
        createdAt: new Date('2020-01-01'),
      });

      const file = await ctx.storage.exportData();

      expect(file.savedQueries.map((q) => [q.id, q.name])).toEqual([
        ['later', 'edited'],
        ['earlier', 'earlier'],
      ]);
      expect(file.connections.map((c) => c.id)).toEqual(['z', 'a']);
    });

    it('carries no secret even of a row written behind the repository’s back', async () => {
      await seed();
      await ctx.database.pg.query(
        `update connections set extra = $1, connection_string = $2 where id = 'admin-c'`,
        [
          JSON.stringify({
            password: 'leak-1',
            agentPassword: 'leak-2',
            ssl: { mode: 'require', clientKey: 'leak-3' },
            sshTunnel: { enabled: true, password: 'leak-4', privateKey: 'leak-5', passphrase: 7 },
            connectionString: 'postgres://u:leak-6@h/db',
            kept: 'yes',
          }),
          'postgres://u:leak-7@h/db',
        ],
      );

      const file = await ctx.storage.exportData();

      expect(JSON.stringify(file)).not.toMatch(/leak-/);
      expect(file.connections.find((c) => c.id === 'admin-c')).toMatchObject({
        connectionString: 'postgres://u:********@h/db',
        extra: {
          ssl: { mode: 'require' },
          sshTunnel: { enabled: true },
          connectionString: 'postgres://u:********@h/db',
          kept: 'yes',
        },
      });
      expect(() => parseExport(JSON.parse(JSON.stringify(file)))).not.toThrow();
    });

    it('carries none of a studio connection’s secrets, anywhere in the file', async () => {
      await seedStudio(ctx.storage);

      const text = JSON.stringify(await ctx.storage.exportData());

      for (const secret of STUDIO_SECRETS) expect(text).not.toContain(secret);
      // The vault still has them: the export left them there.
      expect(await ctx.storage.connections.get('admin-studio-c')).toMatchObject({
        password: 'tiger-secret',
        agentPassword: 'agent-secret',
        ssl: { clientKey: 'ssl-key-secret' },
        sshTunnel: { privateKey: 'ssh-key-secret' },
      });
    });
  });
});
