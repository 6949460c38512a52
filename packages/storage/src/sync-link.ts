import {
  type PlatformRole,
  SYNCED_TABLE_NAMES,
  type SyncedTableName,
  setSyncApplying,
} from '@platform/schema/browser';
import { sql } from 'drizzle-orm';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import { ConflictError, NotFoundError } from './errors.ts';

/** A server account, as the sync server's login and who-am-I answers describe it. */
export interface SyncAccount {
  id: string;
  username: string;
  email: string | null;
  role: PlatformRole;
}

type Tx = Parameters<Parameters<PgliteDatabase['transaction']>[0]>[0];

/** The tables a profile owns rows of (besides its own row). */
const OWNED = SYNCED_TABLE_NAMES.filter(
  (table): table is Exclude<SyncedTableName, 'platform_users'> => table !== 'platform_users',
);

/** Writes of sync bookkeeping are not local edits: no fresh stamp, no outbox entry. */
async function asSync(tx: Tx): Promise<void> {
  await tx.execute(sql.raw(setSyncApplying(true)));
}

interface ProfileRow extends Record<string, unknown> {
  id: string;
  preferences: Record<string, unknown>;
  created_at: string;
  updated_at: string;
  hlc: string;
}

async function profileRow(tx: Tx, id: string): Promise<ProfileRow | null> {
  const rows = await tx.execute<ProfileRow>(sql`
    select id, preferences, created_at::text, updated_at::text, hlc
    from platform_users where id = ${id} and deleted_at is null`);
  return rows.rows[0] ?? null;
}

/**
 * Makes profile `fromId` this device's copy of `account`, with sync on, in one transaction:
 *
 * - the profile takes the account's id, name, email and role (its own rows move with it, each
 *   keeping its stamp); when the account is on this device already, the profile's rows join it;
 * - its studio documents move too, each under the id it has as the account's
 *   (its id is a function of owner, kind and key); where the account has a document of the same kind and key here
 *   already, the one written later (by stamp) stays and the other goes, as sync would decide;
 * - its preferences win only if they were ever changed here and are newer than the copy's: a
 *   fresh browser's untouched default profile never overwrites what the account has;
 * - every row of the account is queued for upload, so the server merges it by last-write-wins.
 *   Rows already there with the same stamp change nothing, so linking twice uploads no duplicate.
 *
 * Vault secrets are moved by the caller (the vault is not in the database).
 */
export async function linkProfileToAccount(
  db: PgliteDatabase,
  fromId: string,
  account: SyncAccount,
  syncUrl: string,
): Promise<void> {
  const to = account.id;
  await db.transaction(async (tx) => {
    await asSync(tx);
    const from = await profileRow(tx, fromId);
    if (!from) throw new NotFoundError('user', fromId);
    const clash = await tx.execute(sql`
      select username from platform_users
      where lower(username) = lower(${account.username}) and deleted_at is null
        and id <> ${fromId} and id <> ${to}`);
    if (clash.rows.length > 0) {
      throw new ConflictError(
        `Another profile here is named "${account.username}": rename it before linking this one to the account.`,
      );
    }
    const existing = fromId === to ? null : await profileRow(tx, to);
    const untouched =
      from.updated_at === from.created_at || Object.keys(from.preferences).length === 0;

    if (fromId !== to) {
      // Free the name first: usernames are unique among live profiles.
      await tx.execute(
        sql`update platform_users set username = '~linking~' || id where id = ${fromId}`,
      );
      if (existing) {
        const ours = !untouched && from.hlc > existing.hlc;
        await tx.execute(sql`
          update platform_users set username = ${account.username}, email = ${account.email},
            platform_role = ${account.role},
            preferences = ${ours ? sql`${JSON.stringify(from.preferences)}::jsonb` : sql`preferences`},
            hlc = ${ours ? from.hlc : sql`hlc`}
          where id = ${to}`);
      } else {
        await tx.execute(sql`
          insert into platform_users
            (id, username, email, platform_role, preferences, created_at, updated_at, hlc)
          values (${to}, ${account.username}, ${account.email}, ${account.role},
            ${JSON.stringify(from.preferences)}::jsonb, ${from.created_at}::timestamptz,
            ${from.updated_at}::timestamptz, ${untouched ? '' : from.hlc})`);
      }
      await moveDocuments(tx, fromId, to);
      for (const table of OWNED) {
        if (table === 'studio_documents') continue;
        await tx.execute(
          sql`update ${sql.identifier(table)} set user_id = ${to} where user_id = ${fromId}`,
        );
      }
      await tx.execute(sql`delete from platform_users where id = ${fromId}`);
      await tx.execute(sql`delete from sync_config where id = ${fromId}`);
      await tx.execute(sql`delete from sync_outbox where user_id = ${fromId}`);
      await tx.execute(sql`delete from sync_shapes where user_id = ${fromId}`);
    } else {
      await tx.execute(sql`
        update platform_users set username = ${account.username}, email = ${account.email},
          platform_role = ${account.role}
        where id = ${to}`);
    }

    // Rows from before sync carry no stamp; the server needs one to order them.
    for (const table of OWNED) {
      await tx.execute(sql`
        update ${sql.identifier(table)} set hlc = platform_next_hlc()
        where user_id = ${to} and hlc = ''`);
    }
    await tx.execute(sql`
      insert into sync_config (id, sync_enabled, sync_url) values (${to}, true, ${syncUrl})
      on conflict (id) do update set sync_enabled = true, sync_url = excluded.sync_url`);
    await tx.execute(sql`
      insert into sync_outbox (table_name, row_id, user_id, mutation_id, op, hlc)
      select 'platform_users', id, id, gen_random_uuid()::text, 'upsert', hlc
        from platform_users where id = ${to} and hlc <> ''
      ${sql.join(
        OWNED.map(
          (table) => sql`
      union all
      select ${table}, id, user_id, gen_random_uuid()::text, 'upsert', hlc
        from ${sql.identifier(table)} where user_id = ${to}`,
        ),
      )}
      on conflict (table_name, row_id) do nothing`);
  });
}

/**
 * Gives profile `fromId`'s studio documents to `to`. A document's id is a function of its
 * owner, kind and key (`STUDIO_DOCUMENT_ID_SQL`), so each takes the id it has as `to`'s; where
 * `to` has that document here already, last-write-wins by stamp decides which one stays (the
 * account's on a tie: it is the copy the server has). The replaced copy's queued upload goes
 * with it.
 */
async function moveDocuments(tx: Tx, fromId: string, to: string): Promise<void> {
  await tx.execute(sql`
    with replaced as (
      delete from studio_documents a using studio_documents f
       where f.user_id = ${fromId} and a.user_id = ${to} and a.kind = f.kind and a.key = f.key
         and f.hlc collate "C" > a.hlc collate "C"
      returning a.id)
    delete from sync_outbox
     where table_name = 'studio_documents' and row_id in (select id from replaced)`);
  await tx.execute(sql`
    delete from studio_documents f using studio_documents a
     where f.user_id = ${fromId} and a.user_id = ${to} and a.kind = f.kind and a.key = f.key`);
  await tx.execute(sql`
    update studio_documents
       set user_id = ${to},
           -- STUDIO_DOCUMENT_ID_SQL, of the new owner (SET reads the row as it was).
           id = md5(${to}::text || chr(31) || kind || chr(31) || key)
     where user_id = ${fromId}`);
}

/**
 * Forgets this device's copy of a synced profile's data, so it downloads everything again:
 * its history, saved queries, connections and studio documents, unsent changes and shape
 * positions. The profile
 * row stays, unstamped, so the server's copy replaces it.
 */
export async function forgetSyncedData(db: PgliteDatabase, userId: string): Promise<void> {
  await db.transaction(async (tx) => {
    await asSync(tx);
    for (const table of OWNED) {
      await tx.execute(sql`delete from ${sql.identifier(table)} where user_id = ${userId}`);
    }
    await tx.execute(sql`delete from sync_outbox where user_id = ${userId}`);
    await tx.execute(sql`delete from sync_shapes where user_id = ${userId}`);
    await tx.execute(sql`update platform_users set hlc = '' where id = ${userId}`);
  });
}

/** Profiles whose changes are synced from this device. */
export async function syncingProfiles(db: PgliteDatabase): Promise<Set<string>> {
  const rows = await db.execute<{ id: string }>(sql`select id from sync_config where sync_enabled`);
  return new Set(rows.rows.map((r) => r.id));
}

/** Removes a profile from this device only: nothing of its removal is queued for a server. */
export async function dropSyncState(tx: Tx, userId: string): Promise<void> {
  await asSync(tx);
  await tx.execute(sql`delete from sync_config where id = ${userId}`);
  await tx.execute(sql`delete from sync_outbox where user_id = ${userId}`);
  await tx.execute(sql`delete from sync_shapes where user_id = ${userId}`);
}
