import { type ImportReport, LEGACY_KEYS } from '@platform/storage';

/** `skipped[].key` is the localStorage key the item came from. */
const KEY_LABEL: Record<string, string> = {
  [LEGACY_KEYS.history]: 'history entry',
  [LEGACY_KEYS.savedQueries]: 'saved query',
  [LEGACY_KEYS.connections]: 'connection',
};

/** What the import of the old studio's localStorage data brought over, and what it left and why. */
export function LegacyReport({ report }: { report: ImportReport }) {
  const { imported, skipped } = report;
  return (
    <div className="legacy-report" data-testid="legacy-report">
      <p>
        Imported on {new Date(report.finishedAt).toLocaleString()}:{' '}
        <strong>{imported.history.toLocaleString()}</strong> history entries,{' '}
        <strong>{imported.savedQueries.toLocaleString()}</strong> saved queries and{' '}
        <strong>{imported.connections.toLocaleString()}</strong> connections
        {report.alreadyPresent > 0 && <> ({report.alreadyPresent} were here already)</>}.
      </p>
      {skipped.length === 0 ? (
        <p className="muted">Nothing was skipped.</p>
      ) : (
        <>
          <p>
            <strong>{skipped.length}</strong> {skipped.length === 1 ? 'item was' : 'items were'}{' '}
            skipped:
          </p>
          <table className="data-table compact">
            <thead>
              <tr>
                <th>Kind</th>
                <th>Item</th>
                <th>Why</th>
              </tr>
            </thead>
            <tbody>
              {skipped.map((s) => (
                <tr key={`${s.key}:${s.index ?? 'all'}:${s.id ?? ''}`} data-testid="legacy-skipped">
                  <td>{KEY_LABEL[s.key] ?? s.key}</td>
                  <td>
                    {s.index === null ? 'the whole list' : `#${s.index + 1}`}
                    {s.id && <span className="muted"> ({s.id})</span>}
                  </td>
                  <td>{s.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <p className="muted small">
        {report.legacyKeysRemoved
          ? 'The old data was checked in the database, backed up in localStorage and removed.'
          : 'The old data was left in localStorage.'}
      </p>
    </div>
  );
}
