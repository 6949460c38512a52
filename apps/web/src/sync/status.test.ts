import type { SyncStatus } from '@platform/sync';
import { describe, expect, it } from 'vitest';
import { indicatorView } from './status.ts';

const now = new Date(2026, 11, 1, 15, 30);
const status = (patch: Partial<SyncStatus>): SyncStatus => ({
  state: 'synced',
  pending: 0,
  lastSyncedAt: new Date(2026, 11, 1, 15, 29),
  error: null,
  rejected: [],
  ...patch,
});

describe('the sync indicator', () => {
  it('says browser only when sync is off', () => {
    expect(indicatorView(false, null, null, now)).toMatchObject({
      label: 'Browser only',
      tone: 'off',
    });
  });

  it('shows when it last synced', () => {
    const view = indicatorView(true, status({}), null, now);
    expect(view.tone).toBe('ok');
    expect(view.label).toMatch(/^Synced \d{1,2}:29/);
  });

  it('counts what waits, online and off', () => {
    expect(indicatorView(true, status({ state: 'syncing', pending: 3 }), null, now).label).toBe(
      '3 changes pending',
    );
    const offline = indicatorView(
      true,
      status({ state: 'offline', pending: 1, error: 'The sync server cannot be reached.' }),
      null,
      now,
    );
    expect(offline).toMatchObject({ label: 'Offline · 1 pending', tone: 'warn' });
    expect(offline.detail).toContain('1 change waiting to be sent.');
  });

  it('gives the reason of an error and asks to log in when signed out', () => {
    expect(
      indicatorView(
        true,
        status({ state: 'error', error: 'Applying query_logs failed: disk full' }),
        null,
        now,
      ),
    ).toMatchObject({
      label: 'Sync error',
      tone: 'error',
      detail: expect.stringContaining('disk full'),
    });
    expect(
      indicatorView(true, status({ state: 'signed-out', error: null }), null, now).detail,
    ).toContain('Log in');
  });

  it('falls back to the stored last sync while the client starts', () => {
    const view = indicatorView(true, null, new Date(2026, 10, 30, 9, 0), now);
    expect(view).toMatchObject({ label: 'Syncing…', tone: 'busy' });
    expect(view.detail).toContain('Last synced');
  });
});
