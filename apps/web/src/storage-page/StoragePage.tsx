import type { ImportReport, StorageUsage, TransferReport, VaultStatus } from '@platform/storage';
import { isStorageError, ValidationError } from '@platform/storage';
import { type ChangeEvent, useCallback, useEffect, useState } from 'react';
import { useAction } from '../shell/useAction.ts';
import { describe } from '../storage/describe.ts';
import { useStorage } from '../storage/StorageContext.tsx';
import { useSync } from '../sync/SyncContext.tsx';
import { exportFileName, formatBytes, usageShare } from './format.ts';
import { LegacyBackup } from './LegacyBackup.tsx';
import { LegacyReport } from './LegacyReport.tsx';
import { TransferSummary } from './TransferSummary.tsx';

const KIND: Record<string, string> = {
  opfs: 'the Origin Private File System (OPFS)',
  indexeddb: 'IndexedDB',
  memory: 'memory only',
  'node-fs': 'a directory on disk',
};

const DURABILITY: Record<string, string> = {
  durable: 'Each saved change is in the files before the studio goes on.',
  relaxed: 'Changes reach the files within a moment of being made.',
  volatile: 'Nothing is stored: everything is lost when this tab closes.',
};

/** Import files larger than this are refused before they are read into memory. */
const MAX_IMPORT_BYTES = 256 * 1024 * 1024;

/**
 * Where platform data lives and how much room it takes; persistent storage; export of the
 * platform data to a file and import back; the password vault's health; the legacy import.
 */
export function StoragePage() {
  const state = useStorage();
  const synced = useSync().settings?.syncEnabled === true;
  const storage = state.phase === 'ready' ? state.storage : null;
  const [usage, setUsage] = useState<StorageUsage | null>(null);
  const [vault, setVault] = useState<VaultStatus | null>(null);
  const [legacy, setLegacy] = useState<ImportReport | null | undefined>(undefined);
  const { busy, failure, setFailure, run } = useAction<'export' | 'import' | 'persist' | 'reset'>();
  const [transfer, setTransfer] = useState<TransferReport | null>(null);
  const [confirmReset, setConfirmReset] = useState(false);
  const [backupVersion, setBackupVersion] = useState(0);

  const refresh = useCallback(() => {
    if (!storage) return;
    storage.estimate().then(setUsage, (e: unknown) => setFailure(describe(e)));
    storage.vaultStatus().then(setVault, (e: unknown) => setFailure(describe(e)));
    storage.legacyImportReport().then(setLegacy, () => setLegacy(null));
    setBackupVersion((v) => v + 1);
  }, [storage]);

  useEffect(refresh, [refresh]);

  if (state.phase === 'loading') return <div className="page panel-note">Opening storage…</div>;
  if (state.phase === 'error') {
    return <div className="page panel-note error">Storage could not open: {state.message}</div>;
  }
  const { location, warnings } = state.status;
  const admin = state.user.role === 'admin';
  const share = usage ? usageShare(usage.usage, usage.quota) : null;

  const exportData = () =>
    run('export', async () => {
      const document = await state.storage.exportData();
      const blob = new Blob([JSON.stringify(document, null, 2)], { type: 'application/json' });
      const url = URL.createObjectURL(blob);
      const link = Object.assign(window.document.createElement('a'), {
        href: url,
        download: exportFileName(new Date()),
      });
      link.click();
      // The download has started from the URL; revoking at once can cancel it in some browsers.
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    });

  const importFile = (event: ChangeEvent<HTMLInputElement>) => {
    const input = event.currentTarget;
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    setTransfer(null);
    void run('import', async () => {
      if (file.size > MAX_IMPORT_BYTES) {
        throw new Error(`${file.name} is ${formatBytes(file.size)}; the limit is 256 MB.`);
      }
      let document: unknown;
      try {
        document = JSON.parse(await file.text());
      } catch {
        throw new Error(`${file.name} is not a platform data file (it is not JSON).`);
      }
      try {
        setTransfer(await state.storage.importData(document));
      } catch (e) {
        // Validation names the first offending fields; nothing was written.
        if (e instanceof ValidationError) {
          const first = e.issues.slice(0, 5).map((i) => `${i.path || 'file'}: ${i.message}`);
          throw new Error(
            `${file.name} was not imported, nothing changed. ${first.join('; ')}${
              e.issues.length > 5 ? `; and ${e.issues.length - 5} more` : ''
            }`,
          );
        }
        if (isStorageError(e)) throw new Error(`${e.message} Nothing was imported.`);
        throw e;
      }
      refresh();
    });
  };

  const requestPersistence = () =>
    run('persist', async () => {
      const granted = await state.storage.requestPersistence();
      if (!granted) {
        setFailure(
          'The browser did not grant persistent storage. Chromium grants it to sites used often or installed; the data stays, but may be evicted under storage pressure.',
        );
      }
      refresh();
    });

  const resetVault = () =>
    run('reset', async () => {
      setConfirmReset(false);
      await state.storage.resetVault();
      refresh();
    });

  return (
    <section className="page storage-page" aria-label="Storage" data-testid="storage-page">
      <header className="page-header">
        <h1>Storage</h1>
        <span className="muted">
          {synced
            ? 'sync mode: this profile is kept here and on its sync server'
            : 'browser-only mode: platform data never leaves this browser'}
        </span>
      </header>
      {failure && (
        <div className="banner banner-error" role="alert">
          {failure}
        </div>
      )}

      <div className="settings-group">
        <h2>Where your data lives</h2>
        <p data-testid="storage-location">
          In a PostgreSQL database (PGlite) kept in this browser's {KIND[location.kind]}
          <span className="muted"> ({location.dataDir})</span>. {DURABILITY[location.durability]}
          {location.flushWindowMs !== null &&
            ` It is safe from a power cut within ${location.flushWindowMs} ms.`}
        </p>
        <p className="muted small">
          Connection passwords and profile passwords are not in the database: they are in an
          encrypted vault in localStorage, whose key the browser keeps and never hands out.
        </p>
        {warnings.map((w) => (
          <p key={w.code} className="panel-note warn">
            {w.message}
          </p>
        ))}
      </div>

      <div className="settings-group">
        <h2>Space</h2>
        {usage?.database && (
          <p data-testid="database-size">
            {`The platform database takes ${formatBytes(usage.database.bytes)} (of which ${formatBytes(usage.database.walBytes)} is its write-ahead log, a fixed size).`}
          </p>
        )}
        <p data-testid="storage-usage">
          {usage
            ? `This site uses ${formatBytes(usage.usage)} of ${formatBytes(usage.quota)} the browser allows.${usage.location.kind === 'opfs' ? ' While the database is open the browser counts about 1 MB more for each of its open files, given back when it closes.' : ''}`
            : 'Measuring…'}
        </p>
        {share !== null && (
          <meter
            className="usage-bar"
            aria-label="Storage used"
            min={0}
            max={1}
            low={0.7}
            high={0.9}
            optimum={0}
            value={share}
          />
        )}
        <p data-testid="storage-persisted">
          {usage?.persisted === true &&
            'Persistent storage is granted: the browser will not evict this data on its own.'}
          {usage?.persisted === false &&
            'Persistent storage is not granted: under storage pressure the browser may evict this data.'}
          {usage &&
            usage.persisted === null &&
            'This browser does not say whether the data is persistent.'}
        </p>
        {usage?.persisted === false && (
          <button type="button" onClick={requestPersistence} disabled={busy !== null}>
            Ask the browser to keep it
          </button>
        )}
      </div>

      <div className="settings-group">
        <h2>Export and import</h2>
        <p className="muted small">
          {admin
            ? 'A file with every profile, its preferences, history, saved queries and connections.'
            : 'A file with your profile, preferences, history, saved queries and connections.'}{' '}
          Passwords are never in it. Importing merges: what is here already stays unless the file
          has a newer version of it.
        </p>
        <div className="row">
          <button type="button" onClick={exportData} disabled={busy !== null}>
            {busy === 'export' ? 'Exporting…' : 'Export platform data'}
          </button>
          <label className={`button ${busy !== null ? 'disabled' : ''}`}>
            {busy === 'import' ? 'Importing…' : 'Import from a file…'}
            <input
              type="file"
              accept="application/json,.json"
              className="visually-hidden"
              aria-label="Import platform data file"
              disabled={busy !== null}
              onChange={importFile}
            />
          </label>
        </div>
        {transfer && <TransferSummary report={transfer} />}
      </div>

      <div className="settings-group">
        <h2>Password vault</h2>
        <p data-testid="vault-status">
          {vault === null && 'Checking…'}
          {vault === 'ok' && 'The vault opens normally.'}
          {vault === 'key-lost' &&
            "The vault's key is gone (the browser's site data was partly cleared): saved connection passwords and profile passwords cannot be read. Reset the vault to use them again; profiles with passwords will have none, and connections will ask for theirs."}
          {vault === 'corrupt' &&
            'The vault is damaged and cannot be read. Reset it to store passwords again.'}
          {vault === 'unavailable' &&
            'The browser refuses the vault its storage; passwords entered now last until this tab closes.'}
        </p>
        {(vault === 'key-lost' || vault === 'corrupt' || (admin && vault === 'ok')) &&
          (confirmReset ? (
            <div className="row">
              <span>Forget every saved password, for every profile?</span>
              <button type="button" className="danger" onClick={resetVault}>
                Reset the vault
              </button>
              <button type="button" onClick={() => setConfirmReset(false)}>
                Cancel
              </button>
            </div>
          ) : (
            <button type="button" onClick={() => setConfirmReset(true)} disabled={busy !== null}>
              Reset the vault…
            </button>
          ))}
      </div>

      <div className="settings-group">
        <h2>Data from the previous version</h2>
        {legacy === undefined && <p>Checking…</p>}
        {legacy === null && <p className="muted">No data from the previous version was found.</p>}
        {legacy && <LegacyReport report={legacy} />}
        <LegacyBackup storage={state.storage} admin={admin} version={backupVersion} />
      </div>
    </section>
  );
}
