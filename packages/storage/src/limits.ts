/**
 * Size limits on stored text. They keep one careless paste from filling the browser's quota
 * and keep every list fast; each is generous for real use.
 */
export const LIMITS = {
  id: 200,
  name: 200,
  username: 64,
  email: 254,
  description: 4_000,
  /** A query is SQL text a person wrote or pasted: 1 MiB of characters. */
  queryText: 1_048_576,
  errorMessage: 65_536,
  /** A search box's text. */
  searchText: 1_000,
  tag: 50,
  tagsPerQuery: 32,
  host: 255,
  connectionString: 4_096,
  secret: 1_024,
  /** The whole preferences document, serialised. */
  preferencesBytes: 65_536,
  /** One page of a paged list. */
  pageSize: 500,
} as const;

/** Legacy history kept 500 items; that stays the default retention window. */
export const DEFAULT_HISTORY_RETENTION = { maxEntries: 500, maxAgeDays: null } as const;
