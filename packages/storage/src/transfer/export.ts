import {
  connections,
  type DatabaseType,
  platformUsers,
  queryLogs,
  savedQueries,
} from '@platform/schema/browser';
import { and, asc, desc, eq, isNull, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import { NotFoundError } from '../errors.ts';
import type { Actor } from '../permissions.ts';
import { can } from '../permissions.ts';
import { EXPORT_FORMAT, EXPORT_VERSION, type PlatformExport } from './format.ts';

const iso = (date: Date) => date.toISOString();

/**
 * The platform data the actor may take away, as one JSON document: every profile and all their
 * data for an admin (a backup of this browser), only their own profile and data for anyone
 * else. Read in one read-only, repeatable-read transaction, so the file is one consistent
 * snapshot even while other tabs write. Connections go without their secrets, which stay in
 * the vault.
 */
export async function exportPlatformData(
  db: PgliteDatabase,
  actor: Actor,
  now: Date = new Date(),
): Promise<PlatformExport> {
  const everyone = can(actor.role, 'users.manage');
  const owned = (owner: AnyPgColumn): SQL | undefined =>
    everyone ? undefined : eq(owner, actor.id);

  return db.transaction(
    async (tx) => {
      const profiles = await tx
        .select({
          id: platformUsers.id,
          username: platformUsers.username,
          email: platformUsers.email,
          role: platformUsers.platformRole,
          preferences: platformUsers.preferences,
          createdAt: platformUsers.createdAt,
          updatedAt: platformUsers.updatedAt,
        })
        .from(platformUsers)
        .where(and(isNull(platformUsers.deletedAt), owned(platformUsers.id)))
        .orderBy(asc(platformUsers.createdAt), asc(platformUsers.username));
      if (!profiles.some((p) => p.id === actor.id)) throw new NotFoundError('user', actor.id);

      // Every row's owner is live (deleting a profile takes its rows), so rows need no join.
      const history = await tx
        .select({
          id: queryLogs.id,
          userId: queryLogs.userId,
          connectionId: queryLogs.connectionId,
          connectionName: queryLogs.connectionName,
          tabName: queryLogs.tabName,
          query: queryLogs.query,
          rowCount: queryLogs.rowCount,
          executionTimeMs: queryLogs.executionTimeMs,
          status: queryLogs.status,
          errorMessage: queryLogs.errorMessage,
          executedAt: queryLogs.executedAt,
        })
        .from(queryLogs)
        .where(and(isNull(queryLogs.deletedAt), owned(queryLogs.userId)))
        // The order the studio lists them in; an import replays it, ties included.
        .orderBy(desc(queryLogs.executedAt), desc(queryLogs.insertSeq));

      const saved = await tx
        .select({
          id: savedQueries.id,
          userId: savedQueries.userId,
          name: savedQueries.name,
          query: savedQueries.query,
          description: savedQueries.description,
          connectionType: savedQueries.connectionType,
          tags: savedQueries.tags,
          createdAt: savedQueries.createdAt,
          updatedAt: savedQueries.updatedAt,
        })
        .from(savedQueries)
        .where(and(isNull(savedQueries.deletedAt), owned(savedQueries.userId)))
        .orderBy(desc(savedQueries.updatedAt), asc(savedQueries.id));

      const conns = await tx
        .select({
          id: connections.id,
          userId: connections.userId,
          name: connections.name,
          type: connections.type,
          host: connections.host,
          port: connections.port,
          user: connections.dbUser,
          database: connections.database,
          // Stored with its password already masked: the secret itself is only in the vault.
          connectionString: connections.connectionString,
          isDemo: connections.isDemo,
          createdAt: connections.createdAt,
          updatedAt: connections.updatedAt,
        })
        .from(connections)
        .where(and(isNull(connections.deletedAt), owned(connections.userId)))
        .orderBy(asc(connections.createdAt), asc(connections.id));

      return {
        format: EXPORT_FORMAT,
        version: EXPORT_VERSION,
        exportedAt: iso(now),
        secretsIncluded: false,
        profiles: profiles.map((p) => ({
          ...p,
          role: p.role as PlatformExport['profiles'][number]['role'],
          createdAt: iso(p.createdAt),
          updatedAt: iso(p.updatedAt),
        })),
        history: history.map((h) => ({
          ...h,
          status: h.status as PlatformExport['history'][number]['status'],
          executedAt: iso(h.executedAt),
        })),
        savedQueries: saved.map((q) => ({
          ...q,
          tags: q.tags ?? [],
          connectionType: q.connectionType as DatabaseType | null,
          createdAt: iso(q.createdAt),
          updatedAt: iso(q.updatedAt),
        })),
        connections: conns.map((c) => ({
          ...c,
          type: c.type as DatabaseType,
          createdAt: iso(c.createdAt),
          updatedAt: iso(c.updatedAt),
        })),
      };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}
