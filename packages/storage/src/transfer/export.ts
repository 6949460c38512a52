import {
  connections,
  type DatabaseType,
  platformUsers,
  queryLogs,
  type StudioDocumentKind,
  savedQueries,
  studioDocuments,
} from '@platform/schema/browser';
import { and, asc, desc, eq, isNull, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import { NotFoundError } from '../errors.ts';
import type { Actor } from '../permissions.ts';
import { can } from '../permissions.ts';
import { EXPORT_FORMAT, EXPORT_VERSION, type PlatformExport } from './format.ts';
import { maskConnectionString, withoutSecrets } from './secrets.ts';

const iso = (date: Date) => date.toISOString();

/**
 * The platform data the actor may take away, as one JSON document: every profile and all their
 * data for an admin (a backup of this browser), only their own profile and data for anyone
 * else. Read in one read-only, repeatable-read transaction, so the file is one consistent
 * snapshot even while other tabs write. Connections go without their secrets, which stay in
 * the vault. Lists come in their order (each owner's saved queries, connections and documents
 * of a kind as the studio lists them), which is how the file keeps it.
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
          extra: queryLogs.extra,
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
          extra: savedQueries.extra,
        })
        .from(savedQueries)
        .where(and(isNull(savedQueries.deletedAt), owned(savedQueries.userId)))
        // Each owner's in their list's order: the file's order is the order.
        .orderBy(asc(savedQueries.position), asc(savedQueries.id));

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
          extra: connections.extra,
        })
        .from(connections)
        .where(and(isNull(connections.deletedAt), owned(connections.userId)))
        .orderBy(asc(connections.position), asc(connections.id));

      const documents = await tx
        .select({
          userId: studioDocuments.userId,
          kind: studioDocuments.kind,
          key: studioDocuments.key,
          doc: studioDocuments.doc,
          createdAt: studioDocuments.createdAt,
          updatedAt: studioDocuments.updatedAt,
        })
        .from(studioDocuments)
        .where(and(isNull(studioDocuments.deletedAt), owned(studioDocuments.userId)))
        .orderBy(
          asc(studioDocuments.kind),
          asc(studioDocuments.position),
          asc(studioDocuments.key),
        );

      // Owner by owner, in the order of the profiles: positions differ between browsers, so
      // they must not interleave one owner's rows with another's.
      const rank = new Map(profiles.map((p, index) => [p.id, index]));
      const byOwner = <R extends { userId: string }>(rows: R[]) =>
        rows.sort((a, b) => (rank.get(a.userId) ?? 0) - (rank.get(b.userId) ?? 0));

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
        savedQueries: byOwner(saved).map((q) => ({
          ...q,
          connectionType: q.connectionType as DatabaseType | null,
          createdAt: iso(q.createdAt),
          updatedAt: iso(q.updatedAt),
        })),
        connections: byOwner(conns).map((c) => ({
          ...c,
          type: c.type as DatabaseType,
          // Stored without secrets already; this keeps any written some other way in here.
          connectionString: c.connectionString && maskConnectionString(c.connectionString),
          extra: withoutSecrets(c.extra),
          createdAt: iso(c.createdAt),
          updatedAt: iso(c.updatedAt),
        })),
        documents: byOwner(documents).map((d) => ({
          ...d,
          kind: d.kind as StudioDocumentKind,
          createdAt: iso(d.createdAt),
          updatedAt: iso(d.updatedAt),
        })),
      };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}
