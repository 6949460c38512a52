/**
 * Size limits on stored values. They keep one careless paste from filling the browser's quota
 * and keep every list fast, and each is well above anything the studio writes: its
 * localStorage held at most ~5 Mi characters in all, so no single value it ever stored can
 * pass `text`, and names and tags typed into its forms stay far below their limits.
 */
export const LIMITS = {
  id: 200,
  name: 65_536,
  username: 64,
  email: 254,
  description: 1_048_576,
  /** Query text, and any text the studio stores (5 Mi characters: a whole localStorage). */
  queryText: 5_242_880,
  errorMessage: 1_048_576,
  /** A search box's text. */
  searchText: 1_000,
  tag: 65_536,
  tagsPerQuery: 10_000,
  host: 65_536,
  connectionString: 1_048_576,
  /** One secret: an SSH private key in PEM is several KiB. */
  secret: 65_536,
  /** The whole preferences document, serialised. */
  preferencesBytes: 65_536,
  /** A stored studio object's fields beyond the known ones, as JSON. */
  extraBytes: 16_777_216,
  /** One studio document (a schema snapshot, a chart, a setting), as JSON. */
  documentBytes: 16_777_216,
  /** One page of a paged list. */
  pageSize: 500,
  /**
   * How deep a stored JSON document may nest. Postgres parses `json` recursively and gives up
   * somewhere past ten thousand levels (PGlite stops answering); no studio object comes near.
   */
  jsonDepth: 1_000,
} as const;

/** Whether `value` nests at most `max` levels deep (walked without recursion). */
export function nestsWithin(value: unknown, max: number = LIMITS.jsonDepth): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [node, depth] = item;
    if (!node || typeof node !== 'object') continue;
    if (depth > max) return false;
    for (const child of Object.values(node)) stack.push([child, depth + 1]);
  }
  return true;
}

/** Legacy history kept 500 items; that stays the default retention window. */
export const DEFAULT_HISTORY_RETENTION = { maxEntries: 500, maxAgeDays: null } as const;

/** The studio's own caps: schema snapshots and audit events kept per profile. */
export const MAX_SCHEMA_SNAPSHOTS = 50;
export const MAX_AUDIT_EVENTS = 1_000;
