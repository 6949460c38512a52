/**
 * The one username rule of the server. Setup, login, the login limiter, the admin API and push
 * all go through it, so a name cannot be taken, looked up or rate-limited under two spellings.
 *
 * - **Stored** (`normalizeUsername`): what the person typed, Unicode NFKC, trimmed. NFKC first,
 *   so a full-width `ｂｏｂ` or an ideographic space (U+3000) becomes `bob` / a space that the
 *   trim then removes.
 * - **Compared** (`canonicalUsername`): the stored form case-folded. JavaScript has no case-fold
 *   function; lower → upper → lower reaches the same key for the pairs plain lowercasing misses
 *   (`ß`/`ẞ`/`SS`, final `ς`/`σ`) and, unlike SQL's `lower()`, does not depend on the database's
 *   locale. This key is unique on the server (`platform_username_keys`) and is the limiter's key.
 * - **Accepted** (`usernameInput`, new names only): no whitespace anywhere (a space inside a name
 *   is invisible at its ends and easy to miss inside), no control, format (zero-width, bidi
 *   overrides), private-use, unassigned or lone-surrogate code points (invisible, or their
 *   normal form could change with a later Unicode version), not starting with `@`.
 *
 * Confusables (a Cyrillic `а` for a Latin `a`) are not folded: a skeleton (UTS #39) would merge
 * names that are genuinely different in other scripts, and accounts are made by admins, who see
 * the list, not by self-registration. Login accepts any string and only looks its key up, so a
 * name created under an older rule still logs in.
 */
import { LIMITS } from '@platform/storage/limits';
import { z } from 'zod';

export function normalizeUsername(raw: string): string {
  return raw.normalize('NFKC').trim();
}

export function canonicalUsername(raw: string): string {
  return normalizeUsername(raw).toLowerCase().toUpperCase().toLowerCase().normalize('NFKC');
}

// Bounds the work of normalising before the length rule, which counts the normalised form.
const MAX_RAW_LENGTH = LIMITS.username * 4;

/** A new or changed username: its output is the normalised form, the one to store. */
export const usernameInput = z
  .string()
  .max(MAX_RAW_LENGTH, `must be at most ${LIMITS.username} characters`)
  .transform(normalizeUsername)
  .pipe(
    z
      .string()
      .min(1, 'must not be empty')
      .max(LIMITS.username, `must be at most ${LIMITS.username} characters`)
      .regex(/^[^\s\p{C}]*$/u, 'must not contain spaces or invisible characters')
      .regex(/^[^@]/u, 'must not start with @'),
  );
