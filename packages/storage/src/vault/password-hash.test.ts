import { describe, expect, it } from 'vitest';
import {
  hashIterations,
  hashPassword,
  MAX_PBKDF2_ITERATIONS,
  PBKDF2_ITERATIONS,
  verifyPassword,
} from './password-hash.ts';

// Every test but the first uses a low count: the count is honoured as written, and 600,000
// iterations cost a noticeable fraction of a second each.
const FAST = 1_000;

describe('profile password hashing', () => {
  it("uses PBKDF2-SHA256 at OWASP's 600,000 iterations by default, salted", async () => {
    const hash = await hashPassword('correct horse battery staple');

    expect(PBKDF2_ITERATIONS).toBe(600_000);
    expect(hash).toMatch(/^pbkdf2-sha256\$600000\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    expect(await verifyPassword('correct horse battery staple', hash)).toBe(true);
  });

  it('gives a different hash each time for the same password', async () => {
    const first = await hashPassword('same', FAST);
    const second = await hashPassword('same', FAST);

    expect(first).not.toBe(second);
    expect(first.split('$')[2]).not.toBe(second.split('$')[2]);
  });

  it('rejects wrong passwords', async () => {
    const hash = await hashPassword('right', FAST);

    expect(await verifyPassword('right', hash)).toBe(true);
    expect(await verifyPassword('wrong', hash)).toBe(false);
    expect(await verifyPassword('Right', hash)).toBe(false);
    expect(await verifyPassword('right ', hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
  });

  it('honours the iteration count written in the hash, so older hashes still verify', async () => {
    const older = await hashPassword('kept', FAST);

    expect(hashIterations(older)).toBe(FAST);
    expect(await verifyPassword('kept', older)).toBe(true);
    // The same salt and hash under another count is a different hash: the count is really used.
    expect(await verifyPassword('kept', older.replace('$1000$', '$1001$'))).toBe(false);
  });

  it('answers false, without throwing, for anything that is not one of its hashes', async () => {
    const hash = await hashPassword('pw', FAST);
    const [, , salt = '', digest = ''] = hash.split('$');

    for (const damaged of [
      'plain-text',
      '',
      hash.replace('pbkdf2-sha256', 'md5'),
      `${hash}$extra`,
      `pbkdf2-sha256$1e3$${salt}$${digest}`,
      `pbkdf2-sha256$0$${salt}$${digest}`,
      `pbkdf2-sha256$-1000$${salt}$${digest}`,
      `pbkdf2-sha256$${MAX_PBKDF2_ITERATIONS + 1}$${salt}$${digest}`,
      `pbkdf2-sha256$1000$$${digest}`,
      `pbkdf2-sha256$1000$${salt}$${digest.slice(4)}`,
      `pbkdf2-sha256$1000$${salt}$not base64!`,
    ]) {
      expect(await verifyPassword('pw', damaged), damaged).toBe(false);
    }
  });

  it('treats canonically equivalent spellings of a password as the same password', async () => {
    const composed = 'caf\u00e9';
    const decomposed = 'cafe\u0301';
    const hash = await hashPassword(composed, FAST);

    expect(await verifyPassword(decomposed, hash)).toBe(true);
  });

  it('refuses an iteration count it could not verify later', async () => {
    for (const iterations of [0, -1, 1.5, Number.NaN, MAX_PBKDF2_ITERATIONS + 1]) {
      await expect(hashPassword('pw', iterations)).rejects.toThrow(RangeError);
    }
  });
});
