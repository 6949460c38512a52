/**
 * Postgres `text` holds UTF-8 without U+0000, and a lone UTF-16 surrogate (which any JavaScript
 * string may hold) is silently turned into U+FFFD on the way in. The studio stores whatever a
 * browser can hold, so text columns go through this reversible codec:
 *
 * - a string with neither, that does not start with the marker, is stored exactly as it is
 *   (every real string: nothing changes for search, indexes or people reading the database);
 * - any other string is stored as the marker U+FDD0 followed by the string with `\` written
 *   `\\`, U+0000 written `\0` and each lone surrogate `\uXXXX` (four lowercase hex digits).
 *
 * U+FDD0 is a Unicode noncharacter, reserved for exactly this kind of internal use, so no real
 * text starts with it; one that does is escaped like the rest, and still comes back whole.
 * JSON documents need none of this: they live in `json` columns, which keep `\u0000` and lone
 * surrogate escapes as written.
 */

export const TEXT_MARKER = '\uFDD0';

/**
 * The offset of the first character Postgres `text` cannot hold exactly (a U+0000, or a
 * surrogate that is not half of a pair), or -1. One pass over the code units: the codec runs on
 * every write and read of text, and strings may be megabytes long.
 */
function firstUnstorable(value: string): number {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0) return i;
    if (c >= 0xd800 && c <= 0xdfff) {
      const next = value.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) i++;
      else return i;
    }
  }
  return -1;
}

/** Whether Postgres `text` can hold `value` exactly. */
export function isStorableText(value: string): boolean {
  return firstUnstorable(value) === -1;
}

const HEX = [...'0123456789abcdef'].map((c) => c.charCodeAt(0));

/** A string from UTF-16 code units as they are (lone surrogates kept), in chunks the stack takes. */
function fromUnits(units: Uint16Array, length: number): string {
  const chunks: string[] = [];
  for (let i = 0; i < length; i += 8192) {
    chunks.push(String.fromCharCode(...units.subarray(i, Math.min(i + 8192, length))));
  }
  return chunks.join('');
}

/** A lone surrogate at `i` (one not half of a pair); a pair's first half answers false. */
function isLone(value: string, i: number): boolean {
  const c = value.charCodeAt(i);
  if (c < 0xd800 || c > 0xdfff) return false;
  if (c <= 0xdbff) {
    const next = value.charCodeAt(i + 1);
    return !(next >= 0xdc00 && next <= 0xdfff);
  }
  const previous = value.charCodeAt(i - 1);
  return !(previous >= 0xd800 && previous <= 0xdbff);
}

// Escaping works on code units in typed arrays: string building by parts or by regex callbacks
// took seconds for a few MiB of U+0000s, a size the studio's query text may reach.
export function encodeText(value: string): string {
  if (!value.startsWith(TEXT_MARKER) && firstUnstorable(value) === -1) return value;
  let length = 1;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    length += c === 0x5c || c === 0 ? 2 : isLone(value, i) ? 6 : 1;
  }
  const out = new Uint16Array(length);
  let n = 0;
  out[n++] = TEXT_MARKER.charCodeAt(0);
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x5c || c === 0) {
      out[n++] = 0x5c;
      out[n++] = c === 0 ? 0x30 : 0x5c;
    } else if (isLone(value, i)) {
      out[n++] = 0x5c;
      out[n++] = 0x75;
      for (const shift of [12, 8, 4, 0]) out[n++] = HEX[(c >> shift) & 15] as number;
    } else {
      out[n++] = c;
    }
  }
  return fromUnits(out, n);
}

export function decodeText(stored: string): string {
  if (!stored.startsWith(TEXT_MARKER)) return stored;
  const out = new Uint16Array(stored.length);
  let n = 0;
  for (let i = TEXT_MARKER.length; i < stored.length; i++) {
    const c = stored.charCodeAt(i);
    if (c !== 0x5c) {
      out[n++] = c;
      continue;
    }
    const escaped = stored.charCodeAt(i + 1);
    if (escaped === 0x75) {
      out[n++] = Number.parseInt(stored.slice(i + 2, i + 6), 16);
      i += 5;
    } else {
      out[n++] = escaped === 0x30 ? 0 : escaped;
      i += 1;
    }
  }
  return fromUnits(out, n);
}
