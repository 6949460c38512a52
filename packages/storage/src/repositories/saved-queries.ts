import { type DatabaseType, savedQueries } from '@platform/schema/browser';
import { and, arrayContains, desc, eq, ilike, isNull, or, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { ConflictError, NotFoundError, translateDatabaseError } from '../errors.ts';
import { LIMITS } from '../limits.ts';
import { assertCan } from '../permissions.ts';
import { idInput, parse, type SavedQueryInput, savedQueryInput } from '../validation.ts';
import type { RepositoryContext } from './context.ts';
import { containsPattern, removeRows } from './soft-delete.ts';

export interface SavedQueryRecord {
  id: string;
  name: string;
  query: string;
  description: string | null;
  connectionType: DatabaseType | null;
  tags: string[];
  createdAt: Date;
  updatedAt: Date;
}

export interface SavedQuerySearch {
  /** Case-insensitive substring of the name, the description or the query text. */
  text?: string;
  /** Only queries carrying every one of these tags. */
  tags?: string[];
}

const searchInput = z.object({
  text: z.string().max(LIMITS.searchText).optional(),
  tags: z.array(z.string().max(LIMITS.tag)).max(LIMITS.tagsPerQuery).optional(),
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
};

/** The current user's saved queries. Viewers may read theirs but not change them. */
export class SavedQueriesRepository {
  constructor(private readonly ctx: RepositoryContext) {}

  private mine(): SQL {
    return and(eq(savedQueries.userId, this.ctx.actor().id), isNull(savedQueries.deletedAt)) as SQL;
  }

  /** Most recently changed first. */
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
    const rows = await this.ctx.db
      .select(columns)
      .from(savedQueries)
      .where(and(...conditions))
      .orderBy(desc(savedQueries.updatedAt), savedQueries.id);
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
    const rows = await this.ctx.db.execute<{ tag: string; count: number }>(sql`
      select tag, count(*)::int as count
      from ${savedQueries}, unnest(${savedQueries.tags}) as tag
      where ${this.mine()}
      group by tag order by count desc, tag`);
    return rows.rows;
  }

  /**
   * The legacy upsert: a new id is inserted with createdAt = updatedAt = now; an existing one
   * has its fields replaced, keeps createdAt and gets updatedAt = now.
   */
  async save(input: SavedQueryInput): Promise<SavedQueryRecord> {
    const actor = this.ctx.actor();
    assertCan(actor, 'savedQueries.write');
    const q = parse(savedQueryInput, input, 'saved query');
    const fields = {
      name: q.name,
      query: q.query,
      description: q.description,
      connectionType: q.connectionType,
      tags: q.tags,
    };
    try {
      const rows = await this.ctx.db
        .insert(savedQueries)
        .values({ id: q.id, userId: actor.id, ...fields })
        .onConflictDoUpdate({
          target: savedQueries.id,
          set: {
            ...fields,
            updatedAt: sql`now()`,
            deletedAt: null,
            // A tombstoned row coming back is a new query, not an edit of the deleted one.
            createdAt: sql`case when ${savedQueries.deletedAt} is null then ${savedQueries.createdAt} else now() end`,
          },
          // Someone else's id is never overwritten: the update matches nothing instead.
          setWhere: eq(savedQueries.userId, actor.id),
        })
        .returning(columns);
      const row = rows[0] as SavedQueryRecord | undefined;
      if (!row) throw new ConflictError(`The saved query id "${q.id}" belongs to another profile.`);
      this.ctx.changed('saved_queries');
      return row;
    } catch (error) {
      throw translateDatabaseError(error, `saved query ${q.id}`);
    }
  }

  /** Changes some fields of an existing query; NotFoundError when it is not the user's. */
  async update(id: string, patch: Partial<Omit<SavedQueryInput, 'id'>>): Promise<SavedQueryRecord> {
    assertCan(this.ctx.actor(), 'savedQueries.write');
    const current = await this.get(id);
    if (!current) throw new NotFoundError('saved query', id);
    return this.save({ ...current, ...patch, id });
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
