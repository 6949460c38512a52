// The canonical username rule: what is stored, what is compared, what a new name may hold.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalUsername, normalizeUsername, usernameInput } from './username.ts';

describe('canonicalUsername', () => {
  it('gives padded, cased, full-width, compatibility and decomposed spellings one key', () => {
    const bob = canonicalUsername('bob');
    for (const spelling of [' bob', 'bob ', 'BOB', 'Bob', 'ｂｏｂ', '\u3000bob\t', 'ＢＯＢ\n']) {
      expect(canonicalUsername(spelling), JSON.stringify(spelling)).toBe(bob);
    }
    expect(canonicalUsername('José')).toBe(canonicalUsername('JOSE\u0301'));
    expect(canonicalUsername('ﬁona')).toBe(canonicalUsername('Fiona'));
    expect(canonicalUsername('STRASSE')).toBe(canonicalUsername('straße'));
    expect(canonicalUsername('straẞe')).toBe(canonicalUsername('strasse'));
    expect(canonicalUsername('ΣΟΦΟΣ')).toBe(canonicalUsername('σοφοσ'));
  });

  it('keeps different names apart', () => {
    expect(canonicalUsername('bob')).not.toBe(canonicalUsername('bobby'));
    expect(canonicalUsername('b o b')).not.toBe(canonicalUsername('bob'));
    expect(canonicalUsername('eve')).not.toBe(canonicalUsername('éve'));
  });

  it('is a fixed point: the key of a key, or of its stored form, is itself', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 20 }), (raw) => {
        const key = canonicalUsername(raw);
        expect(canonicalUsername(key)).toBe(key);
        expect(canonicalUsername(normalizeUsername(raw))).toBe(key);
        expect(canonicalUsername(raw.toUpperCase())).toBe(canonicalUsername(raw.toLowerCase()));
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('usernameInput', () => {
  const parse = (raw: string) => usernameInput.safeParse(raw);

  it('stores what was typed, NFKC-normalised and trimmed, in its case', () => {
    expect(parse('  Ｅve ').data).toBe('Eve');
    expect(parse('Jose\u0301').data).toBe('José');
    expect(parse('ada.lovelace@example.com').data).toBe('ada.lovelace@example.com');
  });

  it('refuses empty names, inner spaces, invisible characters and a leading @', () => {
    for (const raw of [
      '',
      '   ',
      'ada lovelace',
      'ada\u3000lovelace',
      'eve\u200b', // zero-width space
      '\u202eeve', // right-to-left override
      'eve\u0000',
      'eve\ud800', // a lone surrogate
      'eve\ue000', // private use
      '@eve',
      'a'.repeat(65),
    ]) {
      expect(parse(raw).success, JSON.stringify(raw)).toBe(false);
    }
  });
});
