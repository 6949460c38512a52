import { hash, verify } from '@node-rs/argon2';

/**
 * Argon2id with OWASP's current minimum (Password Storage Cheat Sheet): 19 MiB of memory, two
 * passes, one lane. About 70 ms a hash on this 2-core machine. The parameters are stored in each
 * hash (PHC string), so raising them later still verifies old hashes.
 */
export const ARGON2_PARAMS = {
  // Algorithm.Argon2id: a const enum, which isolated modules cannot import.
  algorithm: 2,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

export const PASSWORD_LIMITS = { min: 8, max: 1_024 } as const;

/** The same text however it was typed: composed and decomposed accents are one password. */
const normalize = (password: string) => password.normalize('NFKC');

export function hashPassword(password: string): Promise<string> {
  return hash(normalize(password), ARGON2_PARAMS);
}

export async function verifyPassword(stored: string, password: string): Promise<boolean> {
  try {
    return await verify(stored, normalize(password));
  } catch {
    // A malformed stored hash matches nothing.
    return false;
  }
}

// Verified against when the username is unknown, so that answer takes as long as a wrong password.
let decoy: Promise<string> | null = null;
export async function verifyAgainstNothing(password: string): Promise<false> {
  decoy ??= hashPassword('decoy password that matches nothing');
  await verifyPassword(await decoy, password);
  return false;
}
