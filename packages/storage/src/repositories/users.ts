import { type PlatformRole, platformUsers } from '@platform/schema/browser';
import { and, asc, eq, isNull, ne, sql } from 'drizzle-orm';
import {
  ConflictError,
  NotFoundError,
  PermissionError,
  translateDatabaseError,
} from '../errors.ts';
import { assertCan } from '../permissions.ts';
import { dropSyncState } from '../sync-link.ts';
import {
  idInput,
  type NewUserInput,
  newUserInput,
  parse,
  type UserPatchInput,
  userPatchInput,
} from '../validation.ts';
import type { RepositoryContext } from './context.ts';

export interface UserRecord {
  id: string;
  username: string;
  email: string | null;
  role: PlatformRole;
  createdAt: Date;
  updatedAt: Date;
}

const columns = {
  id: platformUsers.id,
  username: platformUsers.username,
  email: platformUsers.email,
  role: platformUsers.platformRole,
  createdAt: platformUsers.createdAt,
  updatedAt: platformUsers.updatedAt,
};

const live = isNull(platformUsers.deletedAt);

/** Called when a user is removed, so their secrets in the vault go too. */
export type UserRemovedHook = (userId: string) => Promise<void>;

/**
 * Profiles. Everyone can list them (a profile picker needs that) and edit their own name and
 * email; only admins create, delete, or change roles, and the last admin can be neither demoted
 * nor removed, so the profiles always stay manageable.
 */
export class UsersRepository {
  constructor(
    private readonly ctx: RepositoryContext,
    private readonly onRemoved: UserRemovedHook = async () => {},
  ) {}

  async list(): Promise<UserRecord[]> {
    const rows = await this.ctx.db
      .select(columns)
      .from(platformUsers)
      .where(live)
      .orderBy(asc(platformUsers.createdAt), asc(platformUsers.username));
    return rows as UserRecord[];
  }

  async get(id: string): Promise<UserRecord | null> {
    const rows = await this.ctx.db
      .select(columns)
      .from(platformUsers)
      .where(and(live, eq(platformUsers.id, parse(idInput, id, 'id'))));
    return (rows[0] as UserRecord | undefined) ?? null;
  }

  async findByUsername(username: string): Promise<UserRecord | null> {
    const rows = await this.ctx.db
      .select(columns)
      .from(platformUsers)
      .where(and(live, sql`lower(${platformUsers.username}) = lower(${username})`));
    return (rows[0] as UserRecord | undefined) ?? null;
  }

  async create(input: NewUserInput): Promise<UserRecord> {
    assertCan(this.ctx.actor(), 'users.manage');
    return this.insert(input);
  }

  /** Inserts without a permission check: first-run setup, before there is anyone to act. */
  async insert(input: NewUserInput): Promise<UserRecord> {
    const u = parse(newUserInput, input, 'user');
    await this.assertUsernameFree(u.username, null);
    try {
      const rows = await this.ctx.db
        .insert(platformUsers)
        .values({
          id: u.id ?? crypto.randomUUID(),
          username: u.username,
          email: u.email,
          platformRole: u.role,
        })
        .returning(columns);
      this.ctx.changed('platform_users');
      return rows[0] as UserRecord;
    } catch (error) {
      throw translateDatabaseError(error, `user ${u.username}`);
    }
  }

  async update(id: string, input: UserPatchInput): Promise<UserRecord> {
    const actor = this.ctx.actor();
    const patch = parse(userPatchInput, input, 'user change');
    const current = await this.get(id);
    if (!current) throw new NotFoundError('user', id);
    if (id !== actor.id || (patch.role !== undefined && patch.role !== current.role)) {
      assertCan(actor, 'users.manage');
    }
    if (patch.role !== undefined && patch.role !== 'admin' && current.role === 'admin') {
      await this.assertAnotherAdmin(id, 'demote');
    }
    if (patch.username !== undefined) await this.assertUsernameFree(patch.username, id);
    try {
      const rows = await this.ctx.db
        .update(platformUsers)
        .set({
          ...(patch.username !== undefined ? { username: patch.username } : {}),
          ...(patch.email !== undefined ? { email: patch.email ?? null } : {}),
          ...(patch.role !== undefined ? { platformRole: patch.role } : {}),
          updatedAt: sql`now()`,
        })
        .where(and(live, eq(platformUsers.id, id)))
        .returning(columns);
      this.ctx.changed('platform_users');
      return rows[0] as UserRecord;
    } catch (error) {
      throw translateDatabaseError(error, `user ${id}`);
    }
  }

  /** Removes a profile and everything it owns. */
  async delete(id: string): Promise<boolean> {
    const actor = this.ctx.actor();
    assertCan(actor, 'users.manage');
    if (id === actor.id) {
      throw new PermissionError(
        'users.manage',
        'Switch to another profile before removing this one.',
      );
    }
    const current = await this.get(id);
    if (!current) return false;
    if (current.role === 'admin') await this.assertAnotherAdmin(id, 'remove');
    await this.ctx.db.transaction(async (tx) => {
      // The profile leaves this device, rows and all (by cascade). A profile that syncs keeps
      // its account and data on the server: nothing of this removal is queued for it.
      await dropSyncState(tx, id);
      await tx.delete(platformUsers).where(eq(platformUsers.id, id));
    });
    await this.onRemoved(id);
    this.ctx.changed('platform_users');
    return true;
  }

  private async assertAnotherAdmin(id: string, verb: string): Promise<void> {
    const rows = await this.ctx.db
      .select({ n: sql<number>`count(*)::int` })
      .from(platformUsers)
      .where(and(live, eq(platformUsers.platformRole, 'admin'), ne(platformUsers.id, id)));
    if ((rows[0]?.n ?? 0) === 0) {
      throw new ConflictError(`Cannot ${verb} the last admin: make another profile admin first.`);
    }
  }

  private async assertUsernameFree(username: string, exceptId: string | null): Promise<void> {
    const existing = await this.findByUsername(username);
    if (existing && existing.id !== exceptId) {
      throw new ConflictError(`The username "${username}" is taken.`);
    }
  }
}
