/**
 * Tag input for saved queries. Storage keeps tags exactly as given and its every-tag filter is
 * case-sensitive, so "Reports" and "reports" would be two tags that never match each other:
 * the dialog dedupes case-insensitively here, keeping the first spelling the user typed.
 */

/** Storage rejects longer tags (LIMITS.tag); cutting them here is friendlier than an error. */
export const MAX_TAG_LENGTH = 50;
/** Storage's LIMITS.tagsPerQuery. */
export const MAX_TAGS = 32;

/** Splits typed text on commas and newlines into trimmed, non-empty tags. */
export function parseTags(text: string): string[] {
  return normaliseTags(text.split(/[,\n]/));
}

/** Trims, drops empty ones, and dedupes case-insensitively (first spelling wins). */
export function normaliseTags(tags: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of tags) {
    const tag = raw.trim().replace(/\s+/g, ' ').slice(0, MAX_TAG_LENGTH).trim();
    const key = tag.toLowerCase();
    if (!tag || seen.has(key)) continue;
    seen.add(key);
    out.push(tag);
  }
  return out.slice(0, MAX_TAGS);
}

/** The chips after the user typed `text` into the tag box (comma or Enter commits it). */
export function addTags(current: readonly string[], text: string): string[] {
  return normaliseTags([...current, ...text.split(/[,\n]/)]);
}

export function removeTag(current: readonly string[], tag: string): string[] {
  return current.filter((t) => t !== tag);
}
