import { hashFor } from '../shell/route.ts';
import { useSync } from './SyncContext.tsx';
import { indicatorView } from './status.ts';

/** Always in the header: browser-only, or synced / syncing / N pending / offline / error. */
export function SyncIndicator() {
  const { phase, settings, status } = useSync();
  if (phase !== 'ready') return null;
  const view = indicatorView(settings?.syncEnabled === true, status, settings?.lastSyncAt ?? null);
  return (
    <a
      href={hashFor('sync')}
      className={`chip chip-${view.tone}`}
      data-testid="sync-indicator"
      data-state={settings?.syncEnabled ? (status?.state ?? 'starting') : 'off'}
      title={view.detail}
    >
      {view.label}
    </a>
  );
}
