import type { PgliteDatabase } from 'drizzle-orm/pglite';
import type { Actor } from '../permissions.ts';

export type ChangedTable =
  | 'platform_users'
  | 'query_logs'
  | 'saved_queries'
  | 'connections'
  | 'studio_documents'
  | 'sync_config';

/** What every repository needs: the database, who is acting, and where to announce changes. */
export interface RepositoryContext {
  readonly db: PgliteDatabase;
  /** The current user, re-read on every call so a profile switch applies at once. */
  actor(): Actor;
  /**
   * Whether deletes leave tombstones (`deleted_at`) instead of removing rows. Sync needs them to
   * carry deletes; a browser-only profile has nothing to carry them to.
   */
  tombstones(): boolean;
  changed(table: ChangedTable): void;
}
