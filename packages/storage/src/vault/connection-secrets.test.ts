import { describe, expect, it } from 'vitest';
import {
  joinConnectionString,
  PASSWORD_MASK,
  splitConnectionString,
} from './connection-secrets.ts';

describe('connection string secrets', () => {
  const roundTrips: [string, string][] = [
    ['postgres://app:s3cret@db:5432/shop?sslmode=require', 's3cret'],
    ['postgresql://app:p%40ss%2Fw0rd@db/shop', 'p%40ss%2Fw0rd'],
    ['mysql://root:raw@pass@localhost/db', 'raw@pass'],
    ['mongodb+srv://u:pw@cluster0.example.net/?retryWrites=true', 'pw'],
    ['redis://:only-password@cache:6379/0', 'only-password'],
    ['host=db user=app password=s3cret dbname=shop', 's3cret'],
    ["host=db password='with space \\' quote' dbname=shop", "'with space \\' quote'"],
    ['password=first host=db', 'first'],
  ];

  for (const [original, password] of roundTrips) {
    it(`takes the password out of ${original} and puts it back exactly`, () => {
      const split = splitConnectionString(original);

      expect(split.password).toBe(password);
      expect(split.sanitized).not.toContain(password);
      expect(split.sanitized).toContain(PASSWORD_MASK);
      expect(joinConnectionString(split.sanitized, split.password)).toBe(original);
    });
  }

  it('leaves strings without a password unchanged', () => {
    for (const cs of [
      'postgres://app@db/shop',
      'postgres://db/shop',
      'host=db user=app',
      'postgres://app:@db/x',
    ]) {
      expect(splitConnectionString(cs)).toEqual({ sanitized: cs, password: null });
      expect(joinConnectionString(cs, null)).toBe(cs);
    }
  });

  it('leaves the mask in place when the vault has no password for it', () => {
    const { sanitized } = splitConnectionString('postgres://app:pw@db/shop');

    expect(joinConnectionString(sanitized, null)).toBe(`postgres://app:${PASSWORD_MASK}@db/shop`);
  });
});
