/**
 * Sessions as rows of `platform_sessions`, so the server can end them: a token is only as good
 * as its row. Logging out revokes the row; a password change or reset revokes the account's
 * other rows; deleting the account removes them (cascade). Renewal (`/api/auth/me`) moves the
 * same row's expiry, and only while the row is live, so a logged-out token is never renewed.
 * Expiry is decided by the database's clock, the one that checks it.
 */
import { randomBytes } from 'node:crypto';
import type { Queryable } from '../db/database.ts';

export interface StoredSession {
  id: string;
  /** When it ends unless renewed, epoch ms. */
  expiresAt: number;
}

// Rounded down, so the token's expiry (whole seconds, rounded down too) is never after the row's.
const EXPIRES_MS = `floor(extract(epoch from expires_at) * 1000)::bigint::text as "expiresAt"`;

function stored(row: { id: string; expiresAt: string } | undefined): StoredSession | null {
  return row ? { id: row.id, expiresAt: Number(row.expiresAt) } : null;
}

/** A new session of `userId`, lasting `ttlSeconds`. */
export async function openSession(
  client: Queryable,
  userId: string,
  ttlSeconds: number,
): Promise<StoredSession> {
  // 256 bits: a session id is never guessable, though the token's signature is what protects it.
  const id = randomBytes(32).toString('base64url');
  const { rows } = await client.query<{ id: string; expiresAt: string }>(
    `insert into platform_sessions (id, user_id, expires_at)
     values ($1, $2, now() + make_interval(secs => $3)) returning id, ${EXPIRES_MS}`,
    [id, userId, ttlSeconds],
  );
  return stored(rows[0]) as StoredSession;
}

/** The same session, lasting `ttlSeconds` from now; null if it was revoked or has expired. */
export async function renewSession(
  client: Queryable,
  id: string,
  ttlSeconds: number,
): Promise<StoredSession | null> {
  const { rows } = await client.query<{ id: string; expiresAt: string }>(
    `update platform_sessions set expires_at = now() + make_interval(secs => $2)
      where id = $1 and revoked_at is null and expires_at > now()
      returning id, ${EXPIRES_MS}`,
    [id, ttlSeconds],
  );
  return stored(rows[0]);
}

export async function revokeSession(client: Queryable, id: string): Promise<void> {
  await client.query(
    'update platform_sessions set revoked_at = now() where id = $1 and revoked_at is null',
    [id],
  );
}

/** Ends every session of `userId` except `keep`. */
export async function revokeSessions(
  client: Queryable,
  userId: string,
  keep: string | null,
): Promise<void> {
  await client.query(
    `update platform_sessions set revoked_at = now()
      where user_id = $1 and revoked_at is null and id is distinct from $2`,
    [userId, keep],
  );
}

/**
 * Removes sessions past their expiry, revoked or not: their tokens have expired too (a token
 * never outlives its row), so nothing can present them any more.
 */
export async function pruneSessions(client: Queryable): Promise<void> {
  await client.query('delete from platform_sessions where expires_at < now()');
}
