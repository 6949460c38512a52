/** Describes a failure for the user; storage errors carry a readable message already. */
export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
