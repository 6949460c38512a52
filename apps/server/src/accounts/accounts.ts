import { randomUUID } from 'node:crypto';
import { PLATFORM_ROLES, type PlatformRole } from '@platform/schema/server';
import { LIMITS } from '@platform/storage/limits';
import type { HybridClock } from '@platform/sync/protocol';
import type pg from 'pg';
import { z } from 'zod';
import { hashPassword, PASSWORD_LIMITS } from '../auth/passwords.ts';
import { revokeSessions } from '../auth/session-store.ts';
import type { Queryable } from '../db/database.ts';
import { HttpError } from '../http-errors.ts';
import { lockAccounts } from './lock.ts';
import { canonicalUsername, usernameInput } from './username.ts';
import { assertUsernameFree, claimUsername } from './username-keys.ts';

/** An account as every endpoint shows it: never a password hash, nor whether one exists. */
export interface Account {
  id: string;
  username: string;
  email: string | null;
  role: PlatformRole;
  createdAt: string;
  updatedAt: string;
}

export const passwordInput = z
  .string()
  .min(PASSWORD_LIMITS.min, `must be at least ${PASSWORD_LIMITS.min} characters`)
  .max(PASSWORD_LIMITS.max, `must be at most ${PASSWORD_LIMITS.max} characters`);

/** An account's email, by the same rule whether an admin or the account itself sets it. */
export const emailValue = z.email('must be an email address').max(LIMITS.email);
const emailInput = emailValue.nullish();

export const newAccountInput = z.strictObject({
  username: usernameInput,
  email: emailInput,
  role: z.enum(PLATFORM_ROLES).default('user'),
  password: passwordInput,
});

export const accountPatchInput = z
  .strictObject({
    username: usernameInput.optional(),
    email: emailInput,
    role: z.enum(PLATFORM_ROLES).optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, 'nothing to change');

const SELECT = `id, username, email, platform_role as role,
  to_json(created_at)#>>'{}' as "createdAt", to_json(updated_at)#>>'{}' as "updatedAt"`;

const UNIQUE_VIOLATION = '23505';

/**
 * Runs a write to `platform_users`. Its own `lower(username)` index (shared with the browser's
 * schema) may still refuse a name the canonical rule allows, under some database locale: a 409.
 */
async function writeUser<T>(username: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if ((error as { code?: string }).code === UNIQUE_VIOLATION) {
      throw new HttpError(409, 'conflict', `The username "${username}" is taken.`);
    }
    throw error;
  }
}

async function assertAnotherAdmin(client: pg.ClientBase, id: string, verb: string) {
  const { rows } = await client.query(
    `select 1 from platform_users
      where platform_role = 'admin' and deleted_at is null and id <> $1 limit 1`,
    [id],
  );
  if (rows.length === 0) {
    throw new HttpError(
      409,
      'conflict',
      `Cannot ${verb} the last admin: make another account admin first.`,
    );
  }
}

/** Inside a transaction that holds the accounts lock. */
async function insertAccount(
  client: pg.ClientBase,
  clock: HybridClock,
  input: z.output<typeof newAccountInput>,
): Promise<Account> {
  await assertUsernameFree(client, input.username, null);
  const hashed = await hashPassword(input.password);
  const { rows } = await writeUser(input.username, () =>
    client.query<Account>(
      `insert into platform_users (id, username, email, platform_role, hlc)
       values ($1, $2, $3, $4, $5) returning ${SELECT}`,
      [randomUUID(), input.username, input.email ?? null, input.role, clock.next()],
    ),
  );
  const account = rows[0] as Account;
  await claimUsername(client, account.id, account.username);
  await client.query(
    'insert into platform_user_passwords (user_id, hashed_password) values ($1, $2)',
    [account.id, hashed],
  );
  return account;
}

export async function createAccount(
  client: pg.ClientBase,
  clock: HybridClock,
  input: z.output<typeof newAccountInput>,
): Promise<Account> {
  await lockAccounts(client);
  return insertAccount(client, clock, input);
}

/** First-run setup: the first account, always an admin; refused once any account exists. */
export async function createFirstAdmin(
  client: pg.ClientBase,
  clock: HybridClock,
  input: Omit<z.output<typeof newAccountInput>, 'role'>,
): Promise<Account> {
  await lockAccounts(client);
  const { rows } = await client.query('select 1 from platform_users limit 1');
  if (rows.length > 0) {
    throw new HttpError(409, 'conflict', 'Setup is done: an account exists already. Log in.');
  }
  return insertAccount(client, clock, { ...input, role: 'admin' });
}

export async function hasAccounts(pool: pg.Pool): Promise<boolean> {
  const { rows } = await pool.query(
    'select 1 from platform_users where deleted_at is null limit 1',
  );
  return rows.length > 0;
}

export async function listAccounts(pool: pg.Pool): Promise<Account[]> {
  const { rows } = await pool.query<Account>(
    `select ${SELECT} from platform_users where deleted_at is null order by created_at, username`,
  );
  return rows;
}

export async function getAccount(client: Queryable, id: string): Promise<Account | null> {
  const { rows } = await client.query<Account>(
    `select ${SELECT} from platform_users where id = $1 and deleted_at is null`,
    [id],
  );
  return rows[0] ?? null;
}

export interface Credentials {
  id: string;
  hash: string;
  passwordVersion: number;
}

const CREDENTIALS = `select u.id, p.hashed_password as hash,
    (extract(epoch from p.password_updated_at) * 1000)::bigint::text as pwv
  from platform_users u join platform_user_passwords p on p.user_id = u.id`;

async function credentials(
  client: Queryable,
  where: string,
  value: string,
): Promise<Credentials | null> {
  const { rows } = await client.query<{ id: string; hash: string; pwv: string }>(
    `${CREDENTIALS} where ${where} and u.deleted_at is null`,
    [value],
  );
  const row = rows[0];
  return row ? { id: row.id, hash: row.hash, passwordVersion: Number(row.pwv) } : null;
}

/** What login needs: the hash and the password version, by the canonical username. */
export function findCredentials(client: Queryable, username: string): Promise<Credentials | null> {
  return credentials(
    client,
    'u.id = (select user_id from platform_username_keys where username_key = $1)',
    canonicalUsername(username),
  );
}

export function findCredentialsById(client: Queryable, id: string): Promise<Credentials | null> {
  return credentials(client, 'u.id = $1', id);
}

export async function updateAccount(
  client: pg.ClientBase,
  clock: HybridClock,
  id: string,
  patch: z.output<typeof accountPatchInput>,
): Promise<Account> {
  await lockAccounts(client);
  const current = await getAccount(client, id);
  if (!current) throw new HttpError(404, 'not-found', 'No such account.');
  if (patch.role !== undefined && patch.role !== 'admin' && current.role === 'admin') {
    await assertAnotherAdmin(client, id, 'demote');
  }
  if (patch.username !== undefined) {
    await assertUsernameFree(client, patch.username, id);
    await claimUsername(client, id, patch.username);
  }
  // A server-side write: stamped with the server's clock so devices take it by the same rule.
  const { rows } = await writeUser(patch.username ?? current.username, () =>
    client.query<Account>(
      `update platform_users
          set username = coalesce($2, username),
              email = case when $3::boolean then $4 else email end,
              platform_role = coalesce($5, platform_role),
              updated_at = now(), hlc = $6
        where id = $1 returning ${SELECT}`,
      [
        id,
        patch.username ?? null,
        patch.email !== undefined,
        patch.email ?? null,
        patch.role ?? null,
        clock.next(),
      ],
    ),
  );
  return rows[0] as Account;
}

/**
 * Sets a new password and ends every session of the account but `keepSession` (the one that
 * changed it, if any). Returns the new password version.
 */
export async function setAccountPassword(
  client: pg.ClientBase,
  id: string,
  password: string,
  keepSession: string | null = null,
): Promise<number> {
  const hashed = await hashPassword(password);
  await revokeSessions(client, id, keepSession);
  const { rows } = await client.query<{ pwv: string }>(
    `insert into platform_user_passwords (user_id, hashed_password, password_updated_at)
     values ($1, $2, now())
     on conflict (user_id) do update
       set hashed_password = excluded.hashed_password,
           -- Strictly later, even within one clock tick: old sessions must not match it.
           password_updated_at = greatest(now(), platform_user_passwords.password_updated_at + interval '1 millisecond')
     returning (extract(epoch from password_updated_at) * 1000)::bigint::text as pwv`,
    [id, hashed],
  );
  return Number(rows[0]?.pwv);
}

/** Removes an account and, by cascade, everything it owns on the server. */
export async function deleteAccount(client: pg.ClientBase, actorId: string, id: string) {
  await lockAccounts(client);
  if (id === actorId) {
    throw new HttpError(409, 'conflict', 'You cannot delete your own account.');
  }
  const current = await getAccount(client, id);
  if (!current) throw new HttpError(404, 'not-found', 'No such account.');
  if (current.role === 'admin') await assertAnotherAdmin(client, id, 'delete');
  await client.query('delete from platform_users where id = $1', [id]);
}
