import { useState } from 'react';
import type { EditorTab } from './tabsState.ts';

export interface TabBarProps {
  /** Whether the open tabs are saved (`data-workspace`: restoring, saving, saved). */
  status?: string;
  tabs: EditorTab[];
  activeId: string;
  running: ReadonlySet<string>;
  onActivate(id: string): void;
  onClose(id: string): void;
  onRename(id: string, name: string): void;
  onAdd(): void;
}

/** Editor tabs: click to switch, double-click to rename, × (or middle click) to close. */
export function TabBar({
  status,
  tabs,
  activeId,
  running,
  onActivate,
  onClose,
  onRename,
  onAdd,
}: TabBarProps) {
  const [editing, setEditing] = useState<string | null>(null);
  return (
    <div className="tab-bar" role="tablist" data-workspace={status}>
      {tabs.map((tab) => (
        <div
          key={tab.id}
          role="tab"
          tabIndex={0}
          aria-selected={tab.id === activeId}
          className={`tab${tab.id === activeId ? ' active' : ''}`}
          onClick={() => onActivate(tab.id)}
          onKeyDown={(e) => e.key === 'Enter' && onActivate(tab.id)}
          onDoubleClick={() => setEditing(tab.id)}
          onAuxClick={(e) => e.button === 1 && onClose(tab.id)}
        >
          {editing === tab.id ? (
            <input
              className="tab-rename"
              defaultValue={tab.name}
              aria-label="Tab name"
              // biome-ignore lint/a11y/noAutofocus: renaming starts by double-clicking the tab.
              autoFocus
              onFocus={(e) => e.target.select()}
              onBlur={(e) => {
                onRename(tab.id, e.target.value);
                setEditing(null);
              }}
              onKeyDown={(e) => {
                if (e.key === 'Enter') e.currentTarget.blur();
                if (e.key === 'Escape') setEditing(null);
              }}
            />
          ) : (
            <span className="tab-name">
              {running.has(tab.id) && <span className="spinner" title="running" />}
              {tab.name}
            </span>
          )}
          <button
            type="button"
            className="tab-close"
            aria-label={`Close ${tab.name}`}
            onClick={(e) => {
              e.stopPropagation();
              onClose(tab.id);
            }}
          >
            ×
          </button>
        </div>
      ))}
      <button
        type="button"
        className="tab-add"
        aria-label="New tab"
        title="New tab"
        onClick={onAdd}
      >
        +
      </button>
    </div>
  );
}
