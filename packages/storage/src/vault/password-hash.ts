import { fromBase64, toBase64 } from './encoding.ts';

/** OWASP's current advice for PBKDF2-HMAC-SHA256. */
export const PBKDF2_ITERATIONS = 600_000;
/**
 * Far above any count we would choose, so a damaged or hostile hash string cannot make a
 * verification hang the tab.
 */
export const MAX_PBKDF2_ITERATIONS = 10_000_000;
const SALT_BYTES = 16;
const HASH_BYTES = 32;
const SCHEME = 'pbkdf2-sha256';
const ITERATIONS_TEXT = /^[1-9][0-9]{0,7}$/;

function checkIterations(iterations: number): void {
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > MAX_PBKDF2_ITERATIONS) {
    throw new RangeError(`iterations must be an integer from 1 to ${MAX_PBKDF2_ITERATIONS}`);
  }
}

async function derive(
  password: string,
  salt: Uint8Array<ArrayBuffer>,
  iterations: number,
): Promise<Uint8Array> {
  // NFKC (NIST SP 800-63B): the same password typed on another keyboard or OS, which may compose
  // accents differently, must still match.
  const material = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(password.normalize('NFKC')),
    'PBKDF2',
    false,
    ['deriveBits'],
  );
  const bits = await crypto.subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt, iterations },
    material,
    HASH_BYTES * 8,
  );
  return new Uint8Array(bits);
}

/**
 * A slow salted hash, self-describing (`pbkdf2-sha256$<iterations>$<salt>$<hash>`, base64) so the
 * iteration count can rise later without breaking stored hashes. `iterations` is there for tests
 * and for raising the count; the app leaves it at the default.
 */
export async function hashPassword(
  password: string,
  iterations: number = PBKDF2_ITERATIONS,
): Promise<string> {
  checkIterations(iterations);
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const hash = await derive(password, salt, iterations);
  return `${SCHEME}$${iterations}$${toBase64(salt)}$${toBase64(hash)}`;
}

/** The iteration count a hash was made with, or `null` when it is not one of ours. */
export function hashIterations(encoded: string): number | null {
  const [scheme, iterations] = encoded.split('$');
  if (scheme !== SCHEME || iterations === undefined || !ITERATIONS_TEXT.test(iterations)) {
    return null;
  }
  const count = Number(iterations);
  return count <= MAX_PBKDF2_ITERATIONS ? count : null;
}

/** True when `password` made `encoded`, with the iteration count written in it. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parts = encoded.split('$');
  const iterations = hashIterations(encoded);
  const salt = fromBase64(parts[2] ?? '');
  const expected = fromBase64(parts[3] ?? '');
  if (
    parts.length !== 4 ||
    iterations === null ||
    !salt ||
    salt.length === 0 ||
    expected?.length !== HASH_BYTES
  ) {
    return false;
  }
  const actual = await derive(password, salt, iterations);
  // Look at every byte whatever the first difference, so timing says nothing about the hash.
  let difference = 0;
  for (let i = 0; i < HASH_BYTES; i++) difference |= (expected[i] ?? 0) ^ (actual[i] ?? 0);
  return difference === 0;
}
