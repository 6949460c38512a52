/**
 * Who owns which username, decided by the server: `platform_username_keys` holds the canonical
 * key (`username.ts`) of every live account, unique. Every path that names or renames an account
 * claims its key in the same transaction, under the accounts lock; login looks accounts up by it.
 *
 * The keys are computed in JavaScript, so rows written before the table existed (or by hand) are
 * keyed when the server starts (`reconcileUsernameKeys`). Where two live accounts share a key,
 * an old state the rule now forbids (`"eve "` beside `"eve"`), the older account keeps the name
 * and the other is left without a key: it cannot log in until an admin renames it.
 */
import type pg from 'pg';
import { transaction } from '../db/database.ts';
import { HttpError } from '../http-errors.ts';
import { lockAccounts } from './lock.ts';
import { canonicalUsername } from './username.ts';

const UNIQUE_VIOLATION = '23505';

/** 409 when a live account other than `except` has this username under the canonical rule. */
export async function assertUsernameFree(
  client: pg.ClientBase,
  username: string,
  except: string | null,
): Promise<void> {
  const { rows } = await client.query(
    `select 1 from platform_username_keys k join platform_users u on u.id = k.user_id
      where k.username_key = $1 and u.deleted_at is null and k.user_id is distinct from $2`,
    [canonicalUsername(username), except],
  );
  if (rows.length > 0) throw new HttpError(409, 'conflict', `The username "${username}" is taken.`);
}

/**
 * Gives `userId` the key of `username` (in a transaction holding the accounts lock, after
 * `assertUsernameFree`). The unique constraint is the last word, should anything bypass the lock.
 */
export async function claimUsername(
  client: pg.ClientBase,
  userId: string,
  username: string,
): Promise<void> {
  const key = canonicalUsername(username);
  await client.query(
    `delete from platform_username_keys k using platform_users u
      where k.user_id = u.id and u.deleted_at is not null and k.username_key = $1`,
    [key],
  );
  try {
    await client.query(
      `insert into platform_username_keys (user_id, username_key) values ($1, $2)
       on conflict (user_id) do update set username_key = excluded.username_key`,
      [userId, key],
    );
  } catch (error) {
    if ((error as { code?: string }).code === UNIQUE_VIOLATION) {
      throw new HttpError(409, 'conflict', `The username "${username}" is taken.`);
    }
    throw error;
  }
}

export interface UnkeyedAccount {
  id: string;
  username: string;
  /** The older account that keeps the name. */
  heldBy: string;
}

/**
 * Keys every live account that lacks its key (or has a stale one) and drops the keys of deleted
 * accounts. Returns the accounts left without a key because an older account has their name.
 */
export async function reconcileUsernameKeys(pool: pg.Pool): Promise<UnkeyedAccount[]> {
  return transaction(pool, async (client) => {
    await lockAccounts(client);
    await client.query(
      `delete from platform_username_keys k using platform_users u
        where k.user_id = u.id and u.deleted_at is not null`,
    );
    const { rows } = await client.query<{ id: string; username: string; key: string | null }>(
      `select u.id, u.username, k.username_key as key
         from platform_users u left join platform_username_keys k on k.user_id = u.id
        where u.deleted_at is null
        order by u.created_at, u.id`,
    );
    // Accounts holding their right key keep it; the others claim theirs, oldest first.
    const owner = new Map<string, string>();
    const pending: { id: string; username: string; key: string; stored: string | null }[] = [];
    for (const row of rows) {
      const key = canonicalUsername(row.username);
      if (row.key === key) owner.set(key, row.id);
      else pending.push({ id: row.id, username: row.username, key, stored: row.key });
    }
    const unkeyed: UnkeyedAccount[] = [];
    const stale: string[] = [];
    const wanted: { id: string; key: string }[] = [];
    for (const account of pending) {
      if (account.stored !== null) stale.push(account.id);
      const holder = owner.get(account.key);
      if (holder !== undefined) {
        unkeyed.push({ id: account.id, username: account.username, heldBy: holder });
        continue;
      }
      owner.set(account.key, account.id);
      wanted.push({ id: account.id, key: account.key });
    }
    // Stale keys go first, so a key moving between two accounts never meets itself.
    if (stale.length > 0) {
      await client.query('delete from platform_username_keys where user_id = any($1)', [stale]);
    }
    if (wanted.length > 0) {
      await client.query(
        `insert into platform_username_keys (user_id, username_key)
         select * from unnest($1::text[], $2::text[])`,
        [wanted.map((w) => w.id), wanted.map((w) => w.key)],
      );
    }
    return unkeyed;
  });
}
