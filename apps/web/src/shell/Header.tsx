import type { StorageStatus } from '@platform/storage';
import { useStorage } from '../storage/StorageContext.tsx';
import { type Theme, useTheme } from './theme.ts';

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

export function Header() {
  const state = useStorage();
  const [theme, setTheme] = useTheme();
  const next: Theme = theme === 'dark' ? 'light' : 'dark';
  return (
    <header className="app-header">
      <span className="app-name">SQL Studio</span>
      <span className="spacer" />
      <span className="profile" data-testid="profile">
        {state.phase === 'ready' ? (
          <>
            {state.user.username} <span className="role">{state.user.role}</span>
          </>
        ) : (
          <span className="muted">profile…</span>
        )}
      </span>
      <StorageChip />
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
  if (state.phase !== 'ready' || state.status.warnings.length === 0) return null;
  return (
    <div className="banner banner-warn" role="alert" data-testid="storage-warnings">
      {state.status.warnings.map((w) => (
        <div key={w.code}>{w.message}</div>
      ))}
    </div>
  );
}
