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

/** A U+0000, or a surrogate that is not half of a pair. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: U+0000 is what this codec exists for.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const TO_ESCAPE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: as above.
  /\\|\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const ESCAPED = /\\(\\|0|u[0-9a-f]{4})/g;

/** Whether Postgres `text` can hold `value` exactly. */
export function isStorableText(value: string): boolean {
  return !UNSTORABLE.test(value);
}

export function encodeText(value: string): string {
  if (!value.startsWith(TEXT_MARKER) && !UNSTORABLE.test(value)) return value;
  return (
    TEXT_MARKER +
    value.replace(TO_ESCAPE, (c) =>
      c === '\\' ? '\\\\' : c === '\u0000' ? '\\0' : `\\u${c.charCodeAt(0).toString(16)}`,
    )
  );
}

export function decodeText(stored: string): string {
  if (!stored.startsWith(TEXT_MARKER)) return stored;
  return stored
    .slice(TEXT_MARKER.length)
    .replace(ESCAPED, (_, code: string) =>
      code === '\\'
        ? '\\'
        : code === '0'
          ? '\u0000'
          : String.fromCharCode(parseInt(code.slice(1), 16)),
    );
}
