// Sync end to end for what the studio keeps besides history and saved queries: its documents
// (schema snapshots, charts, the audit log, settings), connections as open records, and text
// no Postgres `text` holds. Two devices (real storage on PGlite), the real server on real
// PostgreSQL, Electric's test double; everything read back through the studio's facade.
import { describe, expect, it } from 'vitest';
import { checksum, type Device, snapshot } from './sync-harness.ts';
import { useSyncHarness } from './use-sync-harness.ts';

const ctx = useSyncHarness();

const SOON = { timeout: 30_000, interval: 100 };

async function converged(userId: string, ...devices: Device[]) {
  await expect
    .poll(async () => {
      const server = await checksum(ctx.harness.sql, userId);
      const local = await Promise.all(devices.map((d) => checksum(d.pg, userId)));
      return local.every((sum) => sum === server);
    }, SOON)
    .toBe(true);
  const server = await snapshot(ctx.harness.sql, userId);
  for (const device of devices) expect(await snapshot(device.pg, userId)).toEqual(server);
}

/** Every row of every table the server has, as text: where a secret would show if it leaked. */
async function everythingOnTheServer(): Promise<string> {
  const { rows: tables } = await ctx.harness.sql.query<{ name: string }>(
    `select format('%I.%I', table_schema, table_name) as name from information_schema.tables
      where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')`,
  );
  const texts: string[] = [];
  for (const { name } of tables) {
    const { rows } = await ctx.harness.sql.query<{ row: string }>(
      `select t::text as row from ${name} t`,
    );
    texts.push(...rows.map((r) => r.row));
  }
  return texts.join('\n');
}

const SECRETS = {
  password: 'hunter2-db-password',
  privateKey: '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END',
  passphrase: 'tunnel passphrase 42',
  clientKey: 'ssl client key 0xBEEF',
};

describe('the studio’s own data, synced', () => {
  it('brings documents, open-record connections and any text to another device; secrets stay', async () => {
    const account = await ctx.harness.account('ada');
    const a = await ctx.harness.device('a');
    const b = await ctx.harness.device('b');

    // On device A, before sync was on.
    await a.storage.saveConnection({
      id: 'c-warehouse',
      name: 'Warehouse',
      type: 'postgres',
      host: 'db.internal',
      port: 5432,
      user: 'analyst',
      password: SECRETS.password,
      createdAt: new Date('2026-11-01T09:00:00Z'),
      environment: 'production',
      ssl: { mode: 'verify-full', caCert: 'CA PEM', clientKey: SECRETS.clientKey },
      sshTunnel: {
        enabled: true,
        host: 'bastion.internal',
        port: 22,
        username: 'tunnel',
        authMethod: 'privateKey',
        privateKey: SECRETS.privateKey,
        passphrase: SECRETS.passphrase,
      },
    });
    await a.storage.saveSchemaSnapshot({
      id: 'snap-1',
      connectionId: 'c-warehouse',
      connectionName: 'Warehouse',
      databaseType: 'postgres',
      schema: [
        {
          name: 'orders',
          columns: [{ name: 'id', type: 'bigint', nullable: false, isPrimary: true }],
          indexes: [],
        },
      ],
      createdAt: new Date(),
      label: 'before the migration',
    });
    await a.storage.saveChart({
      id: 'chart-1',
      name: 'Orders per day',
      chartType: 'bar',
      xAxis: 'day',
      yAxis: ['orders'],
      query: 'select day, count(*) as orders from orders group by 1',
      connectionId: 'c-warehouse',
      createdAt: new Date(),
      aggregation: 'count',
    });
    await a.storage.saveAuditLog([
      {
        id: 'e1',
        timestamp: '2026-11-30T10:00:00.000Z',
        type: 'query_execution',
        action: 'execute',
        target: 'orders',
        user: 'ada',
        result: 'success',
        duration: 12,
      },
      {
        id: 'e2',
        timestamp: '2026-11-30T10:01:00.000Z',
        type: 'export',
        action: 'csv',
        target: 'orders',
        user: 'ada',
        result: 'failure',
        details: 'quota \u0000 exceeded',
      },
    ]);
    await a.storage.saveMaskingConfig({
      enabled: false,
      patterns: [
        {
          id: 'custom-iban',
          name: 'IBAN',
          columnPatterns: ['iban', '^acct_'],
          maskType: 'partial',
          enabled: true,
          isBuiltin: false,
        },
      ],
      roleSettings: {
        admin: { canToggle: true, canReveal: true },
        user: { canToggle: false, canReveal: false },
      },
    });
    await a.storage.setActiveConnectionId('c-warehouse');
    const query = "select 'a\u0000b' as nul, '\ud800' as lone -- a query no text column holds";
    await a.storage.addToHistory({
      id: 'h-nul',
      connectionId: 'c-warehouse',
      connectionName: 'Warehouse \u0000',
      query,
      executionTime: 3.5,
      status: 'success',
      executedAt: new Date('2026-11-30T10:02:00Z'),
      rowCount: 2,
    });
    const onA = {
      snapshots: await a.storage.getSchemaSnapshots(),
      charts: await a.storage.getSavedCharts(),
      audit: await a.storage.getAuditLog(),
      masking: await a.storage.getMaskingConfig(),
      active: await a.storage.getActiveConnectionId(),
      history: await a.storage.getHistory(),
    };

    await (await a.enableSync('ada', account.password)).syncNow();
    await (await b.enableSync('ada', account.password)).syncNow();
    await converged(account.id, a, b);

    // Device B has all of it, through the facade, exactly as A has it.
    expect(await b.storage.getSchemaSnapshots()).toEqual(onA.snapshots);
    expect(await b.storage.getSchemaSnapshots('c-warehouse')).toHaveLength(1);
    expect(await b.storage.getSavedCharts()).toEqual(onA.charts);
    expect(await b.storage.getAuditLog()).toEqual(onA.audit);
    expect(await b.storage.getMaskingConfig()).toEqual(onA.masking);
    expect(onA.masking.enabled).toBe(false);
    expect(await b.storage.getActiveConnectionId()).toBe('c-warehouse');
    expect(await b.storage.getHistory()).toEqual(onA.history);
    // The query, U+0000 and lone surrogate included, byte for byte.
    const [entry] = await b.storage.getHistory();
    expect(entry?.query).toBe(query);
    expect(entry?.connectionName).toBe('Warehouse \u0000');

    // The connection's open-record fields came along; none of its secrets did.
    const [connection] = await b.storage.getConnections();
    expect(connection).toMatchObject({
      id: 'c-warehouse',
      environment: 'production',
      ssl: { mode: 'verify-full', caCert: 'CA PEM' },
      sshTunnel: { enabled: true, host: 'bastion.internal', port: 22, username: 'tunnel' },
    });
    expect(connection?.password).toBeUndefined();
    expect(connection?.ssl?.clientKey).toBeUndefined();
    expect(connection?.sshTunnel?.privateKey).toBeUndefined();
    expect(connection?.sshTunnel?.passphrase).toBeUndefined();
    // Device A still has them, in its vault.
    const [mine] = await a.storage.getConnections();
    expect(mine?.password).toBe(SECRETS.password);
    expect(mine?.sshTunnel?.privateKey).toBe(SECRETS.privateKey);
    // And the server has them nowhere: not in a row, not in a recorded answer, not in a change.
    const server = await everythingOnTheServer();
    expect(server).toContain('bastion.internal');
    for (const secret of Object.values(SECRETS)) expect(server).not.toContain(secret);

    // Live, the other way: a chart made on B, and the masking turned on, reach A.
    await b.storage.saveChart({
      id: 'chart-2',
      name: 'Revenue',
      chartType: 'line',
      xAxis: 'month',
      yAxis: ['revenue'],
      createdAt: new Date(),
    });
    await b.storage.saveMaskingConfig({ ...onA.masking, enabled: true });
    await expect
      .poll(async () => (await a.storage.getSavedCharts()).map((c) => c.id), SOON)
      .toEqual(['chart-1', 'chart-2']);
    await expect.poll(async () => (await a.storage.getMaskingConfig()).enabled, SOON).toBe(true);
    await converged(account.id, a, b);
    await a.close();
    await b.close();
  });

  it("takes a viewer's audit log to their other device; their charts are refused before they leave", async () => {
    const account = await ctx.harness.account('vic', 'viewer');
    const a = await ctx.harness.device('a');
    const client = await a.enableSync('vic', account.password);
    await client.syncNow();
    await a.storage.saveAuditLog([
      {
        id: 'v1',
        timestamp: '2026-11-30T11:00:00.000Z',
        type: 'query_execution',
        action: 'execute',
        target: 'orders',
        user: 'vic',
        result: 'success',
      },
    ]);
    // The browser refuses a viewer's chart before the server would.
    await expect(
      a.storage.saveChart({
        id: 'no',
        name: 'n',
        chartType: 'bar',
        xAxis: 'x',
        yAxis: [],
        createdAt: new Date(),
      }),
    ).rejects.toMatchObject({ code: 'PERMISSION' });
    await client.syncNow();

    const b = await ctx.harness.device('b');
    await (await b.enableSync('vic', account.password)).syncNow();
    await converged(account.id, a, b);
    expect((await b.storage.getAuditLog()).map((e) => e.id)).toEqual(['v1']);
    expect(await b.storage.getSavedCharts()).toEqual([]);
    expect(client.status.rejected).toEqual([]);
    await a.close();
    await b.close();
  });
});
