import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeText, encodeText, isStorableText, TEXT_MARKER } from './text-codec.ts';

/** What Postgres `text` can hold: no U+0000, and no lone surrogate (it would become U+FFFD). */
const postgresCanHold = (text: string) => !text.includes('\u0000') && text.isWellFormed();

describe('the text codec', () => {
  it('stores every string Postgres can hold as it is, so search and people see the real text', () => {
    for (const text of ['', 'select 1', "it's 'quoted' \\ back\\slash", 'ünïcödé 🐘', ' \t\n ']) {
      expect(encodeText(text)).toBe(text);
    }
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        fc.pre(!text.startsWith(TEXT_MARKER));
        expect(encodeText(text)).toBe(text);
      }),
    );
  });

  it('gives back any JavaScript string exactly, U+0000 and lone surrogates included', () => {
    for (const text of [
      'a\u0000b',
      '\u0000',
      '\uD800',
      'x\uDC00y',
      '\uDBFF\uDFFF',
      `${TEXT_MARKER}x`,
      '\\0\u0000\\',
    ]) {
      expect(decodeText(encodeText(text))).toBe(text);
    }
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(decodeText(encodeText(text))).toBe(text);
      }),
      { numRuns: 2_000 },
    );
  });

  it('always yields text Postgres can hold', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(postgresCanHold(encodeText(text))).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it('marks only what it had to escape, and says which strings those are', () => {
    expect(encodeText('a\u0000b')).toBe(`${TEXT_MARKER}a\\0b`);
    expect(encodeText('\uD800')).toBe(`${TEXT_MARKER}\\ud800`);
    expect(isStorableText('fine')).toBe(true);
    expect(isStorableText('a\u0000')).toBe(false);
    expect(isStorableText('\uDFFF')).toBe(false);
    expect(isStorableText('🐘')).toBe(true);
  });
});
