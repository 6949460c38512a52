import { describe, expect, it } from 'vitest';
import { hashPassword, PBKDF2_ITERATIONS, verifyPassword } from './password-hash.ts';

describe('profile password hashing', () => {
  it("uses PBKDF2-SHA256 at OWASP's 600,000 iterations by default, salted", async () => {
    const hash = await hashPassword('correct horse battery staple');

    expect(PBKDF2_ITERATIONS).toBe(600_000);
    expect(hash).toMatch(/^pbkdf2-sha256\$600000\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}$/);
    expect(await verifyPassword('correct horse battery staple', hash)).toBe(true);
  });

  it('gives a different hash each time for the same password', async () => {
    expect(await hashPassword('same', 1_000)).not.toBe(await hashPassword('same', 1_000));
  });

  it('rejects wrong passwords and malformed hashes', async () => {
    const hash = await hashPassword('right', 1_000);

    expect(await verifyPassword('wrong', hash)).toBe(false);
    expect(await verifyPassword('Right', hash)).toBe(false);
    expect(await verifyPassword('right', 'plain-text')).toBe(false);
    expect(await verifyPassword('right', hash.replace('pbkdf2-sha256', 'md5'))).toBe(false);
  });

  it('honours the iteration count written in the hash, so older hashes still verify', async () => {
    const older = await hashPassword('kept', 1_000);

    expect(older.split('$')[1]).toBe('1000');
    expect(await verifyPassword('kept', older)).toBe(true);
  });
});
