import type { SyncState, SyncStatus } from '@platform/sync';

/** What the header's sync indicator says, and how it looks. */
export interface IndicatorView {
  label: string;
  tone: 'ok' | 'busy' | 'warn' | 'error' | 'off';
  /** The longer explanation, for the tooltip. */
  detail: string;
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

function time(date: Date, now: Date): string {
  const sameDay = date.toDateString() === now.toDateString();
  return sameDay
    ? date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })
    : date.toLocaleString([], { dateStyle: 'short', timeStyle: 'short' });
}

/**
 * The indicator for a profile: browser-only, or the sync client's state with its pending count
 * and last synced time. `status` is null while the client is starting (or runs in another tab
 * that has not said anything yet).
 */
export function indicatorView(
  enabled: boolean,
  status: SyncStatus | null,
  lastSyncAt: Date | null,
  now = new Date(),
): IndicatorView {
  if (!enabled) {
    return {
      label: 'Browser only',
      tone: 'off',
      detail: 'Sync is off: data stays in this browser.',
    };
  }
  const last = status?.lastSyncedAt ?? lastSyncAt;
  const since = last ? `Last synced ${time(last, now)}.` : 'Not synced yet.';
  const pending = status?.pending ?? 0;
  const state: SyncState = status?.state ?? 'starting';
  const waiting = pending > 0 ? ` ${plural(pending, 'change')} waiting to be sent.` : '';
  switch (state) {
    case 'synced':
      return {
        label: last ? `Synced ${time(last, now)}` : 'Synced',
        tone: 'ok',
        detail: `Up to date. ${since}`,
      };
    case 'offline':
      return {
        label: pending > 0 ? `Offline · ${pending} pending` : 'Offline',
        tone: 'warn',
        detail: `${status?.error ?? 'The sync server cannot be reached.'}${waiting} ${since}`,
      };
    case 'signed-out':
      return {
        label: 'Signed out',
        tone: 'warn',
        detail: `${status?.error ?? 'Log in again to sync.'}${waiting}`,
      };
    case 'error':
      return {
        label: 'Sync error',
        tone: 'error',
        detail: `${status?.error ?? 'Sync failed.'}${waiting} ${since}`,
      };
    case 'stopped':
      return {
        label: 'Sync paused',
        tone: 'off',
        detail: `Sync is not running in this tab. ${since}`,
      };
    default:
      return {
        label: pending > 0 ? `${plural(pending, 'change')} pending` : 'Syncing…',
        tone: 'busy',
        detail: `Syncing.${waiting} ${since}`,
      };
  }
}
