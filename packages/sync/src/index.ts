export type { ShapePosition } from './client/apply-shape.ts';
export { disableSync, enableSync } from './client/enable.ts';
export type { RejectedChange } from './client/outbox.ts';
export {
  type ManagedAccount,
  SyncServerApi,
  SyncServerError,
  type SyncServerErrorKind,
} from './client/server-api.ts';
export {
  type RetryOptions,
  SyncClient,
  type SyncClientOptions,
  type SyncState,
  type SyncStatus,
} from './client/sync-client.ts';
export type {
  AccountInfo,
  SessionResponse,
  SyncServerStatus,
} from './protocol/messages.ts';
