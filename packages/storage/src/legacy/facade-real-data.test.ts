import {
  createLegacyRng,
  DATABASE_TYPES_TODAY,
  legacyConnection,
  legacyLocalStorage,
} from '@platform/testing/legacy-studio';
import { describe, expect, it } from 'vitest';
import { useTestStorage } from '../test-support/shared-database.ts';
import type { DatabaseConnection, QueryHistoryItem, SavedChartConfig } from './types.ts';

/**
 * The facade fed with what the real studio's components build (`@platform/testing/legacy-studio`
 * follows its code), compared with what the studio's own reader gave back from localStorage:
 * `JSON.parse` of what it wrote, with its date fields revived.
 */
const ctx = useTestStorage();

function studioReads<T>(written: unknown, ...dateFields: string[]): T {
  const parsed = JSON.parse(JSON.stringify(written)) as Record<string, unknown>[];
  return parsed.map((item) => {
    for (const field of dateFields) if (item[field]) item[field] = new Date(item[field] as string);
    return item;
  }) as T;
}

describe('the facade with the real studio data', () => {
  it('gives back every connection the studio builds, of every type, with TLS, tunnels and secrets', async () => {
    const rng = createLegacyRng('every-type');
    const built: DatabaseConnection[] = DATABASE_TYPES_TODAY.flatMap((type, n) => {
      const at = new Date(Date.UTC(2026, 10, 1, 0, n));
      const plain = legacyConnection(rng, { type, createdAt: at, emptyPort: n % 3 === 0 });
      const full = legacyConnection(rng, {
        type,
        createdAt: new Date(at.getTime() + 1_000),
        withSsl: true,
        withSshTunnel: 'privateKey',
        agentProfile: true,
        group: 'team',
        environment: 'production',
      });
      return [plain, full] as unknown as DatabaseConnection[];
    });
    for (const connection of built) await ctx.storage.saveConnection(connection);

    expect(await ctx.storage.getConnections()).toEqual(studioReads(built, 'createdAt'));
    expect(rng.secrets.all.length).toBeGreaterThan(DATABASE_TYPES_TODAY.length * 3);
  });

  it('gives back the history and charts of a browser that used the studio for months', async () => {
    const { entries } = legacyLocalStorage({ generation: 'libredb', seed: 7 });
    const history = JSON.parse(entries.libredb_history ?? '[]') as QueryHistoryItem[];
    const charts = JSON.parse(entries.libredb_saved_charts ?? '[]') as SavedChartConfig[];

    // The studio prepends each run: replaying them oldest first rebuilds the same list.
    for (const item of [...history].reverse()) await ctx.storage.addToHistory(item);
    for (const chart of charts) await ctx.storage.saveChart(chart);

    const back = await ctx.storage.getHistory();
    // A run under an id already used is kept under `<id>~<suffix>`; everything else is as read.
    const withoutSuffix = back.map((h) => ({ ...h, id: h.id.replace(/~[0-9a-z]+$/, '') }));
    expect(withoutSuffix).toEqual(studioReads(history, 'executedAt'));
    expect(history.length).toBeGreaterThan(100);
    // Charts are stamped when added (the studio's saveChart), otherwise kept as given.
    expect((await ctx.storage.getSavedCharts()).map(({ createdAt: _, ...c }) => c)).toEqual(
      studioReads<SavedChartConfig[]>(charts).map(({ createdAt: _, ...c }) => c),
    );
  });
});
