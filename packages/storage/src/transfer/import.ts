import {
  connections,
  type PlatformRole,
  platformUsers,
  queryLogs,
  savedQueries,
} from '@platform/schema/browser';
import { and, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import { NotFoundError, translateDatabaseError } from '../errors.ts';
import { type Action, type Actor, can } from '../permissions.ts';
import type { ChangedTable } from '../repositories/context.ts';
import {
  type ImportedConnection,
  type ImportedDocument,
  type ImportedProfile,
  type ImportedSavedQuery,
  parseExport,
} from './format.ts';

export type TransferKind = 'profile' | 'history' | 'savedQuery' | 'connection';

export interface TransferCounts {
  profiles: number;
  history: number;
  savedQueries: number;
  connections: number;
}

/** A row of the file that was left out, or a profile merged only in part, and why. */
export interface TransferSkip {
  kind: TransferKind;
  /** The row's id as written in the file. */
  id: string;
  reason: string;
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

/** Rows per statement: well under Postgres' 65,535 parameters at a dozen columns a row. */
const CHUNK = 500;

const counts = (): TransferCounts => ({
  profiles: 0,
  history: 0,
  savedQueries: 0,
  connections: 0,
});

const chunks = <T>(items: readonly T[]): T[][] => {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
};

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
  }

  #skip(kind: TransferKind, id: string, reason: string): void {
    this.report.skipped.push({ kind, id, reason });
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
  #owned<R extends { id: string; userId: string }>(
    kind: TransferKind,
    rows: readonly R[],
    action: Action,
    what: string,
  ): { row: R; userId: string }[] {
    const allowed = can(this.actor.role, action);
    const out: { row: R; userId: string }[] = [];
    for (const row of rows) {
      const target = this.#target.get(row.userId);
      if (target === undefined) {
        this.#skip(kind, row.id, this.#refused.get(row.userId) ?? SKIP_REASONS.otherProfile);
      } else if (!allowed) {
        this.#skip(kind, row.id, `a ${this.actor.role} cannot import ${what}`);
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
    const rows = this.#owned('history', this.file.history, 'history.write', 'history');
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
   * is taken whole, its dates included, so importing the same file again changes nothing.
   */
  private async mergeVersioned<R extends { id: string; userId: string; updatedAt: Date }>(
    kind: 'savedQuery' | 'connection',
    counter: 'savedQueries' | 'connections',
    table: typeof savedQueries | typeof connections,
    rows: { row: R; userId: string }[],
    write: {
      insert(batch: { row: R; userId: string }[]): Promise<void>;
      update(row: R, userId: string): Promise<void>;
    },
  ): Promise<void> {
    const here = await this.existing(
      table,
      rows.map(({ row }) => row.id),
    );
    const fresh: { row: R; userId: string }[] = [];
    for (const { row, userId } of rows) {
      const found = here.get(row.id);
      if (!found) {
        fresh.push({ row, userId });
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
        await write.update(row, userId);
        this.report.updated[counter]++;
      }
    }
    for (const batch of chunks(fresh)) await write.insert(batch);
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
      createdAt: q.createdAt,
      updatedAt: q.updatedAt,
    });
    await this.mergeVersioned(
      'savedQuery',
      'savedQueries',
      savedQueries,
      this.#owned('savedQuery', this.file.savedQueries, 'savedQueries.write', 'saved queries'),
      {
        insert: async (batch) => {
          await this.tx
            .insert(savedQueries)
            .values(batch.map(({ row, userId }) => ({ id: row.id, userId, ...fields(row) })));
        },
        update: async (row, userId) => {
          await this.tx
            .update(savedQueries)
            .set({ ...fields(row), deletedAt: null })
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
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
    });
    await this.mergeVersioned(
      'connection',
      'connections',
      connections,
      this.#owned('connection', this.file.connections, 'connections.write', 'connections'),
      {
        insert: async (batch) => {
          await this.tx
            .insert(connections)
            .values(batch.map(({ row, userId }) => ({ id: row.id, userId, ...fields(row) })));
        },
        update: async (row, userId) => {
          await this.tx
            .update(connections)
            .set({ ...fields(row), deletedAt: null })
            .where(and(eq(connections.id, row.id), eq(connections.userId, userId)));
        },
      },
    );
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
