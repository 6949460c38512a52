import type { TransferReport } from '@platform/storage';

const LABELS = {
  profiles: 'profiles',
  history: 'history entries',
  savedQueries: 'saved queries',
  connections: 'connections',
  documents: 'studio documents (snapshots, charts, audit log, settings)',
} as const;

/** The outcome of importing a platform data file, kind by kind, with every skipped item's reason. */
export function TransferSummary({ report }: { report: TransferReport }) {
  const kinds = Object.keys(LABELS) as (keyof typeof LABELS)[];
  return (
    <div className="transfer-report" role="status" data-testid="transfer-report">
      <p>
        Imported:{' '}
        {kinds.map((k) => `${report.imported[k].toLocaleString()} ${LABELS[k]}`).join(', ')}.
        Updated: {kinds.map((k) => `${report.updated[k].toLocaleString()} ${LABELS[k]}`).join(', ')}
        .
        {report.alreadyPresent > 0 &&
          ` ${report.alreadyPresent.toLocaleString()} were here already.`}
      </p>
      {report.skipped.length > 0 && (
        <details>
          <summary>{report.skipped.length.toLocaleString()} skipped</summary>
          <ul>
            {report.skipped.slice(0, 200).map((s) => (
              // A document's key is only unique within its owner.
              <li key={`${s.kind}:${s.userId ?? ''}:${s.id}`}>
                {s.kind} {s.id}
                {s.userId ? ` (of ${s.userId})` : ''}: {s.reason}
              </li>
            ))}
            {report.skipped.length > 200 && <li>… and {report.skipped.length - 200} more</li>}
          </ul>
        </details>
      )}
    </div>
  );
}
