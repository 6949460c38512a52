import { syncConfig } from '@platform/schema/browser';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { parse } from '../validation.ts';
import type { RepositoryContext } from './context.ts';

export interface SyncSettings {
  syncEnabled: boolean;
  syncUrl: string | null;
  lastSyncAt: Date | null;
}

const settingsPatch = z.object({
  syncEnabled: z.boolean({ error: 'must be true or false' }).optional(),
  syncUrl: z
    .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
    .max(2_048)
    .nullable()
    .optional(),
  lastSyncAt: z.date({ error: 'must be a valid date' }).nullable().optional(),
});

const DEFAULTS: SyncSettings = { syncEnabled: false, syncUrl: null, lastSyncAt: null };

/** This device's sync settings for the current profile (one row per profile, keyed by its id). */
export class SyncConfigRepository {
  constructor(private readonly ctx: RepositoryContext) {}

  async get(): Promise<SyncSettings> {
    const rows = await this.ctx.db
      .select({
        syncEnabled: syncConfig.syncEnabled,
        syncUrl: syncConfig.syncUrl,
        lastSyncAt: syncConfig.lastSyncAt,
      })
      .from(syncConfig)
      .where(eq(syncConfig.id, this.ctx.actor().id));
    return rows[0] ?? { ...DEFAULTS };
  }

  async set(patch: Partial<SyncSettings>): Promise<SyncSettings> {
    const p = parse(settingsPatch, patch, 'sync settings');
    const next = { ...(await this.get()), ...p };
    await this.ctx.db
      .insert(syncConfig)
      .values({ id: this.ctx.actor().id, ...next })
      .onConflictDoUpdate({ target: syncConfig.id, set: next });
    this.ctx.changed('sync_config');
    return next;
  }
}
