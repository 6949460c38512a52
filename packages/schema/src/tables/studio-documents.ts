import { sql } from 'drizzle-orm';
import { check, index, pgTable, text } from 'drizzle-orm/pg-core';
import type { PlatformRole } from '../enums.ts';
import { md5Hex } from '../md5.ts';
import { document, listPosition, syncColumns, timestamptz, userText } from './columns.ts';
import { platformUsers } from './platform-users.ts';

/**
 * What the studio keeps that platform storage stores but never looks inside: its schema
 * snapshots, saved charts and audit log (ordered lists), and one document per setting (the
 * masking and threshold configs, the dismissed seeds, the active connection, the open tabs of
 * each connection). Each is the studio's object exactly as `JSON.stringify` wrote it.
 *
 * One table for all of them, told apart by `kind`, rather than a table each: in sync mode every
 * synced table is one live shape, and a live shape holds one of the six connections a browser
 * allows an origin over HTTP/1.1. History, saved queries, connections and profiles, which
 * storage searches, filters and guards, keep tables of their own.
 *
 * The primary key is a function of the owner, kind and key (checked by the database), so the
 * same setting written on two devices is the same row, and last-write-wins merges it.
 */
export const STUDIO_DOCUMENT_KINDS = [
  'schema_snapshot',
  'saved_chart',
  'audit_event',
  'masking_config',
  'threshold_config',
  'dismissed_seeds',
  'active_connection_id',
  'workspace_tabs',
] as const;
export type StudioDocumentKind = (typeof STUDIO_DOCUMENT_KINDS)[number];

/**
 * Who may write each kind, by the rules of the tables it is like: snapshots, the audit log and
 * where one's workspace stands are records of what a person did (viewers too, like history);
 * charts and the masking and threshold configs are things a person makes (not viewers, like
 * saved queries); dismissed seeds follow connections, whose deletion writes them. The one
 * table: the browser's repository and the sync server's push endpoint both read it.
 */
export const STUDIO_DOCUMENT_WRITERS: Readonly<
  Record<StudioDocumentKind, readonly PlatformRole[]>
> = {
  schema_snapshot: ['admin', 'user', 'viewer'],
  audit_event: ['admin', 'user', 'viewer'],
  active_connection_id: ['admin', 'user', 'viewer'],
  workspace_tabs: ['admin', 'user', 'viewer'],
  saved_chart: ['admin', 'user'],
  masking_config: ['admin', 'user'],
  threshold_config: ['admin', 'user'],
  dismissed_seeds: ['admin', 'user'],
};

export function isStudioDocumentKind(value: unknown): value is StudioDocumentKind {
  return (STUDIO_DOCUMENT_KINDS as readonly unknown[]).includes(value);
}

/** Postgres's side of `studioDocumentId`: the two must agree, and the check enforces it. */
export const STUDIO_DOCUMENT_ID_SQL = `md5(user_id || chr(31) || kind || chr(31) || key)`;

/**
 * A document's id, as `STUDIO_DOCUMENT_ID_SQL` computes it: `storedKey` is the key as the text
 * codec stores it (`encodeText(key)`), which is also how rows carry it in sync.
 */
export function studioDocumentId(userId: string, kind: string, storedKey: string): string {
  return md5Hex(`${userId}\u001f${kind}\u001f${storedKey}`);
}

export const studioDocuments = pgTable(
  'studio_documents',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => platformUsers.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    /**
     * Which one of its kind: the item's own id for list items (with `#2`, `#3`… when the studio
     * saved two items under one id, as its lists allow), the connection for open tabs, '' for a
     * setting there is one of.
     */
    key: userText('key').notNull(),
    /** Where a list item stands among its kind; 0 for settings. */
    position: listPosition(),
    /** The studio's object. */
    doc: document<unknown>('doc').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    ...syncColumns(),
  },
  (t) => [
    index('studio_documents_user_kind_idx')
      .on(t.userId, t.kind, t.position)
      .where(sql`${t.deletedAt} is null`),
    check(
      'studio_documents_kind_check',
      sql.raw(`kind in (${STUDIO_DOCUMENT_KINDS.map((k) => `'${k}'`).join(', ')})`),
    ),
    check('studio_documents_id_check', sql.raw(`id = ${STUDIO_DOCUMENT_ID_SQL}`)),
  ],
);

export type StudioDocumentRow = typeof studioDocuments.$inferSelect;
export type NewStudioDocumentRow = typeof studioDocuments.$inferInsert;
