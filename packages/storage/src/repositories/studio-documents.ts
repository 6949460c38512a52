import {
  encodeText,
  STUDIO_DOCUMENT_WRITERS,
  type StudioDocumentKind,
  studioDocuments,
} from '@platform/schema/browser';
import { and, asc, eq, inArray, isNull, type SQL, sql } from 'drizzle-orm';
import { PermissionError, translateDatabaseError, ValidationError } from '../errors.ts';
import { LIMITS } from '../limits.ts';
import type { Actor } from '../permissions.ts';
import { asStoredJson } from '../records/open-record.ts';
import { assertJsonSize } from '../validation.ts';
import type { RepositoryContext } from './context.ts';
import { endOfList } from './list-position.ts';
import { planPositions } from './plan-positions.ts';
import { removeRows } from './soft-delete.ts';

/** The kinds that are lists of items (each with an `id`), and the ones there is one of. */
export type ListKind = Extract<
  StudioDocumentKind,
  'schema_snapshot' | 'saved_chart' | 'audit_event'
>;
export type SettingKind = Exclude<StudioDocumentKind, ListKind>;

/**
 * Who may write each kind: `STUDIO_DOCUMENT_WRITERS` of `@platform/schema`, the table the sync
 * server's push endpoint applies too (snapshots, the audit log and one's workspace: viewers
 * too, like history; charts and the masking and threshold configs: not viewers, like saved
 * queries; dismissed seeds: like connections, whose deletion writes them).
 */
function assertMayWrite(actor: Actor, kind: StudioDocumentKind): void {
  if (STUDIO_DOCUMENT_WRITERS[kind].includes(actor.role)) return;
  throw new PermissionError(
    `studioDocuments.${kind}`,
    `A ${actor.role} cannot change ${kind.replaceAll('_', ' ')} documents.`,
  );
}

type Db = RepositoryContext['db'];

interface StoredItem {
  key: string;
  position: number;
  doc: unknown;
}

/** The id the studio gave a list item (`null` when it gave none). */
function itemId(doc: unknown): string | null {
  const id = (doc as { id?: unknown } | null)?.id;
  return id === undefined || id === null ? null : String(id);
}

/** A document as `JSON.stringify` keeps it, sized; what is stored is what the studio gets back. */
function stored(doc: unknown, what: string): unknown {
  const json = asStoredJson(doc);
  if (json === undefined) {
    throw new ValidationError(`Invalid ${what}: must be JSON (not undefined or a function)`, []);
  }
  assertJsonSize(json, LIMITS.documentBytes, what);
  return json;
}

/**
 * The studio's documents (`studio_documents`): its ordered lists (schema snapshots, saved
 * charts, audit events) and its settings, per profile. Storage never looks inside a document;
 * the legacy facade (`legacy/facade.ts`) gives them the studio's semantics.
 */
export class StudioDocumentsRepository {
  constructor(private readonly ctx: RepositoryContext) {}

  private mine(kind: StudioDocumentKind): SQL {
    return and(
      eq(studioDocuments.userId, this.ctx.actor().id),
      eq(studioDocuments.kind, kind),
      isNull(studioDocuments.deletedAt),
    ) as SQL;
  }

  private async items(kind: ListKind, db: Db = this.ctx.db): Promise<StoredItem[]> {
    return db
      .select({
        key: studioDocuments.key,
        position: studioDocuments.position,
        doc: studioDocuments.doc,
      })
      .from(studioDocuments)
      .where(this.mine(kind))
      .orderBy(asc(studioDocuments.position), asc(studioDocuments.key));
  }

  /**
   * Writes one document under `key`. Its id is `STUDIO_DOCUMENT_ID_SQL` of the stored values
   * (the key as the text codec stores it), which the database checks.
   */
  private async put(
    db: Db,
    kind: StudioDocumentKind,
    key: string,
    doc: unknown,
    position: SQL | number,
  ) {
    await this.putMany(db, kind, [{ key, doc, position }]);
  }

  /** Writes documents in one statement (a whole audit log is one round trip, not a thousand). */
  private async putMany(
    db: Db,
    kind: StudioDocumentKind,
    docs: readonly { key: string; doc: unknown; position: SQL | number }[],
  ) {
    if (docs.length === 0) return;
    const userId = this.ctx.actor().id;
    await db
      .insert(studioDocuments)
      .values(
        docs.map(({ key, doc, position }) => ({
          id: sql`md5(${userId} || chr(31) || ${kind} || chr(31) || ${encodeText(key)})`,
          userId,
          kind,
          key,
          doc,
          position,
        })),
      )
      .onConflictDoUpdate({
        target: studioDocuments.id,
        set: {
          doc: sql`excluded.doc`,
          position: sql`excluded.position`,
          updatedAt: sql`now()`,
          deletedAt: null,
        },
        setWhere: eq(studioDocuments.userId, userId),
      });
  }

  /** A list's documents in their order. */
  async list(kind: ListKind): Promise<unknown[]> {
    return (await this.items(kind)).map((item) => item.doc);
  }

  /**
   * Adds a document at the end of its list (an id already there gets a second key, as the
   * studio's lists keep both), then keeps only the last `keepLast`, in one transaction.
   */
  async append(kind: ListKind, doc: unknown, keepLast = Infinity): Promise<void> {
    assertMayWrite(this.ctx.actor(), kind);
    const value = stored(doc, kind.replace('_', ' '));
    await this.write(async (db) => {
      const items = await this.items(kind, db);
      const keys = new Set(items.map((item) => item.key));
      await this.put(db, kind, freeKey(keys, itemId(value)), value, this.end(kind));
      const over = items.length + 1 - keepLast;
      if (over > 0)
        await this.removeKeys(
          db,
          kind,
          items.slice(0, over).map((item) => item.key),
        );
    });
  }

  /**
   * Replaces the first document with this one's id in place, or adds it at the end, as
   * `whenNew` makes it (the studio stamps a new chart's `createdAt`).
   */
  async upsert(
    kind: ListKind,
    doc: unknown,
    whenNew: (doc: unknown) => unknown = (d) => d,
  ): Promise<void> {
    assertMayWrite(this.ctx.actor(), kind);
    const id = itemId(doc);
    await this.write(async (db) => {
      const items = await this.items(kind, db);
      const existing = items.find((item) => id !== null && itemId(item.doc) === id);
      const what = kind.replace('_', ' ');
      if (existing) await this.put(db, kind, existing.key, stored(doc, what), existing.position);
      else {
        const keys = new Set(items.map((i) => i.key));
        await this.put(db, kind, freeKey(keys, id), stored(whenNew(doc), what), this.end(kind));
      }
    });
  }

  /** Removes every document of the list with this id; true when there was one. */
  async remove(kind: ListKind, id: string): Promise<boolean> {
    assertMayWrite(this.ctx.actor(), kind);
    let removed = false;
    await this.write(async (db) => {
      const keys = (await this.items(kind, db)).filter((item) => itemId(item.doc) === id);
      removed = keys.length > 0;
      await this.removeKeys(
        db,
        kind,
        keys.map((item) => item.key),
      );
    });
    return removed;
  }

  /** Keeps the newest `max` documents of a list (the last ones), removing the rest. */
  async trim(kind: ListKind, max: number): Promise<void> {
    const items = await this.items(kind);
    if (items.length <= max) return;
    const drop = items.slice(0, items.length - max).map((item) => item.key);
    await this.write((db) => this.removeKeys(db, kind, drop));
  }

  /**
   * Makes the list exactly `docs`, in that order (the studio's `saveAuditLog`). Items still
   * there keep their row and place where the order allows, so appending one event and dropping
   * the oldest writes two rows, not a thousand.
   */
  async replace(kind: ListKind, docs: readonly unknown[]): Promise<void> {
    assertMayWrite(this.ctx.actor(), kind);
    if (!Array.isArray(docs)) {
      throw new ValidationError(`Invalid ${kind.replace('_', ' ')} list: must be an array`, []);
    }
    const values = docs.map((doc) => stored(doc, kind.replace('_', ' ')));
    const keys = new Set<string>();
    const wanted = values.map((doc) => {
      const key = freeKey(keys, itemId(doc));
      keys.add(key);
      return { key, doc };
    });
    await this.write(async (db) => {
      const items = await this.items(kind, db);
      const current = new Map(items.map((item) => [item.key, item]));
      const positions = planPositions(
        items.map((item) => ({ key: item.key, position: item.position })),
        wanted.map((w) => w.key),
      );
      await this.removeKeys(
        db,
        kind,
        items.filter((item) => !keys.has(item.key)).map((item) => item.key),
      );
      const changed = wanted
        .map(({ key, doc }) => ({ key, doc, position: positions.get(key) ?? 0 }))
        .filter(({ key, doc, position }) => {
          const before = current.get(key);
          return !before || before.position !== position || !sameJson(before.doc, doc);
        });
      await this.putMany(db, kind, changed);
    });
  }

  /** A setting's document, or undefined when none is stored. */
  async get(kind: SettingKind, key = ''): Promise<unknown> {
    const rows = await this.ctx.db
      .select({ doc: studioDocuments.doc })
      .from(studioDocuments)
      .where(and(this.mine(kind), eq(studioDocuments.key, key)));
    return rows[0]?.doc;
  }

  /** Stores a setting, or with `undefined` removes it. */
  async set(kind: SettingKind, doc: unknown, key = ''): Promise<void> {
    assertMayWrite(this.ctx.actor(), kind);
    if (doc === undefined) {
      await this.write((db) => this.removeKeys(db, kind, [key]));
      return;
    }
    const value = stored(doc, kind.replace('_', ' '));
    await this.write((db) => this.put(db, kind, key, value, 0));
  }

  /** Adds a seed id to the dismissed seeds, once (the studio's `deleteConnection`). */
  async dismissSeed(seedId: unknown): Promise<void> {
    const dismissed = await this.get('dismissed_seeds');
    const list = Array.isArray(dismissed) ? dismissed : [];
    if (!list.includes(seedId)) await this.set('dismissed_seeds', [...list, seedId]);
  }

  /** Every key a setting is stored under (the connections with open tabs). */
  async keys(kind: SettingKind): Promise<string[]> {
    const rows = await this.ctx.db
      .select({ key: studioDocuments.key })
      .from(studioDocuments)
      .where(this.mine(kind))
      .orderBy(asc(studioDocuments.key));
    return rows.map((r) => r.key);
  }

  private end(kind: ListKind): SQL {
    return endOfList(studioDocuments, this.ctx.actor().id, eq(studioDocuments.kind, kind));
  }

  private async removeKeys(db: Db, kind: StudioDocumentKind, keys: readonly string[]) {
    if (keys.length === 0) return;
    await removeRows(
      { ...this.ctx, db },
      studioDocuments,
      and(this.mine(kind), inArray(studioDocuments.key, [...keys])),
    );
  }

  /** One transaction per change: a list is never left half-written. */
  private async write(change: (db: Db) => Promise<void>): Promise<void> {
    try {
      await this.ctx.db.transaction((tx) => change(tx as unknown as Db));
    } catch (error) {
      throw translateDatabaseError(error, 'studio document');
    }
    this.ctx.changed('studio_documents');
  }
}

/** The key for an item: its id, or `<id>#2`, `#3`… when a key is taken (the studio allows it). */
function freeKey(taken: ReadonlySet<string>, id: string | null): string {
  const base = id ?? '';
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}#${n}`)) return `${base}#${n}`;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
