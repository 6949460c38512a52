import {
  connectionLabel,
  environmentBadge,
  type StudioConnection,
  typeLabel,
  unsupportedReason,
} from './types.ts';

export interface ConnectionsPanelProps {
  /** The demo, then every stored connection in the order it was added. */
  connections: StudioConnection[];
  /** Whether the stored connections have been read (storage may still be opening). */
  loaded: boolean;
  activeId: string;
  onUse(connection: StudioConnection): void;
  onAdd(): void;
}

/** Every connection of the profile, of every type, as the real studio's sidebar lists them. */
export function ConnectionsPanel({
  connections,
  loaded,
  activeId,
  onUse,
  onAdd,
}: ConnectionsPanelProps) {
  return (
    <div className="history" data-testid="connections-panel">
      <div className="panel-tools">
        <span className="muted">
          {loaded ? `${connections.length} connections` : 'Opening connections…'}
        </span>
        <span className="spacer" />
        <button type="button" onClick={onAdd}>
          + PostgreSQL
        </button>
      </div>
      <ul className="history-list connection-list">
        {connections.map((c) => {
          const badge = environmentBadge(c);
          const reason = unsupportedReason(c);
          const active = c.id === activeId;
          return (
            <li
              key={c.id}
              className={`history-item connection-item${active ? ' active' : ''}`}
              data-testid="connection-item"
              data-type={c.type}
              data-runnable={reason ? 'false' : 'true'}
            >
              <button
                type="button"
                className="history-open"
                aria-current={active ? 'true' : undefined}
                title={reason ?? `Run the active tab on ${connectionLabel(c)}`}
                onClick={() => onUse(c)}
              >
                <span className="connection-line">
                  <strong className="saved-name">{c.name}</strong>
                  {badge && (
                    <span
                      className="env-badge"
                      data-testid="connection-env"
                      style={{ color: badge.color, borderColor: badge.color }}
                    >
                      {badge.label}
                    </span>
                  )}
                </span>
                <span className="history-meta">
                  <span className="type-badge" data-testid="connection-type">
                    {c.kind === 'demo' && c.type === 'postgres'
                      ? 'PostgreSQL · in browser'
                      : typeLabel(c.type)}
                  </span>
                  {reason ? ' · kept, not run here' : ''}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
