import type { QueryOutcome } from '../query/types.ts';

/** Tab → demo worker. */
export type DemoRequest = { id: number; type: 'run'; sql: string; readOnly: boolean };

/** Demo worker → tab. `ready` is sent once, after seeding. */
export type DemoResponse =
  | { type: 'ready'; ms: number }
  | { type: 'failed'; message: string }
  | { id: number; type: 'result'; outcome: QueryOutcome };
