/** One migration as shipped to the browser: drizzle's SQL file with the hash drizzle records. */
export interface Migration {
  /** File name without `.sql`, e.g. `0000_initial`. */
  readonly tag: string;
  /** drizzle-kit's creation time in ms; migrations apply in this order. */
  readonly when: number;
  /** SHA-256 of the SQL, as drizzle records it in `__drizzle_migrations`. */
  readonly hash: string;
  readonly sql: string;
}
