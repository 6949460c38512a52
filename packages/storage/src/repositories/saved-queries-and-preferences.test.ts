import { beforeEach, describe, expect, it } from 'vitest';
import { LIMITS } from '../limits.ts';
import { mergePatch } from '../merge-patch.ts';
import { useTestStorage } from '../test-support/shared-database.ts';

const ctx = useTestStorage();

const q = (id: string, name: string, query: string, tags: string[], description?: string) => ({
  id,
  name,
  query,
  tags,
  description,
  connectionType: 'postgres' as const,
});

describe('saved queries repository', () => {
  beforeEach(async () => {
    await ctx.storage.savedQueries.save(
      q('a', 'Monthly revenue', 'select sum(total) from orders', ['finance', 'report']),
    );
    await ctx.storage.savedQueries.save(
      q('b', 'Active users', 'select * from users', ['users'], 'who logged in this week'),
    );
    await ctx.storage.savedQueries.save(
      q('c', 'Slow queries', 'select * from pg_stat_statements', ['ops', 'report']),
    );
  });

  it('searches name, description and query text, case-insensitively', async () => {
    const ids = async (text: string) =>
      (await ctx.storage.savedQueries.list({ text })).map((s) => s.id);

    expect(await ids('REVENUE')).toEqual(['a']);
    expect(await ids('logged in')).toEqual(['b']);
    expect(await ids('pg_stat')).toEqual(['c']);
    expect(await ids('select')).toHaveLength(3);
  });

  it('filters by tags, requiring every tag given', async () => {
    const ids = async (tags: string[]) =>
      (await ctx.storage.savedQueries.list({ tags })).map((s) => s.id).sort();

    expect(await ids(['report'])).toEqual(['a', 'c']);
    expect(await ids(['report', 'ops'])).toEqual(['c']);
    expect(await ids(['nothing'])).toEqual([]);
  });

  it('lists tags with their counts, most used first', async () => {
    expect(await ctx.storage.savedQueries.tags()).toEqual([
      { tag: 'report', count: 2 },
      { tag: 'finance', count: 1 },
      { tag: 'ops', count: 1 },
      { tag: 'users', count: 1 },
    ]);
  });

  it('edits some fields, keeping the rest and createdAt', async () => {
    const before = await ctx.storage.savedQueries.get('b');

    const after = await ctx.storage.savedQueries.update('b', {
      description: null,
      tags: ['users', 'kpi'],
    });

    expect(after).toMatchObject({
      name: 'Active users',
      description: null,
      tags: ['users', 'kpi'],
    });
    expect(after.createdAt).toEqual(before?.createdAt);
  });

  it('editing an unknown id is a NotFoundError', async () => {
    await expect(ctx.storage.savedQueries.update('zzz', { name: 'x' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('keeps tags as the studio gives them (order, duplicates, spaces, any length), and refuses too many', async () => {
    const long = 'a'.repeat(500);
    const saved = await ctx.storage.savedQueries.save(
      q('d', 'd', 'select 1', [' x ', 'x', 'y', 'x', long]),
    );
    expect(saved.tags).toEqual([' x ', 'x', 'y', 'x', long]);

    const tooMany = Array.from({ length: LIMITS.tagsPerQuery + 1 }, (_, i) => `t${i}`);
    await expect(
      ctx.storage.savedQueries.save(q('e', 'e', 'select 1', tooMany)),
    ).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    expect(await ctx.storage.savedQueries.get('e')).toBeNull();
  });
});

describe('preferences', () => {
  it('merge-patches the JSONB document: objects merge, null removes', async () => {
    await ctx.storage.preferences.patch({ theme: 'dark', layout: { sidebar: 'left', width: 300 } });

    const next = await ctx.storage.preferences.patch({ layout: { width: null, pinned: true } });

    expect(next).toEqual({ theme: 'dark', layout: { sidebar: 'left', pinned: true } });
    expect(await ctx.storage.preferences.get()).toEqual(next);
  });

  it('validates the keys it knows and keeps the ones it does not', async () => {
    await expect(ctx.storage.preferences.patch({ theme: 'purple' })).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    await expect(ctx.storage.preferences.patch({ editorFontSize: 200 })).rejects.toMatchObject({
      code: 'VALIDATION',
    });

    expect(await ctx.storage.preferences.patch({ futureFeature: [1, 2] })).toEqual({
      futureFeature: [1, 2],
    });
  });

  it('refuses a document over the size limit and keeps the old one', async () => {
    await ctx.storage.preferences.patch({ theme: 'light' });

    await expect(
      ctx.storage.preferences.patch({ blob: 'x'.repeat(LIMITS.preferencesBytes) }),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
    expect(await ctx.storage.preferences.get()).toEqual({ theme: 'light' });
  });

  it('rejects a patch that is not an object', async () => {
    await expect(
      ctx.storage.preferences.patch([1] as unknown as Record<string, unknown>),
    ).rejects.toMatchObject({
      code: 'VALIDATION',
    });
  });

  it('mergePatch follows RFC 7386 examples', () => {
    expect(mergePatch({ a: 'b' }, { a: 'c' })).toEqual({ a: 'c' });
    expect(mergePatch({ a: 'b' }, { a: null })).toEqual({});
    expect(mergePatch({ a: [{ b: 'c' }] }, { a: [1] })).toEqual({ a: [1] });
    expect(mergePatch({ a: { b: 'c' } }, { a: { b: 'd', c: null } })).toEqual({ a: { b: 'd' } });
    expect(mergePatch({}, { a: { bb: { ccc: null } } })).toEqual({ a: { bb: {} } });
  });
});

describe('sync settings', () => {
  it('default to off and store a validated server URL per profile', async () => {
    expect(await ctx.storage.syncConfig.get()).toEqual({
      syncEnabled: false,
      syncUrl: null,
      lastSyncAt: null,
    });

    await ctx.storage.syncConfig.set({ syncUrl: 'https://sync.example.com' });
    await expect(ctx.storage.syncConfig.set({ syncUrl: 'ftp://x' })).rejects.toMatchObject({
      code: 'VALIDATION',
    });

    expect(await ctx.storage.syncConfig.get()).toMatchObject({
      syncEnabled: false,
      syncUrl: 'https://sync.example.com',
    });
  });
});
