import type { LegacyBackupInfo, LegacyRestoreResult, PlatformStorage } from '@platform/storage';
import { useCallback, useEffect, useState } from 'react';
import { useAction } from '../shell/useAction.ts';
import { describe } from '../storage/describe.ts';
import { formatBytes } from './format.ts';

/**
 * The backup of the old studio's keys that the import removed: when it was made, which keys,
 * how much room it takes; an admin can delete it (after a confirmation) or put the keys back
 * for the old studio.
 */
export function LegacyBackup({
  storage,
  admin,
  version,
}: {
  storage: PlatformStorage;
  admin: boolean;
  /** Changes when the page refreshes (a vault reset removes the backup). */
  version: number;
}) {
  const [info, setInfo] = useState<LegacyBackupInfo | null | undefined>(undefined);
  const [confirm, setConfirm] = useState<'delete' | 'restore' | null>(null);
  const [restored, setRestored] = useState<LegacyRestoreResult | null>(null);
  const [deleted, setDeleted] = useState(false);
  const { busy, failure, setFailure, run } = useAction<'delete' | 'restore'>();

  const load = useCallback(() => {
    storage.legacyBackup().then(setInfo, (e: unknown) => setFailure(describe(e)));
  }, [storage, setFailure]);
  // `version` changing asks for a fresh look (a vault reset removes the backup).
  useEffect(load, [load, version]);

  if (!info) {
    return deleted ? (
      <p className="muted small" role="status" data-testid="legacy-backup-deleted">
        The backup of the old studio's data was deleted.
      </p>
    ) : null;
  }

  const remove = () =>
    run('delete', async () => {
      setConfirm(null);
      setRestored(null);
      await storage.deleteLegacyBackup();
      setDeleted(true);
      load();
    });
  const restore = () =>
    run('restore', async () => {
      setConfirm(null);
      setRestored(await storage.restoreLegacyBackup());
      load();
    });

  const saved = info.savedAt ? new Date(info.savedAt).toLocaleString() : 'an unknown date';
  return (
    <div className="legacy-backup" data-testid="legacy-backup">
      <h3>Backup of the old data</h3>
      <p data-testid="legacy-backup-summary">
        Saved {saved}: {info.keys.length} {info.keys.length === 1 ? 'key' : 'keys'},{' '}
        {formatBytes(info.bytes)} in localStorage ({formatBytes(info.originalBytes)} of data).{' '}
        {info.sealed
          ? "It is sealed with the vault's key: the passwords in it cannot be read without it."
          : 'It is not sealed yet and holds passwords in clear: it is sealed the next time the studio opens with a working vault.'}
      </p>
      <details>
        <summary>Keys</summary>
        <ul data-testid="legacy-backup-keys">
          {info.keys.map((key) => (
            <li key={key}>
              <code>{key}</code>
            </li>
          ))}
        </ul>
      </details>
      {failure && (
        <p className="panel-note error" role="alert">
          {failure}
        </p>
      )}
      {restored && (
        <p className="panel-note" role="status" data-testid="legacy-backup-restored">
          {restored.restored.length} {restored.restored.length === 1 ? 'key was' : 'keys were'} put
          back
          {restored.unchanged.length > 0 && `, ${restored.unchanged.length} held the same already`}
          {restored.kept.length > 0 &&
            `, ${restored.kept.length} left as they are (they hold newer data: ${restored.kept.join(', ')})`}
          . The old studio can read them now; this studio imports what is new in them the next time
          it opens.
        </p>
      )}
      {!admin && <p className="muted small">Only an admin can delete or restore it.</p>}
      {admin &&
        (confirm === 'delete' ? (
          <div className="row">
            <span>
              Delete the backup for good? The imported data stays, but the old studio's keys can no
              longer be put back.
            </span>
            <button type="button" className="danger" onClick={remove}>
              Delete the backup
            </button>
            <button type="button" onClick={() => setConfirm(null)}>
              Cancel
            </button>
          </div>
        ) : confirm === 'restore' ? (
          <div className="row">
            <span>
              Put the old studio's keys back into localStorage? Their passwords are in clear there
              until this studio imports them again.
            </span>
            <button type="button" onClick={restore}>
              Put them back
            </button>
            <button type="button" onClick={() => setConfirm(null)}>
              Cancel
            </button>
          </div>
        ) : (
          <div className="row">
            <button type="button" onClick={() => setConfirm('delete')} disabled={busy !== null}>
              {busy === 'delete' ? 'Deleting…' : 'Delete the backup…'}
            </button>
            <button type="button" onClick={() => setConfirm('restore')} disabled={busy !== null}>
              {busy === 'restore' ? 'Putting back…' : 'Put the old keys back…'}
            </button>
          </div>
        ))}
    </div>
  );
}
