import {
  STUDIO_DOCUMENT_KINDS,
  STUDIO_DOCUMENT_WRITERS,
  type StudioDocumentKind,
} from '@platform/schema/browser';
import { afterEach, describe, expect, it } from 'vitest';
import type { ChangeEvent } from '../changes.ts';
import type { PlatformStorage } from '../storage.ts';
import { emptyDatabase, testStorage, useTestStorage } from '../test-support/shared-database.ts';
import { takeConnectionSecrets } from '../vault/connection-secrets.ts';
import { EXPORT_FORMAT, type PlatformExport, type PlatformExportV1 } from './format.ts';
import { SKIP_REASONS } from './import.ts';
import { ODD, saved, seedProfiles, seedStudio, studioView } from './test-fixtures.ts';

/**
 * Importing what the studio stores beyond the columns: open records (`extra`), the order of
 * its lists, and its documents (`studio_documents`).
 */
const ctx = useTestStorage();
const opened: PlatformStorage[] = [];
afterEach(async () => {
  for (const storage of opened.splice(0)) await storage.close();
});

/** A storage over the emptied database: a browser that has never been used. */
async function freshBrowser(): Promise<PlatformStorage> {
  await emptyDatabase(ctx.database);
  const { storage } = testStorage(ctx.database);
  opened.push(storage);
  return storage;
}

/** As the file travels: written out and read back. */
const asFile = <T>(value: T): T => JSON.parse(JSON.stringify(value));
const hourLater = (iso: string) => new Date(Date.parse(iso) + 3_600_000).toISOString();
const dayEarlier = (iso: string) => new Date(Date.parse(iso) - 86_400_000).toISOString();
const nothing = { profiles: 0, history: 0, savedQueries: 0, connections: 0, documents: 0 };

/** What each profile's studio shows, keyed by username, with the connections' secrets out. */
async function views(s: PlatformStorage) {
  const me = await s.currentUser();
  const out: Record<string, Awaited<ReturnType<typeof studioView>>> = {};
  for (const user of await s.users.list()) {
    await s.switchUser(user.id);
    const label = user.username === 'admin' ? 'admin' : user.username;
    const view = await studioView(s, [`${label}-studio-c`, `${label}-${ODD}`, null]);
    out[user.username] = {
      ...view,
      connections: view.connections.map((c) => takeConnectionSecrets(c).record as typeof c),
    };
  }
  await s.switchUser(me.id);
  return out;
}

/** Admin and ada with everything the studio stores, bob (a viewer) with what a viewer writes. */
async function seedAll() {
  const { ada, bob } = await seedProfiles(ctx.storage);
  await seedStudio(ctx.storage, 'admin');
  await ctx.storage.switchUser(ada.id);
  await seedStudio(ctx.storage, 'ada');
  await ctx.storage.switchUser(bob.id);
  await ctx.storage.saveSchemaSnapshot({
    id: 'bob-snap',
    connectionId: 'c1',
    connectionName: 'Prod',
    databaseType: 'postgres',
    schema: [],
    createdAt: new Date(),
  });
  await ctx.storage.saveAuditLog([
    {
      id: 'bob-e',
      timestamp: '2026-02-01T00:00:00.000Z',
      type: 'query',
      action: 'run',
      target: ODD,
      user: 'bob',
      result: 'failure',
    },
  ]);
  await ctx.storage.switchUser('local-admin');
  return { ada, bob };
}

/** The file's document of this owner, kind and key, to edit in a test. */
function doc(file: PlatformExport, userId: string, kind: StudioDocumentKind, key: string) {
  const found = file.documents.find((d) => d.userId === userId && d.kind === kind && d.key === key);
  if (!found) throw new Error(`no ${kind} document ${key} of ${userId} in the file`);
  return found;
}

describe('importData: everything the studio stores', () => {
  it('export, import into a fresh browser, export again: every collection, every field', async () => {
    await seedAll();
    const original = await ctx.storage.exportData();
    const before = await views(ctx.storage);

    const target = await freshBrowser();
    const report = await target.importData(asFile(original));
    const again = await target.exportData();

    expect(report).toEqual({
      // seedProfiles' rows, and seedStudio's twice (admin, ada): bob's two documents too.
      imported: {
        profiles: 2,
        history: 3 + 4,
        savedQueries: 2 + 4,
        connections: 2 + 4,
        documents: 2 * 15 + 2,
      },
      updated: { ...nothing, profiles: 1 },
      alreadyPresent: 0,
      skipped: [],
    });
    expect({ ...again, exportedAt: original.exportedAt }).toEqual(original);
    // What the studio reads back is what it stored, but for the secrets left in the vault.
    const after = await views(target);
    expect(after).toEqual(before);

    const admin = after.admin;
    expect(admin?.connections.find((c) => c.id === 'admin-studio-c')).toMatchObject({
      name: `Warehouse ${ODD}`,
      port: null,
      environment: 'production',
      ssl: {
        mode: 'verify-full',
        caCert: 'CA PEM',
        clientCert: 'CERT PEM',
        rejectUnauthorized: true,
      },
      sshTunnel: { enabled: true, host: 'bastion.example.com', port: 22, authMethod: 'privateKey' },
      fromANewerStudio: { nested: [1, 'two', null], note: ODD },
      connectionString: 'oracle://scott:********@ora.example.com:1521/ORCL',
    });
    expect(admin?.connections.find((c) => c.id === 'admin-demo-c')).toMatchObject({ isDemo: true });
    expect(admin?.savedQueries.map((q) => [q.id, q.tags])).toEqual([
      ['admin-s', ['report']],
      ['admin-studio-s', ['b', 'a', 'b', '', ODD]],
      ['admin-untagged-s', undefined],
    ]);
    expect(admin?.history.find((h) => h.id === 'admin-studio-h')).toMatchObject({
      query: '',
      rowCount: 2 ** 40,
      executionTime: null,
      errorMessage: ODD,
      plan: { node: 'Seq Scan', cost: [0, 1.5] },
    });
    expect(admin?.history.find((h) => h.id === 'admin-null-h')).toMatchObject({ rowCount: null });
    expect(admin?.snapshots.map((s) => [s.id, s.schema[0]?.name])).toEqual([
      ['snap-1', 'ORDERS'],
      ['snap-2', 'ITEMS'],
      ['snap-1', 'AGAIN'],
    ]);
    expect(admin?.charts.map((c) => c.id)).toEqual(['chart-b', 'chart-a']);
    expect(admin?.audit.map((e) => `${e.id} ${e.action}`)).toEqual([
      'e-3 run',
      'e-1 export',
      'e-3 again',
    ]);
    expect(admin?.masking.patterns[0]?.name).toBe(ODD);
    expect(admin?.thresholds).toEqual([
      { metric: 'cpu', warning: 70, critical: 90, direction: 'above', label: ODD },
    ]);
    expect(admin?.active).toBe('admin-studio-c');
    expect(admin?.dismissed).toEqual(['admin-seed']);
    expect(admin?.workspace[`admin-${ODD}`]).toMatchObject({ tabs: [{ name: ODD, query: ODD }] });
    expect(after.bob?.audit.map((e) => e.target)).toEqual([ODD]);
  });

  it('importing the same file again finds every document already there', async () => {
    await seedAll();
    const file = asFile(await ctx.storage.exportData());
    const target = await freshBrowser();
    await target.importData(file);

    const second = await target.importData(file);

    const rows =
      file.profiles.length +
      file.history.length +
      file.savedQueries.length +
      file.connections.length +
      file.documents.length;
    expect(second).toEqual({
      imported: nothing,
      updated: nothing,
      alreadyPresent: rows,
      skipped: [],
    });
  });

  it('tells every listener it wrote studio documents', async () => {
    await seedAll();
    const file = await ctx.storage.exportData();
    const target = await freshBrowser();
    await target.open();
    const events: ChangeEvent[] = [];
    target.subscribe((event) => events.push(event));

    await target.importData(file);

    expect(new Set(events.map((e) => e.table))).toEqual(
      new Set(['platform_users', 'query_logs', 'saved_queries', 'connections', 'studio_documents']),
    );
  });

  describe('order', () => {
    it('an item new here goes after the ones here, in the file’s order', async () => {
      await seedStudio(ctx.storage);
      const file = asFile(await ctx.storage.exportData());
      // The file's order is the order: turned around, the lists come in turned around.
      file.savedQueries.reverse();
      file.connections.reverse();
      file.documents.reverse();
      const target = await freshBrowser();
      await target.saveQuery(saved('mine-s'));
      await target.saveConnection({
        id: 'mine-c',
        name: 'Mine',
        type: 'sqlite',
        createdAt: new Date(),
      });
      await target.saveChart({
        id: 'mine-chart',
        name: 'Mine',
        chartType: 'line',
        xAxis: 'x',
        yAxis: ['y'],
        createdAt: new Date(),
      });
      await target.saveSchemaSnapshot({
        id: 'mine-snap',
        connectionId: 'mine-c',
        connectionName: 'Mine',
        databaseType: 'sqlite',
        schema: [],
        createdAt: new Date(),
      });

      await target.importData(file);

      expect((await target.getSavedQueries()).map((q) => q.id)).toEqual([
        'mine-s',
        'admin-untagged-s',
        'admin-studio-s',
      ]);
      expect((await target.getConnections()).map((c) => c.id)).toEqual([
        'mine-c',
        'admin-demo-c',
        'admin-studio-c',
      ]);
      expect((await target.getSavedCharts()).map((c) => c.id)).toEqual([
        'mine-chart',
        'chart-a',
        'chart-b',
      ]);
      expect((await target.getSchemaSnapshots()).map((s) => s.schema[0]?.name ?? s.id)).toEqual([
        'mine-snap',
        'AGAIN',
        'ITEMS',
        'ORDERS',
      ]);
      expect((await target.getAuditLog()).map((e) => e.action)).toEqual(['again', 'export', 'run']);
    });

    it('a row replaced from the file keeps its place; one deleted here before comes back last', async () => {
      await seedStudio(ctx.storage);
      await ctx.storage.saveQuery(saved('last-s'));
      const file = asFile(await ctx.storage.exportData());
      const later = hourLater(file.exportedAt);
      for (const q of file.savedQueries)
        Object.assign(q, { name: `${q.id} from the file`, updatedAt: later });
      Object.assign(doc(file, 'local-admin', 'saved_chart', 'chart-b'), {
        doc: { id: 'chart-b', name: 'from the file' },
        updatedAt: later,
      });
      Object.assign(doc(file, 'local-admin', 'saved_chart', 'chart-a'), { updatedAt: later });
      // Deleted here, with the tombstone sync leaves, before the file's version was made.
      await ctx.database.pg.exec(`
        update saved_queries set deleted_at = now(), updated_at = now() where id = 'admin-studio-s';
        update studio_documents set deleted_at = now(), updated_at = now() where key = 'chart-b';`);

      const report = await ctx.storage.importData(file);

      expect(report.updated).toEqual({ ...nothing, savedQueries: 3, documents: 2 });
      expect((await ctx.storage.getSavedQueries()).map((q) => [q.id, q.name])).toEqual([
        ['admin-untagged-s', 'admin-untagged-s from the file'],
        ['last-s', 'last-s from the file'],
        ['admin-studio-s', 'admin-studio-s from the file'],
      ]);
      expect((await ctx.storage.getSavedCharts()).map((c) => [c.id, c.name])).toEqual([
        ['chart-a', 'A'],
        ['chart-b', 'from the file'],
      ]);
    });
  });

  describe('merge rules for documents', () => {
    it('matched by owner, kind and key: the later updatedAt wins, the same is already here', async () => {
      await seedStudio(ctx.storage);
      const file = asFile(await ctx.storage.exportData());
      const chart = doc(file, 'local-admin', 'saved_chart', 'chart-b');
      Object.assign(chart, {
        doc: { ...(chart.doc as object), name: 'from the file' },
        updatedAt: hourLater(file.exportedAt),
      });
      const masking = doc(file, 'local-admin', 'masking_config', '');
      Object.assign(masking, { doc: { enabled: false }, updatedAt: dayEarlier(masking.updatedAt) });
      const tabs = doc(file, 'local-admin', 'workspace_tabs', 'admin-studio-c');
      Object.assign(tabs, {
        doc: { activeTabId: 'x', tabs: [] },
        updatedAt: dayEarlier(tabs.updatedAt),
      });

      const report = await ctx.storage.importData(file);

      expect(report.updated).toEqual({ ...nothing, documents: 1 });
      expect(report.imported).toEqual(nothing);
      expect(report.skipped).toEqual([
        {
          kind: 'document',
          id: 'masking_config',
          userId: 'local-admin',
          reason: SKIP_REASONS.newerHere,
        },
        {
          kind: 'document',
          id: 'workspace_tabs:admin-studio-c',
          userId: 'local-admin',
          reason: SKIP_REASONS.newerHere,
        },
      ]);
      expect(report.alreadyPresent).toBe(
        file.profiles.length +
          file.history.length +
          file.savedQueries.length +
          file.connections.length +
          file.documents.length -
          3,
      );
      expect((await ctx.storage.getSavedCharts()).map((c) => [c.id, c.name])).toEqual([
        ['chart-b', 'from the file'],
        ['chart-a', 'A'],
      ]);
      expect((await ctx.storage.getMaskingConfig()).enabled).toBe(true);
      expect((await ctx.storage.getWorkspaceTabs('admin-studio-c'))?.activeTabId).toBe('t2');
    });

    it('a document deleted here after the file was made stays deleted, and is reported', async () => {
      await seedStudio(ctx.storage);
      const file = asFile(await ctx.storage.exportData());
      await ctx.database.pg.exec(`
        update studio_documents set deleted_at = now(), updated_at = now() + interval '1 hour'
        where kind = 'threshold_config'`);

      const report = await ctx.storage.importData(file);

      expect(report.skipped).toEqual([
        {
          kind: 'document',
          id: 'threshold_config',
          userId: 'local-admin',
          reason: SKIP_REASONS.deletedHere,
        },
      ]);
      // Without a stored one the studio's defaults show: the one from the file did not come back.
      expect((await ctx.storage.getThresholdConfig()).map((t) => t.label)).not.toContain(ODD);
    });

    it('a profile matched by username takes its documents, and another’s same keys stay theirs', async () => {
      const { ada } = await seedAll();
      const file = asFile(await ctx.storage.exportData());
      const target = await freshBrowser();
      const here = await target.users.create({ username: 'ada', role: 'user' });
      await target.switchUser(here.id);
      await target.saveChart({
        id: 'chart-a',
        name: 'ada’s own, here',
        chartType: 'pie',
        xAxis: 'x',
        yAxis: [],
        createdAt: new Date(),
      });

      const report = await target.importData(file);

      // The chart here was made after the file: it is newer, and kept.
      expect(report.imported.documents).toBe(14);
      const foreign = report.skipped.filter((s) => s.kind === 'document' && s.userId !== ada.id);
      expect(foreign).toHaveLength(file.documents.filter((d) => d.userId !== ada.id).length);
      expect(new Set(foreign.map((s) => s.reason))).toEqual(new Set([SKIP_REASONS.otherProfile]));
      expect(report.skipped.filter((s) => s.userId === ada.id)).toEqual([
        {
          kind: 'document',
          id: 'saved_chart:chart-a',
          userId: ada.id,
          reason: SKIP_REASONS.newerHere,
        },
      ]);
      expect((await target.getSavedCharts()).map((c) => [c.id, c.name])).toEqual([
        ['chart-a', 'ada’s own, here'],
        ['chart-b', `B ${ODD}`],
      ]);
      expect(await target.getActiveConnectionId()).toBe('ada-studio-c');
      await target.switchUser('local-admin');
      expect(await target.getSavedCharts()).toEqual([]);
    });

    it('a viewer imports only the documents a viewer may write', async () => {
      const { bob } = await seedAll();
      const file = asFile(await ctx.storage.exportData());
      const at = file.exportedAt;
      for (const kind of STUDIO_DOCUMENT_KINDS) {
        const list = ['schema_snapshot', 'saved_chart', 'audit_event'].includes(kind);
        file.documents.push({
          userId: bob.id,
          kind,
          key: list ? 'from-file' : kind === 'workspace_tabs' ? 'c1' : '',
          doc: list
            ? { id: 'from-file', schema: [] }
            : kind === 'active_connection_id'
              ? 'c1'
              : ['x'],
          createdAt: at,
          updatedAt: at,
        });
      }
      await ctx.storage.switchUser(bob.id);

      const report = await ctx.storage.importData(file);

      expect(report.imported).toEqual({ ...nothing, documents: 4 });
      const own = report.skipped.filter((s) => s.kind === 'document' && s.userId === bob.id);
      expect(own).toEqual([
        {
          kind: 'document',
          id: 'saved_chart:from-file',
          userId: bob.id,
          reason: 'a viewer cannot import saved charts',
        },
        {
          kind: 'document',
          id: 'masking_config',
          userId: bob.id,
          reason: 'a viewer cannot import the masking config',
        },
        {
          kind: 'document',
          id: 'threshold_config',
          userId: bob.id,
          reason: 'a viewer cannot import the threshold config',
        },
        {
          kind: 'document',
          id: 'dismissed_seeds',
          userId: bob.id,
          reason: 'a viewer cannot import dismissed seeds',
        },
      ]);
      expect((await ctx.storage.getSchemaSnapshots()).map((s) => s.id)).toEqual([
        'bob-snap',
        'from-file',
      ]);
      expect((await ctx.storage.getAuditLog()).map((e) => e.id)).toEqual(['bob-e', 'from-file']);
      expect(await ctx.storage.getActiveConnectionId()).toBe('c1');
      expect(await ctx.storage.getWorkspaceTabs('c1')).toEqual(['x']);
      expect(await ctx.storage.getSavedCharts()).toEqual([]);
      expect(await ctx.storage.getDismissedSeeds()).toEqual([]);
    });

    it('lets a viewer import exactly what the repository lets a viewer write', async () => {
      const { bob } = await seedProfiles(ctx.storage);
      await ctx.storage.switchUser(bob.id);
      const writable: StudioDocumentKind[] = [];
      for (const kind of STUDIO_DOCUMENT_KINDS) {
        const write = ['schema_snapshot', 'saved_chart', 'audit_event'].includes(kind)
          ? ctx.storage.documents.append(kind as 'saved_chart', { id: 'x' })
          : ctx.storage.documents.set(kind as 'masking_config', { x: 1 });
        const refused = await write.then(
          () => false,
          (error: { code?: string }) => error.code === 'PERMISSION',
        );
        if (!refused) writable.push(kind);
      }

      expect(writable).toEqual(
        STUDIO_DOCUMENT_KINDS.filter((k) => STUDIO_DOCUMENT_WRITERS[k].includes('viewer')),
      );
      expect(writable).toEqual([
        'schema_snapshot',
        'audit_event',
        'active_connection_id',
        'workspace_tabs',
      ]);
    });
  });

  describe('version 1 files', () => {
    const AT = '2025-01-01T00:00:00.000Z';
    /** A file as studios exported it before version 2, saved queries by their last change. */
    const v1: PlatformExportV1 = {
      format: EXPORT_FORMAT,
      version: 1,
      exportedAt: '2025-06-01T00:00:00.000Z',
      secretsIncluded: false,
      profiles: [
        {
          id: 'local-admin',
          username: 'admin',
          email: null,
          role: 'admin',
          preferences: { theme: 'dark' },
          createdAt: AT,
          updatedAt: '2025-02-01T00:00:00.000Z',
        },
      ],
      history: [
        {
          id: 'v1-h',
          userId: 'local-admin',
          connectionId: 'v1-c',
          connectionName: 'Old',
          tabName: null,
          query: 'select 1',
          rowCount: 1,
          executionTimeMs: 4,
          status: 'success',
          errorMessage: null,
          executedAt: '2025-03-01T00:00:00.000Z',
        },
      ],
      savedQueries: [
        {
          id: 'v1-newer',
          userId: 'local-admin',
          name: 'Made second, edited last',
          query: 'select 2',
          description: null,
          connectionType: 'postgres',
          tags: [],
          createdAt: '2025-02-01T00:00:00.000Z',
          updatedAt: '2025-05-01T00:00:00.000Z',
        },
        {
          id: 'v1-older',
          userId: 'local-admin',
          name: 'Made first',
          query: 'select 1',
          description: 'd',
          connectionType: 'mysql',
          tags: ['x'],
          createdAt: AT,
          updatedAt: '2025-04-01T00:00:00.000Z',
        },
      ],
      connections: [
        {
          id: 'v1-c',
          userId: 'local-admin',
          name: 'Old',
          type: 'postgres',
          host: 'db',
          port: 5432,
          user: 'app',
          database: 'shop',
          connectionString: 'postgres://app:********@db/shop',
          isDemo: false,
          createdAt: AT,
          updatedAt: AT,
        },
        {
          id: 'v1-demo',
          userId: 'local-admin',
          name: 'Demo',
          type: 'demo',
          host: null,
          port: null,
          user: null,
          database: null,
          connectionString: null,
          isDemo: true,
          createdAt: '2025-01-02T00:00:00.000Z',
          updatedAt: '2025-01-02T00:00:00.000Z',
        },
      ],
    };

    it('still imports, its lists in the order they were made, and exports again as version 2', async () => {
      const target = await freshBrowser();

      const report = await target.importData(asFile(v1));
      const file = await target.exportData();

      expect(report).toEqual({
        imported: { ...nothing, history: 1, savedQueries: 2, connections: 2 },
        updated: { ...nothing, profiles: 1 },
        alreadyPresent: 0,
        skipped: [],
      });
      expect((await target.getSavedQueries()).map((q) => q.id)).toEqual(['v1-older', 'v1-newer']);
      expect(await target.getConnections()).toEqual([
        {
          id: 'v1-c',
          name: 'Old',
          type: 'postgres',
          host: 'db',
          port: 5432,
          user: 'app',
          database: 'shop',
          connectionString: 'postgres://app:********@db/shop',
          createdAt: new Date(AT),
        },
        {
          id: 'v1-demo',
          name: 'Demo',
          type: 'demo',
          isDemo: true,
          createdAt: new Date('2025-01-02T00:00:00.000Z'),
        },
      ]);
      // As version 2 has it: no extra but the demo marker, saved queries in their new order.
      expect(file).toEqual({
        ...v1,
        version: 2,
        exportedAt: file.exportedAt,
        history: v1.history.map((h) => ({ ...h, extra: null })),
        savedQueries: [...v1.savedQueries].reverse().map((q) => ({ ...q, extra: null })),
        connections: v1.connections.map((c) => ({
          ...c,
          extra: c.isDemo ? { isDemo: true } : null,
        })),
        documents: [],
      });
    });

    it('merges into what is here by the same rules as version 2', async () => {
      const target = await freshBrowser();
      await target.importData(asFile(v1));
      const file = asFile(v1);
      Object.assign(file.savedQueries[1] as object, {
        name: 'renamed in the file',
        updatedAt: '2025-07-01T00:00:00.000Z',
      });

      const report = await target.importData(file);

      expect(report.updated).toEqual({ ...nothing, savedQueries: 1 });
      expect(report.alreadyPresent).toBe(1 + 1 + 1 + 2);
      expect((await target.getSavedQueries()).map((q) => q.name)).toEqual([
        'renamed in the file',
        'Made second, edited last',
      ]);
    });
  });

  it('keeps everything as it was when writing a document fails, the last thing it writes', async () => {
    await seedStudio(ctx.storage);
    const file = asFile(await ctx.storage.exportData());
    const before = await ctx.storage.exportData();
    file.history.push({ ...(file.history[0] as PlatformExport['history'][number]), id: 'new-h' });
    file.documents.push({ ...doc(file, 'local-admin', 'saved_chart', 'chart-a'), key: 'boom' });
    await ctx.database.pg.exec(`
      create function refuse_boom() returns trigger language plpgsql as $$
      begin
        if new.key = 'boom' then raise exception 'refused by the test'; end if;
        return new;
      end $$;
      create trigger refuse_boom before insert on studio_documents
        for each row execute function refuse_boom();`);
    try {
      await expect(ctx.storage.importData(file)).rejects.toThrow(/studio_documents/);
    } finally {
      await ctx.database.pg.exec(
        'drop trigger refuse_boom on studio_documents; drop function refuse_boom();',
      );
    }

    expect({ ...(await ctx.storage.exportData()), exportedAt: before.exportedAt }).toEqual(before);
  });

  describe('secrets', () => {
    it('refuses a file with a secret anywhere in a connection, and writes nothing', async () => {
      await seedStudio(ctx.storage);
      const file = asFile(await ctx.storage.exportData());
      const before = await ctx.storage.exportData();
      const connection = file.connections.find((c) => c.id === 'admin-studio-c');
      if (!connection?.extra) throw new Error('the studio connection has no extra');
      Object.assign(connection.extra.sshTunnel as object, { privateKey: 'BEGIN KEY' });
      Object.assign(connection, {
        agentPassword: 'top-level',
        updatedAt: hourLater(file.exportedAt),
      });
      Object.assign(doc(file, 'local-admin', 'saved_chart', 'chart-b'), {
        updatedAt: hourLater(file.exportedAt),
      });

      await expect(ctx.storage.importData(file)).rejects.toMatchObject({
        code: 'VALIDATION',
        issues: [
          { path: expect.stringMatching(/^connections\.\d+\.agentPassword$/) },
          { path: expect.stringMatching(/^connections\.\d+\.extra\.sshTunnel\.privateKey$/) },
        ],
      });
      expect({ ...(await ctx.storage.exportData()), exportedAt: before.exportedAt }).toEqual(
        before,
      );
    });
  });
});
