/**
 * Audit events shaped as `AuditRingBuffer.push` makes them and `saveAuditToStorage` would store
 * them: the event's own fields first, then `id` (`${Date.now()}-${6 base-36 chars}`) and
 * `timestamp` (an ISO string, not a Date), oldest first, at most 1,000.
 *
 * No browser code path ever calls `saveAuditToStorage`/`storage.saveAuditLog` (src/lib/audit.ts
 * @ v0.6.49, v0.7.0 and HEAD c144361f: only tests do); the events live in a server-side buffer.
 * A `libredb_audit_log` key therefore reaches a browser only through a server-mode pull of a
 * collection that was itself never pushed, i.e. practically never. Generate it only to test that
 * a reader copes when it is there.
 */
import type { LegacyRng } from './random.ts';
import type { AuditEventType, StudioAuditEvent } from './types.ts';

export interface LegacyAuditEventOptions {
  at: Date;
  type?: AuditEventType;
  connectionName?: string;
}

export function legacyAuditEvent(
  rng: LegacyRng,
  options: LegacyAuditEventOptions,
): StudioAuditEvent {
  const type =
    options.type ??
    rng.pick<AuditEventType>(['maintenance', 'kill_session', 'masking_config', 'threshold_config']);
  const maintenance = type === 'maintenance' || type === 'kill_session';
  const base = {
    type,
    action: maintenance ? rng.pick(['VACUUM', 'ANALYZE', 'REINDEX', 'KILL']) : 'update',
    target: maintenance ? rng.pick(['employees', 'all', '4242']) : type,
    ...(maintenance ? { connectionName: options.connectionName ?? 'Orders (Postgres)' } : {}),
    user: rng.pick(['admin', 'alice@example.com']),
    result: rng.chance(0.9) ? ('success' as const) : ('failure' as const),
    ...(maintenance ? { duration: rng.int(5, 30_000) } : {}),
  };
  return {
    ...base,
    id: `${options.at.getTime()}-${rng.float().toString(36).slice(2, 8)}`,
    timestamp: options.at.toISOString(),
  };
}
