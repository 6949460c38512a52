import type { PlatformRole } from '@platform/schema/server';
import { errors, jwtVerify, SignJWT } from 'jose';
import type pg from 'pg';

export const SESSION_COOKIE = 'platform_session';
const ISSUER = 'platform-storage';
const AUDIENCE = 'platform-studio';

/** Who a request acts as, re-read from the database on every request. */
export interface Session {
  /** The account's id. */
  id: string;
  /** The `platform_sessions` row the token names. */
  sessionId: string;
  username: string;
  email: string | null;
  role: PlatformRole;
  /** The password version the token carried (and the database still has). */
  passwordVersion: number;
}

export interface SessionKeys {
  /** HS256 key: JWT_SECRET's bytes. */
  key: Uint8Array;
  ttlSeconds: number;
}

export function sessionKeys(secret: string, ttlSeconds: number): SessionKeys {
  return { key: new TextEncoder().encode(secret), ttlSeconds };
}

export interface TokenClaims {
  userId: string;
  /** The `platform_sessions` row: the token is good while that row is live. */
  sessionId: string;
  /** The account's password version (when its password last changed, in ms). */
  passwordVersion: number;
  /** Epoch ms: the row's expiry, so the token never outlives its session. */
  expiresAt: number;
}

/**
 * A signed session token naming its session row (`sid`). `pwv` is the account's password
 * version: besides the row being revoked, a password change ends every token issued before it.
 */
export function issueToken(keys: SessionKeys, claims: TokenClaims) {
  return new SignJWT({ sid: claims.sessionId, pwv: claims.passwordVersion })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(Math.floor(claims.expiresAt / 1000))
    .sign(keys.key);
}

/** The session a token names, checked for signature, issuer, audience and expiry only. */
async function verifyToken(
  keys: SessionKeys,
  token: string,
): Promise<{ userId: string; sessionId: string; passwordVersion: number }> {
  let claims: { sub?: unknown; sid?: unknown; pwv?: unknown };
  try {
    ({ payload: claims } = await jwtVerify(token, keys.key, {
      algorithms: ['HS256'],
      issuer: ISSUER,
      audience: AUDIENCE,
    }));
  } catch (error) {
    throw new SessionError(error instanceof errors.JWTExpired ? 'expired' : 'invalid');
  }
  if (
    typeof claims.sub !== 'string' ||
    typeof claims.sid !== 'string' ||
    typeof claims.pwv !== 'number'
  ) {
    // Tokens from before sessions were rows carry no `sid`: they were signed by us, but name
    // nothing the server can end, so they are over.
    throw new SessionError(typeof claims.sub === 'string' ? 'revoked' : 'invalid');
  }
  return { userId: claims.sub, sessionId: claims.sid, passwordVersion: claims.pwv };
}

/** The session id of a valid token this server signed, for logging out; else null. */
export async function tokenSessionId(
  keys: SessionKeys,
  token: string | undefined,
): Promise<string | null> {
  if (!token) return null;
  try {
    return (await verifyToken(keys, token)).sessionId;
  } catch {
    return null;
  }
}

export type SessionFailure = 'missing' | 'invalid' | 'expired' | 'revoked';

export class SessionError extends Error {
  constructor(readonly reason: SessionFailure) {
    super(
      reason === 'expired'
        ? 'Your session has expired: log in again.'
        : reason === 'missing'
          ? 'Log in first.'
          : 'Your session is no longer valid: log in again.',
    );
  }
}

/**
 * The account a token stands for: signature, issuer, audience and expiry checked by jose (HS256
 * only, so an `alg: none` or RS256 token is refused); then its session row must be live (not
 * revoked, not expired) and the account must still exist with the same password version. The
 * role comes from the database, so a role change applies at once.
 */
export async function readSession(
  pool: pg.Pool,
  keys: SessionKeys,
  token: string | undefined,
): Promise<Session> {
  if (!token) throw new SessionError('missing');
  const claims = await verifyToken(keys, token);
  const { rows } = await pool.query<
    Omit<Session, 'passwordVersion' | 'sessionId'> & {
      pwv: string | null;
      revoked: boolean;
      expired: boolean;
    }
  >(
    `select u.id, u.username, u.email, u.platform_role as role,
            (extract(epoch from p.password_updated_at) * 1000)::bigint::text as pwv,
            s.revoked_at is not null as revoked, s.expires_at <= now() as expired
       from platform_sessions s
       join platform_users u on u.id = s.user_id and u.deleted_at is null
       left join platform_user_passwords p on p.user_id = u.id
      where s.id = $1 and s.user_id = $2`,
    [claims.sessionId, claims.userId],
  );
  const row = rows[0];
  if (!row || row.revoked || Number(row.pwv ?? 0) !== claims.passwordVersion) {
    throw new SessionError('revoked');
  }
  if (row.expired) throw new SessionError('expired');
  return {
    id: row.id,
    sessionId: claims.sessionId,
    username: row.username,
    email: row.email,
    role: row.role,
    passwordVersion: claims.passwordVersion,
  };
}
