import { platformUsers } from '@platform/schema/browser';
import { and, eq, isNull, sql } from 'drizzle-orm';
import { NotFoundError, ValidationError } from '../errors.ts';
import { DEFAULT_HISTORY_RETENTION, LIMITS } from '../limits.ts';
import { mergePatch } from '../merge-patch.ts';
import { assertCan } from '../permissions.ts';
import { type HistoryRetention, jsonObject, knownPreferences, parse } from '../validation.ts';
import type { RepositoryContext } from './context.ts';

export type Preferences = Record<string, unknown>;

/**
 * The current user's preferences document (JSONB). Known keys are validated; unknown keys are
 * kept, so an older studio does not erase what a newer one stored.
 */
export class PreferencesRepository {
  #cache = new Map<string, Preferences>();

  constructor(private readonly ctx: RepositoryContext) {}

  /** Forget cached documents, e.g. when another tab changed them. */
  invalidate(): void {
    this.#cache.clear();
  }

  async get(): Promise<Preferences> {
    const userId = this.ctx.actor().id;
    const cached = this.#cache.get(userId);
    if (cached) return structuredClone(cached);
    const rows = await this.ctx.db
      .select({ preferences: platformUsers.preferences })
      .from(platformUsers)
      .where(and(eq(platformUsers.id, userId), isNull(platformUsers.deletedAt)));
    const row = rows[0];
    if (!row) throw new NotFoundError('user', userId);
    this.#cache.set(userId, row.preferences);
    return structuredClone(row.preferences);
  }

  /** Applies a JSON merge patch and returns the new document. */
  async patch(patch: Preferences): Promise<Preferences> {
    const actor = this.ctx.actor();
    assertCan(actor, 'preferences.write');
    parse(jsonObject, patch, 'preferences patch');
    const next = mergePatch(await this.get(), patch) as Preferences;
    parse(knownPreferences, next, 'preferences');
    const bytes = new TextEncoder().encode(JSON.stringify(next)).length;
    if (bytes > LIMITS.preferencesBytes) {
      throw new ValidationError(
        `Invalid preferences: the document would be ${bytes} bytes, over the ${LIMITS.preferencesBytes}-byte limit`,
        [{ path: '', message: 'document too large' }],
      );
    }
    await this.ctx.db
      .update(platformUsers)
      .set({ preferences: next, updatedAt: sql`now()` })
      .where(eq(platformUsers.id, actor.id));
    this.#cache.set(actor.id, next);
    this.ctx.changed('platform_users');
    return structuredClone(next);
  }

  async historyRetention(): Promise<HistoryRetention> {
    const prefs = await this.get();
    const stored = parse(knownPreferences, prefs, 'preferences').historyRetention;
    return stored ?? { ...DEFAULT_HISTORY_RETENTION };
  }

  async setHistoryRetention(retention: HistoryRetention): Promise<HistoryRetention> {
    await this.patch({ historyRetention: retention });
    return this.historyRetention();
  }
}
