import type { ImportReport, LegacyCollection, LegacyKeyReport } from '@platform/storage';

/** What one item of each collection is called. */
const ITEM: Record<LegacyCollection, string> = {
  connections: 'connection',
  history: 'history entry',
  savedQueries: 'saved query',
  schemaSnapshots: 'schema snapshot',
  savedCharts: 'saved chart',
  auditLog: 'audit event',
  maskingConfig: 'masking settings',
  thresholdConfig: 'alert thresholds',
  activeConnectionId: 'active connection',
  dismissedSeeds: 'dismissed sample connection',
  workspaceTabs: 'open tabs',
  theme: 'theme',
  lineNumbers: 'line numbers',
};

/** The collections that are lists: a damaged key is "the whole list", a setting "the value". */
const LISTS = new Set<LegacyCollection>([
  'connections',
  'history',
  'savedQueries',
  'schemaSnapshots',
  'savedCharts',
  'auditLog',
  'dismissedSeeds',
]);

const GENERATION: Record<LegacyKeyReport['generation'], string> = {
  orchids: 'up to v0.7.0',
  libredb: 'after v0.7.0',
  both: 'both versions',
};

const n = (value: number) => value.toLocaleString();

/**
 * What the import of the old studio's localStorage brought over, key by key, and what it left
 * and why: damaged items one by one, items the newer version replaced, history kept under new
 * ids, and the keys it had nothing to take from.
 */
export function LegacyReport({ report }: { report: ImportReport }) {
  const { imported, skipped } = report;
  const byKey = new Map(report.keys.map((k) => [k.key, k]));
  const itemOf = (key: string) => {
    const collection = byKey.get(key)?.collection;
    return collection ? ITEM[collection] : key;
  };
  const wholeOf = (key: string) => {
    const collection = byKey.get(key)?.collection;
    return collection && !LISTS.has(collection) ? 'the value' : 'the whole list';
  };
  const more = [
    imported.schemaSnapshots > 0 && `${n(imported.schemaSnapshots)} schema snapshots`,
    imported.savedCharts > 0 && `${n(imported.savedCharts)} saved charts`,
    imported.auditEvents > 0 && `${n(imported.auditEvents)} audit events`,
    imported.settings > 0 && `${n(imported.settings)} settings`,
  ].filter(Boolean);
  return (
    <div className="legacy-report" data-testid="legacy-report">
      <p>
        Imported on {new Date(report.finishedAt).toLocaleString()}:{' '}
        <strong>{n(imported.history)}</strong> history entries,{' '}
        <strong>{n(imported.savedQueries)}</strong> saved queries and{' '}
        <strong>{n(imported.connections)}</strong> connections
        {more.length > 0 && <>, with {more.join(', ')}</>}
        {report.alreadyPresent > 0 && <> ({n(report.alreadyPresent)} were here already)</>}.
      </p>
      {report.generations.length === 2 && (
        <p className="muted small" data-testid="legacy-generations">
          This browser held the data of both versions of the old studio (before and after its keys
          were renamed, after v0.7.0): both were imported, and where an item was in both, the newer
          version's was kept.
        </p>
      )}
      {report.historyRetention && (
        <p className="muted small" data-testid="legacy-retention">
          The history window was raised from {n(report.historyRetention.before)} to{' '}
          {n(report.historyRetention.after)} entries, so none of the imported history is pruned.
        </p>
      )}

      {report.keys.length > 0 && (
        <details>
          <summary>Key by key ({report.keys.length} keys)</summary>
          <table className="data-table compact" data-testid="legacy-keys">
            <thead>
              <tr>
                <th>Key</th>
                <th>Holds</th>
                <th>Items</th>
                <th>Imported</th>
                <th>Already here</th>
                <th>Replaced by newer</th>
                <th>Skipped</th>
              </tr>
            </thead>
            <tbody>
              {report.keys.map((k) => (
                <tr key={k.key} data-testid="legacy-key">
                  <td>
                    <code>{k.key}</code> <span className="muted">({GENERATION[k.generation]})</span>
                  </td>
                  <td>{ITEM[k.collection]}</td>
                  <td>{k.items === null ? 'unreadable' : n(k.items)}</td>
                  <td>
                    {n(k.imported)}
                    {k.renamed > 0 && (
                      <span className="muted"> ({n(k.renamed)} under a new id)</span>
                    )}
                  </td>
                  <td>{n(k.alreadyPresent)}</td>
                  <td>{n(k.replacedByNewer)}</td>
                  <td>{n(k.skipped)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}

      {skipped.length === 0 ? (
        <p className="muted">Nothing was skipped.</p>
      ) : (
        <>
          <p>
            <strong>{n(skipped.length)}</strong> {skipped.length === 1 ? 'item was' : 'items were'}{' '}
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
                  <td>{itemOf(s.key)}</td>
                  <td>
                    {s.index === null ? wholeOf(s.key) : `#${s.index + 1}`}
                    {s.id && <span className="muted"> ({s.id})</span>}
                  </td>
                  <td>{s.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}

      {report.replaced.length > 0 && (
        <details data-testid="legacy-replaced">
          <summary>
            {n(report.replaced.length)} {report.replaced.length === 1 ? 'item' : 'items'} of the
            older version replaced by the newer version's, with the same id
          </summary>
          <ul>
            {report.replaced.map((r) => (
              <li key={`${r.key}:${r.index}`}>
                {itemOf(r.key)} {r.id}: <code>{r.key}</code> #{r.index + 1} replaced by{' '}
                <code>{r.keptFrom.key}</code> #{r.keptFrom.index + 1}
              </li>
            ))}
          </ul>
        </details>
      )}
      {report.renamed.length > 0 && (
        <details data-testid="legacy-renamed">
          <summary>
            {n(report.renamed.length)} history{' '}
            {report.renamed.length === 1 ? 'entry is' : 'entries are'} kept under a new id (another
            run had theirs)
          </summary>
          <ul>
            {report.renamed.map((r) => (
              <li key={`${r.key}:${r.index}`}>
                <code>{r.key}</code> #{r.index + 1}: {r.id} → {r.storedAs}
              </li>
            ))}
          </ul>
        </details>
      )}
      {report.leftInPlace.length > 0 && (
        <p className="muted small" data-testid="legacy-left-in-place">
          Left in localStorage, with nothing to import: {report.leftInPlace.join(', ')}.
        </p>
      )}
      <p className="muted small">
        {report.legacyKeysRemoved
          ? "The old data was checked in the database, sealed with the vault's key, backed up in localStorage and removed."
          : `The old data was left in localStorage${report.keysKeptBecause ? `: ${report.keysKeptBecause}` : ''}. The import runs again on the next open.`}
      </p>
    </div>
  );
}
