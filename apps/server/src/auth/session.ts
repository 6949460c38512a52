import type { PlatformRole } from '@platform/schema/server';
import { errors, jwtVerify, SignJWT } from 'jose';
import type pg from 'pg';

export const SESSION_COOKIE = 'platform_session';
const ISSUER = 'platform-storage';
const AUDIENCE = 'platform-studio';

/** Who a request acts as, re-read from the database on every request. */
export interface Session {
  id: string;
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

/**
 * A signed session token. `pwv` is the account's password version (when its password last
 * changed, in ms): changing or resetting the password ends every session issued before.
 */
export function issueToken(keys: SessionKeys, userId: string, passwordVersion: number) {
  return new SignJWT({ pwv: passwordVersion })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${keys.ttlSeconds}s`)
    .sign(keys.key);
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
 * only, so an `alg: none` or RS256 token is refused), then the account must still exist with the
 * same password version. Its role comes from the database, so a role change applies at once.
 */
export async function readSession(
  pool: pg.Pool,
  keys: SessionKeys,
  token: string | undefined,
): Promise<Session> {
  if (!token) throw new SessionError('missing');
  let claims: { sub?: string; pwv?: unknown };
  try {
    ({ payload: claims } = await jwtVerify(token, keys.key, {
      algorithms: ['HS256'],
      issuer: ISSUER,
      audience: AUDIENCE,
    }));
  } catch (error) {
    throw new SessionError(error instanceof errors.JWTExpired ? 'expired' : 'invalid');
  }
  if (typeof claims.sub !== 'string' || typeof claims.pwv !== 'number') {
    throw new SessionError('invalid');
  }
  const { rows } = await pool.query<Omit<Session, 'passwordVersion'> & { pwv: string | null }>(
    `select u.id, u.username, u.email, u.platform_role as role,
            (extract(epoch from p.password_updated_at) * 1000)::bigint::text as pwv
       from platform_users u left join platform_user_passwords p on p.user_id = u.id
      where u.id = $1 and u.deleted_at is null`,
    [claims.sub],
  );
  const row = rows[0];
  if (!row || Number(row.pwv ?? 0) !== claims.pwv) throw new SessionError('revoked');
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    role: row.role,
    passwordVersion: claims.pwv,
  };
}
