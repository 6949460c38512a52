import { type DatabaseType, decodeText, savedQueries } from '@platform/schema/browser';
import { and, arrayContains, asc, eq, ilike, isNull, or, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import {
  ConflictError,
  NotFoundError,
  translateDatabaseError,
  ValidationError,
} from '../errors.ts';
import type { SavedQuery } from '../legacy/types.ts';
import { LIMITS } from '../limits.ts';
import { assertCan } from '../permissions.ts';
import { SAVED_QUERY_FIELDS } from '../records/fields.ts';
import { asStoredJson, type JsonObject, joinRecord, splitRecord } from '../records/open-record.ts';
import { assertJsonSize, idInput, parse, savedQueryInput } from '../validation.ts';
import type { RepositoryContext } from './context.ts';
import { endOfList, keptPosition } from './list-position.ts';
import { containsPattern, removeRows } from './soft-delete.ts';

export interface SavedQueryRecord {
  id: string;
  name: string;
  query: string;
  description: string | null;
  connectionType: DatabaseType | null;
  /** Null when the query was saved without tags (the studio's field is optional). */
  tags: string[] | null;
  createdAt: Date;
  updatedAt: Date;
  /** The query's fields that have no column (and known ones of an unexpected type), as given. */
  extra: JsonObject | null;
}

export interface SavedQuerySearch {
  /** Case-insensitive substring of the name, the description or the query text. */
  text?: string;
  /** Only queries carrying every one of these tags. */
  tags?: string[];
  /** Only queries saved for this database type. */
  connectionType?: string;
}

const searchInput = z.object({
  text: z.string().max(LIMITS.searchText).optional(),
  tags: z.array(z.string().max(LIMITS.tag)).max(LIMITS.tagsPerQuery).optional(),
  connectionType: z.string().max(LIMITS.name).optional(),
});

const columns = {
  id: savedQueries.id,
  name: savedQueries.name,
  query: savedQueries.query,
  description: savedQueries.description,
  connectionType: savedQueries.connectionType,
  tags: savedQueries.tags,
  createdAt: savedQueries.createdAt,
  updatedAt: savedQueries.updatedAt,
  extra: savedQueries.extra,
};

/** What `save` takes: the studio's `SavedQuery`, with what it stamps itself left optional. */
export type SaveQueryInput = Omit<
  SavedQuery,
  'createdAt' | 'updatedAt' | 'connectionType' | 'description' | 'tags'
> & {
  description?: string | null;
  connectionType?: DatabaseType | null;
  tags?: string[] | null;
  createdAt?: Date;
  updatedAt?: Date;
};

/** The studio's object back from a record: every field it was given, dates as Dates. */
export function toLegacySavedQuery(record: SavedQueryRecord): SavedQuery {
  const { extra, ...fields } = record;
  return joinRecord(SAVED_QUERY_FIELDS, fields, extra) as SavedQuery;
}

/**
 * The studio's saved query as the row that stores it. `createdAt` and `updatedAt` are the
 * caller's when given as dates; `save` decides which of them it keeps.
 */
export function savedQueryRow(query: unknown) {
  const given = asStoredJson(query);
  parse(savedQueryInput, given, 'saved query');
  const { columns: fields, extra } = splitRecord(SAVED_QUERY_FIELDS, given as JsonObject);
  assertJsonSize(extra, LIMITS.extraBytes, 'saved query');
  return {
    id: fields.id as string,
    name: fields.name as string,
    query: fields.query as string,
    description: (fields.description as string | undefined) ?? null,
    connectionType: (fields.connectionType as string | undefined) ?? null,
    tags: (fields.tags as string[] | undefined) ?? null,
    createdAt: (fields.createdAt as Date | undefined) ?? null,
    updatedAt: (fields.updatedAt as Date | undefined) ?? null,
    extra,
  };
}

/** The current user's saved queries. Viewers may read theirs but not change them. */
export class SavedQueriesRepository {
  constructor(private readonly ctx: RepositoryContext) {}

  private mine(): SQL {
    return and(eq(savedQueries.userId, this.ctx.actor().id), isNull(savedQueries.deletedAt)) as SQL;
  }

  /** In the order they were saved first, the studio's order; editing one keeps its place. */
  async list(search: SavedQuerySearch = {}): Promise<SavedQueryRecord[]> {
    const s = parse(searchInput, search, 'saved query search');
    const conditions: SQL[] = [this.mine()];
    const text = s.text?.trim();
    if (text) {
      const pattern = containsPattern(text);
      conditions.push(
        or(
          ilike(savedQueries.name, pattern),
          ilike(savedQueries.query, pattern),
          ilike(savedQueries.description, pattern),
        ) as SQL,
      );
    }
    if (s.tags && s.tags.length > 0) conditions.push(arrayContains(savedQueries.tags, s.tags));
    if (s.connectionType) conditions.push(eq(savedQueries.connectionType, s.connectionType));
    const rows = await this.ctx.db
      .select(columns)
      .from(savedQueries)
      .where(and(...conditions))
      .orderBy(asc(savedQueries.position), asc(savedQueries.id));
    return rows as SavedQueryRecord[];
  }

  async get(id: string): Promise<SavedQueryRecord | null> {
    const rows = await this.ctx.db
      .select(columns)
      .from(savedQueries)
      .where(and(this.mine(), eq(savedQueries.id, parse(idInput, id, 'id'))));
    return (rows[0] as SavedQueryRecord | undefined) ?? null;
  }

  /** Every tag in use with how many queries carry it, most used first. */
  async tags(): Promise<{ tag: string; count: number }[]> {
    const rows = await this.ctx.db
      .select({
        tag: sql<string>`tag`,
        count: sql<number>`count(distinct ${savedQueries.id})::int`,
      })
      .from(sql`${savedQueries}, unnest(${savedQueries.tags}) as tag`)
      .where(this.mine())
      .groupBy(sql`tag`)
      .orderBy(sql`2 desc`, sql`1`);
    // unnest hands the elements over as stored, so they are decoded here.
    return rows.map((r) => ({ tag: decodeText(r.tag), count: r.count }));
  }

  /**
   * The studio's `saveQuery`: an id already saved is replaced in place with `updatedAt = now`,
   * keeping the `createdAt` the caller gave; a new id is added at the end with
   * `createdAt = updatedAt = now`. Every other field is kept as given.
   */
  async save(input: SaveQueryInput): Promise<SavedQueryRecord> {
    const actor = this.ctx.actor();
    assertCan(actor, 'savedQueries.write');
    const row = savedQueryRow(input);
    const { id, createdAt, updatedAt: _ignored, ...fields } = row;
    const now = new Date();
    try {
      const rows = await this.ctx.db
        .insert(savedQueries)
        .values({
          id,
          userId: actor.id,
          ...fields,
          createdAt: now,
          updatedAt: now,
          position: endOfList(savedQueries, actor.id),
        })
        .onConflictDoUpdate({
          target: savedQueries.id,
          set: {
            ...fields,
            updatedAt: now,
            deletedAt: null,
            // A deleted query saved again is a new one: now, at the end. Otherwise the caller's
            // createdAt, as the studio keeps it (or the stored one when it gave none).
            createdAt: sql`case when ${savedQueries.deletedAt} is null
              then ${createdAt ? sql`${createdAt.toISOString()}::timestamptz` : savedQueries.createdAt}
              else ${now.toISOString()}::timestamptz end`,
            position: keptPosition(savedQueries, actor.id),
          },
          // Someone else's id is never overwritten: the update matches nothing instead.
          setWhere: eq(savedQueries.userId, actor.id),
        })
        .returning(columns);
      const saved = rows[0] as SavedQueryRecord | undefined;
      if (!saved) throw new ConflictError(`The saved query id "${id}" belongs to another profile.`);
      this.ctx.changed('saved_queries');
      return saved;
    } catch (error) {
      throw translateDatabaseError(error, `saved query ${id}`);
    }
  }

  /** Changes some fields of an existing query; NotFoundError when it is not the user's. */
  async update(id: string, patch: Partial<Omit<SavedQuery, 'id'>>): Promise<SavedQueryRecord> {
    assertCan(this.ctx.actor(), 'savedQueries.write');
    const current = await this.get(id);
    if (!current) throw new NotFoundError('saved query', id);
    if (typeof patch !== 'object' || patch === null) {
      throw new ValidationError('Invalid saved query patch: must be an object', []);
    }
    return this.save({ ...toLegacySavedQuery(current), ...patch, id });
  }

  /** Removes by id; unknown ids are not an error. True when it existed. */
  async delete(id: string): Promise<boolean> {
    assertCan(this.ctx.actor(), 'savedQueries.write');
    const removed = await removeRows(
      this.ctx,
      savedQueries,
      and(this.mine(), eq(savedQueries.id, parse(idInput, id, 'id'))),
    );
    if (removed > 0) this.ctx.changed('saved_queries');
    return removed > 0;
  }
}
