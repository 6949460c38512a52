import type { StorageStatus } from '@platform/storage';
import { useState } from 'react';
import { ProfileSwitcher } from '../profiles/ProfileSwitcher.tsx';
import { useStorage } from '../storage/StorageContext.tsx';
import { SyncIndicator } from '../sync/SyncIndicator.tsx';
import { hashFor, type Page } from './route.ts';
import { useAppearance } from './theme.ts';

const NAV: { page: Page; label: string }[] = [
  { page: 'workbench', label: 'Workbench' },
  { page: 'profiles', label: 'Profiles' },
  { page: 'settings', label: 'Settings' },
  { page: 'storage', label: 'Storage' },
  { page: 'sync', label: 'Sync' },
];

const KIND_LABEL: Record<StorageStatus['location']['kind'], string> = {
  opfs: 'OPFS',
  indexeddb: 'IndexedDB',
  memory: 'Memory',
  'node-fs': 'Disk',
};

/** Where platform data lives, at a glance: green when durable, amber when it can be lost. */
function StorageChip() {
  const state = useStorage();
  if (state.phase === 'loading') {
    return (
      <span className="chip" data-testid="storage-chip" data-state="loading">
        <span className="spinner" /> Storage opening…
      </span>
    );
  }
  if (state.phase === 'error') {
    return (
      <span
        className="chip chip-error"
        data-testid="storage-chip"
        data-state="error"
        title={state.message}
      >
        Storage failed
      </span>
    );
  }
  const { location, warnings } = state.status;
  const degraded = warnings.length > 0 || location.durability === 'volatile';
  return (
    <span
      className={`chip ${degraded ? 'chip-warn' : 'chip-ok'}`}
      data-testid="storage-chip"
      data-state="ready"
      title={`${location.dataDir} · ${location.durability}${
        location.flushWindowMs !== null ? ` · on disk within ${location.flushWindowMs} ms` : ''
      }`}
    >
      {KIND_LABEL[location.kind]} · {location.durability}
    </span>
  );
}

export function Header({ page }: { page: Page }) {
  const { theme, setTheme } = useAppearance();
  const next = theme === 'dark' ? 'light' : 'dark';
  return (
    <header className="app-header">
      <span className="app-name">SQL Studio</span>
      <nav className="app-nav" aria-label="Pages">
        {NAV.map((n) => (
          <a
            key={n.page}
            href={hashFor(n.page)}
            className={n.page === page ? 'active' : ''}
            aria-current={n.page === page ? 'page' : undefined}
          >
            {n.label}
          </a>
        ))}
      </nav>
      <span className="spacer" />
      <ProfileSwitcher />
      <SyncIndicator />
      <a href={hashFor('storage')} className="chip-link">
        <StorageChip />
      </a>
      <button
        type="button"
        className="icon-button"
        onClick={() => setTheme(next)}
        title={`Switch to ${next} theme`}
      >
        {theme === 'dark' ? '☀' : '☾'}
      </button>
    </header>
  );
}

const SEEN_KEY = 'studio-legacy-report-seen';

/** After the old studio's data was imported on this open: what came over, once, until dismissed. */
function LegacyImportNotice() {
  const state = useStorage();
  const report = state.phase === 'ready' ? state.status.legacyImport : null;
  const [seen, setSeen] = useState(() => {
    try {
      return localStorage.getItem(SEEN_KEY);
    } catch {
      return null;
    }
  });
  if (!report || seen === report.finishedAt) return null;
  if (report.imported.total === 0 && report.skipped.length === 0) return null;
  const dismiss = () => {
    setSeen(report.finishedAt);
    try {
      localStorage.setItem(SEEN_KEY, report.finishedAt);
    } catch {
      // Shown again next time; harmless.
    }
  };
  const { imported, skipped } = report;
  return (
    <div
      className={`banner ${skipped.length > 0 ? 'banner-warn' : 'banner-info'}`}
      role="status"
      data-testid="legacy-import-notice"
    >
      Your data from the previous version was imported: {imported.history} history entries,{' '}
      {imported.savedQueries} saved queries, {imported.connections} connections
      {skipped.length > 0 && `; ${skipped.length} skipped`}.{' '}
      <a href={hashFor('storage')} onClick={dismiss}>
        Details
      </a>{' '}
      <button type="button" className="link" onClick={dismiss}>
        Dismiss
      </button>
    </div>
  );
}

/** Storage warnings (memory fallback, vault in memory…) and failures, shown until dismissed. */
export function StorageBanner() {
  const state = useStorage();
  if (state.phase === 'error') {
    return (
      <div className="banner banner-error" role="alert">
        Platform storage could not open: {state.message}. Queries still run; history is not saved.
      </div>
    );
  }
  if (state.phase !== 'ready') return null;
  return (
    <>
      {state.status.warnings.length > 0 && (
        <div className="banner banner-warn" role="alert" data-testid="storage-warnings">
          {state.status.warnings.map((w) => (
            <div key={w.code}>{w.message}</div>
          ))}
        </div>
      )}
      <LegacyImportNotice />
    </>
  );
}
