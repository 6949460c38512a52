import {
  connections,
  encodeText,
  type PlatformRole,
  platformUsers,
  queryLogs,
  STUDIO_DOCUMENT_WRITERS,
  type StudioDocumentKind,
  savedQueries,
  studioDocuments,
} from '@platform/schema/browser';
import { and, eq, getTableName, inArray, isNull, ne, type SQL, sql } from 'drizzle-orm';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import { NotFoundError, translateDatabaseError } from '../errors.ts';
import { type Actor, can } from '../permissions.ts';
import type { ChangedTable } from '../repositories/context.ts';
import type { ListTable } from '../repositories/list-position.ts';
import {
  type ImportedConnection,
  type ImportedDocument,
  type ImportedProfile,
  type ImportedSavedQuery,
  type ImportedStudioDocument,
  parseExport,
} from './format.ts';

export type TransferKind = 'profile' | 'history' | 'savedQuery' | 'connection' | 'document';

export interface TransferCounts {
  profiles: number;
  history: number;
  savedQueries: number;
  connections: number;
  /** The studio's documents: schema snapshots, saved charts, audit events, settings. */
  documents: number;
}

/** A row of the file that was left out, or a profile merged only in part, and why. */
export interface TransferSkip {
  kind: TransferKind;
  /**
   * The row's id as written in the file. A document has none: it is named by its kind and key,
   * `saved_chart:c1` (just `masking_config` for a setting kept under the key '').
   */
  id: string;
  reason: string;
  /** Documents only: the owner as written in the file (a key is only its owner's). */
  userId?: string;
}

export interface TransferReport {
  /** Rows that were not here and now are. */
  imported: TransferCounts;
  /** Rows here that the file's newer version replaced. */
  updated: TransferCounts;
  /** Rows here already in the file's version (the same history entry, the same `updatedAt`). */
  alreadyPresent: number;
  skipped: TransferSkip[];
}

/** Why rows are skipped; the README lists them. */
export const SKIP_REASONS = {
  otherProfile: 'belongs to another profile',
  newerHere: 'a newer version is stored here',
  deletedHere: 'it was deleted here after this version was made',
  idTaken: 'its id is used by another profile here',
  profileRemoved: 'the profile was removed here',
  lastAdmin: 'kept its role: it is the last admin',
} as const;

type Tx = Parameters<Parameters<PgliteDatabase['transaction']>[0]>[0];

interface StoredProfile {
  id: string;
  username: string;
  role: string;
  createdAt: Date;
  updatedAt: Date;
  deletedAt: Date | null;
}

interface StoredRow {
  userId: string;
  updatedAt: Date;
  deletedAt: Date | null;
}

/** The kinds that are ordered lists; the others are settings (position 0). */
const LIST_KINDS: ReadonlySet<StudioDocumentKind> = new Set([
  'schema_snapshot',
  'saved_chart',
  'audit_event',
]);

/** For the reasons: "a viewer cannot import saved charts". */
const DOCUMENT_NAMES: Record<StudioDocumentKind, string> = {
  schema_snapshot: 'schema snapshots',
  saved_chart: 'saved charts',
  audit_event: 'audit events',
  masking_config: 'the masking config',
  threshold_config: 'the threshold config',
  dismissed_seeds: 'dismissed seeds',
  active_connection_id: 'the active connection',
  workspace_tabs: 'workspace tabs',
};

/** Rows per statement: well under Postgres' 65,535 parameters at a dozen columns a row. */
const CHUNK = 500;
/** Documents per statement are also bounded by size: schema snapshots can be megabytes each. */
const DOCUMENT_CHUNK_BYTES = 8 * 1024 * 1024;

const counts = (): TransferCounts => ({
  profiles: 0,
  history: 0,
  savedQueries: 0,
  connections: 0,
  documents: 0,
});

const chunks = <T>(items: readonly T[], weight?: (item: T) => number): T[][] => {
  const out: T[][] = [];
  let batch: T[] = [];
  let load = 0;
  for (const item of items) {
    const w = weight ? weight(item) : 0;
    if (batch.length === CHUNK || (batch.length > 0 && load + w > DOCUMENT_CHUNK_BYTES)) {
      out.push(batch);
      batch = [];
      load = 0;
    }
    batch.push(item);
    load += w;
  }
  if (batch.length > 0) out.push(batch);
  return out;
};

/** How a skipped document is named: its kind and key. */
const documentRef = (d: { kind: string; key: string }) =>
  d.key === '' ? d.kind : `${d.kind}:${d.key}`;

/** (owner, kind, key) as one map key. */
const documentKey = (userId: string, kind: string, key: string) =>
  JSON.stringify([userId, kind, key]);

/**
 * The order in which a list's rows new here take their places: the file's, which is the order
 * a version 2 file keeps; a version 1 file listed saved queries by their last change, so its
 * rows take their places by creation, as the migration that brought positions placed them.
 */
function listOrder<T extends { row: { id: string; createdAt: Date } }>(
  file: ImportedDocument,
  items: readonly T[],
): T[] {
  if (file.version !== 1) return [...items];
  return [...items].sort(
    ({ row: a }, { row: b }) =>
      a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  );
}

const sameName = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** One import, inside its transaction: what it decided so far and what it changed. */
class Merge {
  readonly report: TransferReport = {
    imported: counts(),
    updated: counts(),
    alreadyPresent: 0,
    skipped: [],
  };
  readonly changed = new Set<ChangedTable>();
  /** File profile id → the profile here that receives its rows. */
  readonly #target = new Map<string, string>();
  /** File profile id → why its rows are left out. */
  readonly #refused = new Map<string, string>();

  /** Per owner's list (and kind): the last position taken here, as the import goes on. */
  readonly #ends = new Map<string, number>();

  constructor(
    private readonly tx: Tx,
    private readonly actor: Actor,
    private readonly file: ImportedDocument,
  ) {}

  async run(): Promise<void> {
    await this.profiles();
    await this.history();
    await this.savedQueries();
    await this.connections();
    await this.documents();
  }

  #skip(kind: TransferKind, id: string, reason: string, userId?: string): void {
    this.report.skipped.push(
      userId === undefined ? { kind, id, reason } : { kind, id, reason, userId },
    );
  }

  /**
   * The next place at the end of an owner's list (of a kind, for documents): after every live
   * row there, and after what this import placed there already.
   */
  private async nextPosition(table: ListTable, userId: string, kind?: string): Promise<number> {
    const list = JSON.stringify([getTableName(table), userId, kind ?? null]);
    let end = this.#ends.get(list);
    if (end === undefined) {
      const where: (SQL | undefined)[] = [eq(table.userId, userId), isNull(table.deletedAt)];
      if (kind !== undefined) where.push(eq(studioDocuments.kind, kind));
      const [row] = await this.tx
        .select({ end: sql<number | null>`max(${table.position})` })
        .from(table)
        .where(and(...where));
      end = row?.end ?? 0;
    }
    this.#ends.set(list, end + 1);
    return end + 1;
  }

  #refuse(profile: ImportedProfile, reason: string): void {
    this.#refused.set(profile.id, reason);
    this.#skip('profile', profile.id, reason);
  }

  /**
   * Decides which profile here takes each file profile's rows: the one with its id, else the
   * one with its username (any case), else a new one (admins only). A non-admin takes only the
   * file profile that is themselves, by id or username.
   */
  private async profiles(): Promise<void> {
    const stored: StoredProfile[] = await this.tx
      .select({
        id: platformUsers.id,
        username: platformUsers.username,
        role: platformUsers.platformRole,
        createdAt: platformUsers.createdAt,
        updatedAt: platformUsers.updatedAt,
        deletedAt: platformUsers.deletedAt,
      })
      .from(platformUsers);
    const me = stored.find((u) => u.id === this.actor.id && u.deletedAt === null);
    if (!me) throw new NotFoundError('user', this.actor.id);

    const matched: { file: ImportedProfile; here: StoredProfile }[] = [];
    const created: ImportedProfile[] = [];
    if (!can(this.actor.role, 'users.manage')) {
      const own =
        this.file.profiles.find((p) => p.id === me.id) ??
        this.file.profiles.find((p) => sameName(p.username, me.username));
      for (const p of this.file.profiles) {
        if (p === own) matched.push({ file: p, here: me });
        else this.#refuse(p, SKIP_REASONS.otherProfile);
      }
    } else {
      // Ids first, so a username never hands a profile to a file profile other than its own.
      const claimed = new Set<string>();
      const unmatched: ImportedProfile[] = [];
      for (const p of this.file.profiles) {
        const here = stored.find((u) => u.id === p.id);
        if (!here) unmatched.push(p);
        else if (here.deletedAt !== null) this.#refuse(p, SKIP_REASONS.profileRemoved);
        else {
          matched.push({ file: p, here });
          claimed.add(here.id);
        }
      }
      for (const p of unmatched) {
        const here = stored.find((u) => u.deletedAt === null && sameName(u.username, p.username));
        if (!here) created.push(p);
        else if (claimed.has(here.id)) {
          this.#refuse(p, `the username "${p.username}" belongs to another profile here`);
        } else {
          matched.push({ file: p, here });
          claimed.add(here.id);
        }
      }
    }

    // New profiles first: one of them may be the admin that lets an existing one be demoted.
    for (const batch of chunks(created)) {
      await this.tx.insert(platformUsers).values(
        batch.map((p) => ({
          id: p.id,
          username: p.username,
          email: p.email,
          platformRole: p.role,
          preferences: p.preferences,
          createdAt: p.createdAt,
          updatedAt: p.updatedAt,
        })),
      );
    }
    for (const p of created) this.#target.set(p.id, p.id);
    this.report.imported.profiles = created.length;
    if (created.length > 0) this.changed.add('platform_users');

    for (const { file, here } of matched) {
      this.#target.set(file.id, here.id);
      await this.mergeProfile(file, here);
    }
  }

  /**
   * The later `updatedAt` wins, except that a profile nobody changed since it was made (the
   * default admin a fresh browser creates on first open) yields to the file, or restoring a
   * backup into a new browser would keep the empty profile over the real one.
   */
  private async mergeProfile(file: ImportedProfile, here: StoredProfile): Promise<void> {
    const theirs = file.updatedAt.getTime();
    const ours = here.updatedAt.getTime();
    if (theirs === ours) {
      this.report.alreadyPresent++;
      return;
    }
    const untouched = here.createdAt.getTime() === ours;
    if (theirs < ours && !untouched) {
      this.#skip('profile', file.id, SKIP_REASONS.newerHere);
      return;
    }
    const kept: string[] = [];
    const change: {
      email: string | null;
      preferences: Record<string, unknown>;
      createdAt: Date;
      updatedAt: Date;
      username?: string;
      platformRole?: PlatformRole;
    } = {
      email: file.email,
      preferences: file.preferences,
      createdAt: new Date(Math.min(file.createdAt.getTime(), here.createdAt.getTime())),
      updatedAt: file.updatedAt,
    };
    // Only an admin renames others or changes roles; anyone else keeps their own name and role.
    if (can(this.actor.role, 'users.manage')) {
      if (file.username !== here.username) {
        if (await this.usernameTaken(file.username, here.id)) {
          kept.push(`kept its username: "${file.username}" belongs to another profile here`);
        } else change.username = file.username;
      }
      if (file.role !== here.role) {
        if (here.role === 'admin' && !(await this.anotherAdmin(here.id))) {
          kept.push(SKIP_REASONS.lastAdmin);
        } else change.platformRole = file.role;
      }
    }
    await this.tx.update(platformUsers).set(change).where(eq(platformUsers.id, here.id));
    this.report.updated.profiles++;
    this.changed.add('platform_users');
    if (kept.length > 0) this.#skip('profile', file.id, kept.join('; '));
  }

  private async usernameTaken(username: string, exceptId: string): Promise<boolean> {
    const rows = await this.tx
      .select({ id: platformUsers.id })
      .from(platformUsers)
      .where(
        and(
          isNull(platformUsers.deletedAt),
          ne(platformUsers.id, exceptId),
          sql`lower(${platformUsers.username}) = lower(${username})`,
        ),
      );
    return rows.length > 0;
  }

  private async anotherAdmin(id: string): Promise<boolean> {
    const rows = await this.tx
      .select({ id: platformUsers.id })
      .from(platformUsers)
      .where(
        and(
          isNull(platformUsers.deletedAt),
          eq(platformUsers.platformRole, 'admin'),
          ne(platformUsers.id, id),
        ),
      )
      .limit(1);
    return rows.length > 0;
  }

  /** The rows whose profile was taken, each with the id of the profile here that receives it. */
  #owned<R extends { userId: string }>(
    kind: TransferKind,
    rows: readonly R[],
    ref: (row: R) => string,
    /** Whether this actor may write the row, and what to call it when not. */
    rule: (row: R) => { may: boolean; what: string },
    /** Documents are named with their owner in the report; rows with ids need not be. */
    named = false,
  ): { row: R; userId: string }[] {
    const out: { row: R; userId: string }[] = [];
    for (const row of rows) {
      const target = this.#target.get(row.userId);
      const owner = named ? row.userId : undefined;
      const { may, what } = rule(row);
      if (target === undefined) {
        const reason = this.#refused.get(row.userId) ?? SKIP_REASONS.otherProfile;
        this.#skip(kind, ref(row), reason, owner);
      } else if (!may) {
        this.#skip(kind, ref(row), `a ${this.actor.role} cannot import ${what}`, owner);
      } else out.push({ row, userId: target });
    }
    return out;
  }

  /** What is stored under these ids, tombstones included: ids are never reused. */
  private async existing(
    table: typeof queryLogs | typeof savedQueries | typeof connections,
    ids: readonly string[],
  ): Promise<Map<string, StoredRow>> {
    const found = new Map<string, StoredRow>();
    for (const batch of chunks(ids)) {
      const rows = await this.tx
        .select({
          id: table.id,
          userId: table.userId,
          updatedAt: table.updatedAt,
          deletedAt: table.deletedAt,
        })
        .from(table)
        .where(inArray(table.id, batch));
      for (const { id, ...row } of rows) found.set(id, row);
    }
    return found;
  }

  /** History entries never change, so one stored under the same id is the same entry. */
  private async history(): Promise<void> {
    const rows = this.#owned(
      'history',
      this.file.history,
      (h) => h.id,
      () => ({ may: can(this.actor.role, 'history.write'), what: 'history' }),
    );
    const here = await this.existing(
      queryLogs,
      rows.map(({ row }) => row.id),
    );
    const fresh: { row: ImportedDocument['history'][number]; userId: string; at: number }[] = [];
    rows.forEach(({ row, userId }, at) => {
      const found = here.get(row.id);
      if (!found) fresh.push({ row, userId, at });
      else if (found.userId !== userId) this.#skip('history', row.id, SKIP_REASONS.idTaken);
      else this.report.alreadyPresent++;
    });
    // Oldest first, and among entries of the same instant the file's later one first: the file
    // lists newest first, and insertion order is what breaks ties when the studio lists them.
    fresh.sort((a, b) => a.row.executedAt.getTime() - b.row.executedAt.getTime() || b.at - a.at);
    for (const batch of chunks(fresh)) {
      await this.tx.insert(queryLogs).values(
        // The file's row is the stored row, column for column, but for whom it belongs to here.
        batch.map(({ row, userId: owner }) => ({ ...row, userId: owner })),
      );
    }
    this.report.imported.history = fresh.length;
    if (fresh.length > 0) this.changed.add('query_logs');
  }

  /**
   * Rows that change (saved queries, connections): the later `updatedAt` wins, and the winner
   * is taken whole, its dates included, so importing the same file again changes nothing. A
   * row new here (or brought back over a delete made here earlier) goes to the end of its
   * owner's list, in the file's order; one replaced keeps its place, as the studio's save does.
   */
  private async mergeVersioned<
    R extends { id: string; userId: string; createdAt: Date; updatedAt: Date },
  >(
    kind: 'savedQuery' | 'connection',
    counter: 'savedQueries' | 'connections',
    table: typeof savedQueries | typeof connections,
    rows: { row: R; userId: string }[],
    write: {
      insert(batch: { row: R; userId: string; position: number }[]): Promise<void>;
      /** `position` only when the row comes back over a tombstone; else its place is kept. */
      update(row: R, userId: string, position: number | undefined): Promise<void>;
    },
  ): Promise<void> {
    const here = await this.existing(
      table,
      rows.map(({ row }) => row.id),
    );
    const fresh: { row: R; userId: string }[] = [];
    const replaced: { row: R; userId: string }[] = [];
    /** Rows new to their owner's list: not here, or here only as a tombstone. */
    const arriving: { row: R; userId: string }[] = [];
    for (const { row, userId } of rows) {
      const found = here.get(row.id);
      if (!found) {
        fresh.push({ row, userId });
        arriving.push({ row, userId });
        continue;
      }
      const theirs = row.updatedAt.getTime();
      const ours = found.updatedAt.getTime();
      if (found.userId !== userId) this.#skip(kind, row.id, SKIP_REASONS.idTaken);
      else if (theirs === ours && found.deletedAt === null) this.report.alreadyPresent++;
      else if (theirs <= ours) {
        this.#skip(
          kind,
          row.id,
          found.deletedAt === null ? SKIP_REASONS.newerHere : SKIP_REASONS.deletedHere,
        );
      } else {
        replaced.push({ row, userId });
        if (found.deletedAt !== null) arriving.push({ row, userId });
      }
    }
    const positions = new Map<R, number>();
    for (const { row, userId } of listOrder(this.file, arriving)) {
      positions.set(row, await this.nextPosition(table, userId));
    }
    for (const { row, userId } of replaced) {
      await write.update(row, userId, positions.get(row));
      this.report.updated[counter]++;
    }
    const inserts = fresh.map((f) => ({ ...f, position: positions.get(f.row) ?? 0 }));
    for (const batch of chunks(inserts)) await write.insert(batch);
    this.report.imported[counter] = fresh.length;
    if (fresh.length + this.report.updated[counter] > 0) {
      this.changed.add(table === savedQueries ? 'saved_queries' : 'connections');
    }
  }

  private async savedQueries(): Promise<void> {
    const fields = (q: ImportedSavedQuery) => ({
      name: q.name,
      query: q.query,
      description: q.description,
      connectionType: q.connectionType,
      tags: q.tags,
      extra: q.extra,
      createdAt: q.createdAt,
      updatedAt: q.updatedAt,
    });
    await this.mergeVersioned(
      'savedQuery',
      'savedQueries',
      savedQueries,
      this.#owned(
        'savedQuery',
        this.file.savedQueries,
        (q) => q.id,
        () => ({ may: can(this.actor.role, 'savedQueries.write'), what: 'saved queries' }),
      ),
      {
        insert: async (batch) => {
          await this.tx.insert(savedQueries).values(
            batch.map(({ row, userId, position }) => ({
              id: row.id,
              userId,
              position,
              ...fields(row),
            })),
          );
        },
        update: async (row, userId, position) => {
          await this.tx
            .update(savedQueries)
            .set({
              ...fields(row),
              deletedAt: null,
              ...(position === undefined ? {} : { position }),
            })
            .where(and(eq(savedQueries.id, row.id), eq(savedQueries.userId, userId)));
        },
      },
    );
  }

  /** Metadata only: secrets are not in the file, and those in the vault stay as they are. */
  private async connections(): Promise<void> {
    const fields = (c: ImportedConnection) => ({
      name: c.name,
      type: c.type,
      host: c.host,
      port: c.port,
      dbUser: c.user,
      database: c.database,
      connectionString: c.connectionString,
      isDemo: c.isDemo,
      extra: c.extra,
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
    });
    await this.mergeVersioned(
      'connection',
      'connections',
      connections,
      this.#owned(
        'connection',
        this.file.connections,
        (c) => c.id,
        () => ({ may: can(this.actor.role, 'connections.write'), what: 'connections' }),
      ),
      {
        insert: async (batch) => {
          await this.tx.insert(connections).values(
            batch.map(({ row, userId, position }) => ({
              id: row.id,
              userId,
              position,
              ...fields(row),
            })),
          );
        },
        update: async (row, userId, position) => {
          await this.tx
            .update(connections)
            .set({
              ...fields(row),
              deletedAt: null,
              ...(position === undefined ? {} : { position }),
            })
            .where(and(eq(connections.id, row.id), eq(connections.userId, userId)));
        },
      },
    );
  }

  /**
   * The studio's documents, matched by owner (here), kind and key, merged as saved queries
   * are: the later `updatedAt` wins, taken whole. A list item new here goes to the end of its
   * owner's list of that kind, in the file's order; one replaced keeps its place.
   */
  private async documents(): Promise<void> {
    const rows = this.#owned(
      'document',
      this.file.documents,
      documentRef,
      (d) => ({
        may: STUDIO_DOCUMENT_WRITERS[d.kind].includes(this.actor.role),
        what: DOCUMENT_NAMES[d.kind],
      }),
      true,
    );
    const here = new Map<string, { updatedAt: Date; deletedAt: Date | null }>();
    const owners = [...new Set(rows.map((r) => r.userId))];
    if (owners.length > 0) {
      const stored = await this.tx
        .select({
          userId: studioDocuments.userId,
          kind: studioDocuments.kind,
          key: studioDocuments.key,
          updatedAt: studioDocuments.updatedAt,
          deletedAt: studioDocuments.deletedAt,
        })
        .from(studioDocuments)
        .where(inArray(studioDocuments.userId, owners));
      for (const d of stored) here.set(documentKey(d.userId, d.kind, d.key), d);
    }

    type Placed = { row: ImportedStudioDocument; userId: string; position: number };
    const fresh: Placed[] = [];
    const replaced: (Placed & { keep: boolean })[] = [];
    const place = async (row: ImportedStudioDocument, userId: string) =>
      LIST_KINDS.has(row.kind) ? this.nextPosition(studioDocuments, userId, row.kind) : 0;
    for (const { row, userId } of rows) {
      const found = here.get(documentKey(userId, row.kind, row.key));
      if (!found) {
        fresh.push({ row, userId, position: await place(row, userId) });
        continue;
      }
      const theirs = row.updatedAt.getTime();
      const ours = found.updatedAt.getTime();
      const ref = documentRef(row);
      if (theirs === ours && found.deletedAt === null) this.report.alreadyPresent++;
      else if (theirs <= ours) {
        const reason = found.deletedAt === null ? SKIP_REASONS.newerHere : SKIP_REASONS.deletedHere;
        this.#skip('document', ref, reason, row.userId);
      } else if (found.deletedAt === null) replaced.push({ row, userId, position: 0, keep: true });
      else replaced.push({ row, userId, position: await place(row, userId), keep: false });
    }

    for (const { row, userId, position, keep } of replaced) {
      await this.tx
        .update(studioDocuments)
        .set({
          doc: row.doc,
          createdAt: row.createdAt,
          updatedAt: row.updatedAt,
          deletedAt: null,
          ...(keep ? {} : { position }),
        })
        .where(
          and(
            eq(studioDocuments.userId, userId),
            eq(studioDocuments.kind, row.kind),
            eq(studioDocuments.key, row.key),
          ),
        );
    }
    this.report.updated.documents = replaced.length;
    const weight = ({ row }: Placed) => (JSON.stringify(row.doc)?.length ?? 0) + row.key.length;
    for (const batch of chunks(fresh, weight)) {
      await this.tx.insert(studioDocuments).values(
        batch.map(({ row, userId, position }) => ({
          // The id the schema checks: of the owner here, the kind and the key as stored.
          id: sql`md5(${userId} || chr(31) || ${row.kind} || chr(31) || ${encodeText(row.key)})`,
          userId,
          kind: row.kind,
          key: row.key,
          doc: row.doc,
          position,
          createdAt: row.createdAt,
          updatedAt: row.updatedAt,
        })),
      );
    }
    this.report.imported.documents = fresh.length;
    if (fresh.length + replaced.length > 0) this.changed.add('studio_documents');
  }
}

export interface ImportOutcome {
  report: TransferReport;
  /** Tables the import wrote to, for change events. */
  changed: ChangedTable[];
}

/**
 * Merges an export file into this database. The whole file is validated first (nothing is
 * written when any of it is invalid), then applied in one transaction: all of it, or, if
 * anything fails, none of it. See the README for the merge rules.
 */
export async function importPlatformData(
  db: PgliteDatabase,
  actor: Actor,
  document: unknown,
): Promise<ImportOutcome> {
  const file = parseExport(document);
  try {
    return await db.transaction(async (tx) => {
      const merge = new Merge(tx, actor, file);
      await merge.run();
      return { report: merge.report, changed: [...merge.changed] };
    });
  } catch (error) {
    throw translateDatabaseError(error, 'import');
  }
}
