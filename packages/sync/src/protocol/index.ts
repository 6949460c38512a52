export {
  compareHlc,
  decodeHlc,
  EMPTY_HLC,
  encodeHlc,
  HLC_PATTERN,
  type HlcParts,
  HybridClock,
} from './hlc.ts';
export {
  type AccountInfo,
  MAX_CLOCK_AHEAD_MS,
  MAX_PUSH_BATCH,
  MAX_PUSH_BYTES,
  MUTATION_STATUSES,
  type Mutation,
  type MutationResult,
  type MutationStatus,
  mutation,
  type PushRequest,
  type PushResponse,
  pushRequest,
  SERVER_TIME_HEADER,
  type SessionResponse,
  type SyncServerStatus,
} from './messages.ts';
export { type RowsSource, rowJson, rowsSource } from './row-sql.ts';
export { hlcValue, ROW_SCHEMAS, type SyncedRow, timestampMicros } from './rows.ts';
export {
  isSyncedTable,
  mayWrite,
  SYNCED,
  SYNCED_TABLES,
  type SyncedTable,
  type SyncedTableSpec,
} from './tables.ts';
