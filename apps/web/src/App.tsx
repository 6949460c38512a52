import type { HistoryEntry, SavedQueryRecord } from '@platform/storage';
import {
  lazy,
  Suspense,
  useCallback,
  useEffect,
  useMemo,
  useReducer,
  useRef,
  useState,
} from 'react';
import { ConnectionForm } from './connections/ConnectionForm.tsx';
import { ConnectionsPanel } from './connections/ConnectionsPanel.tsx';
import { connectionLabel, DEMO_CONNECTION, unsupportedReason } from './connections/types.ts';
import { useConnections } from './connections/useConnections.ts';
import { type ErrorMark, SqlEditor } from './editor/SqlEditor.tsx';
import { errorOffset, pickRunTarget, type RunTarget } from './editor/statements.ts';
import { useCompletionSchema } from './editor/useCompletionSchema.ts';
import { HistoryPanel } from './history/HistoryPanel.tsx';
import { logExecution } from './history/log.ts';
import { runQuery } from './query/run.ts';
import type { QueryOutcome } from './query/types.ts';
import { ResultsPanel } from './results/ResultsPanel.tsx';
import { SaveDialog, type SaveDraft } from './saved/SaveDialog.tsx';
import { SavedPanel } from './saved/SavedPanel.tsx';
import { tabShowing } from './saved/savedState.ts';
import { Header, StorageBanner } from './shell/Header.tsx';
import { type Page, usePage } from './shell/route.ts';
import { useLineNumbers } from './shell/theme.ts';
import { useStorage } from './storage/StorageContext.tsx';
import { TabBar } from './tabs/TabBar.tsx';
import { initialTabs, tabsReducer } from './tabs/tabsState.ts';
import { useWorkspacePersistence } from './workspace/useWorkspacePersistence.ts';

// The pages beside the workbench load when first opened: they are not needed to type a query.
const ProfilesPage = lazy(() =>
  import('./profiles/ProfilesPage.tsx').then((m) => ({ default: m.ProfilesPage })),
);
const SettingsPage = lazy(() =>
  import('./settings/SettingsPage.tsx').then((m) => ({ default: m.SettingsPage })),
);
const StoragePage = lazy(() =>
  import('./storage-page/StoragePage.tsx').then((m) => ({ default: m.StoragePage })),
);
const SyncPage = lazy(() =>
  import('./sync-page/SyncPage.tsx').then((m) => ({ default: m.SyncPage })),
);

function OtherPage({ page }: { page: Exclude<Page, 'workbench'> }) {
  return (
    <Suspense fallback={<div className="page panel-note">Loading…</div>}>
      {page === 'profiles' && <ProfilesPage />}
      {page === 'settings' && <SettingsPage />}
      {page === 'storage' && <StoragePage />}
      {page === 'sync' && <SyncPage />}
    </Suspense>
  );
}

interface TabRun {
  running: boolean;
  outcome: QueryOutcome | null;
  errorMark: ErrorMark | null;
}

const IDLE: TabRun = { running: false, outcome: null, errorMark: null };
const STARTER_SQL = 'select * from customers limit 100;\n';
const DDL = /^(create|drop|alter|truncate|comment)\b/i;

/** The save dialog: for the active tab (`tabId`) or for a saved query edited from the panel. */
interface SaveRequest {
  draft: SaveDraft;
  savedId?: string;
  tabId?: string;
}

export function App() {
  const storageState = useStorage();
  const page = usePage();
  const pageRef = useRef(page);
  pageRef.current = page;
  const { list: connections, loaded: connectionsLoaded } = useConnections();
  const [tabs, dispatch] = useReducer(tabsReducer, undefined, () =>
    initialTabs(crypto.randomUUID(), DEMO_CONNECTION.id, STARTER_SQL),
  );
  const [runs, setRuns] = useState<Record<string, TabRun>>({});
  const [sidebar, setSidebar] = useState<'history' | 'saved' | 'connections'>('history');
  const { lineNumbers, toggle: toggleLineNumbers } = useLineNumbers();
  const [addingConnection, setAddingConnection] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [saveRequest, setSaveRequest] = useState<SaveRequest | null>(null);

  const active = tabs.tabs.find((t) => t.id === tabs.activeId) ?? tabs.tabs[0];
  const connection = connections.find((c) => c.id === active?.connectionId) ?? DEMO_CONNECTION;
  const notRunHere = unsupportedReason(connection);
  const connectionIds = useMemo(
    () => (connectionsLoaded ? connections.map((c) => c.id) : null),
    [connections, connectionsLoaded],
  );
  // The real studio's active connection and per-connection tabs, restored and kept saved.
  const workspaceStatus = useWorkspacePersistence({
    storage: storageState.phase === 'ready' ? storageState.storage : null,
    userId: storageState.phase === 'ready' ? storageState.user.id : null,
    connectionIds,
    tabs,
    dispatch,
  });
  const { schema, refresh: refreshSchema } = useCompletionSchema(connection);
  // Viewers' queries run read-only everywhere, the demo included.
  const readOnly = storageState.phase === 'ready' && storageState.user.role === 'viewer';
  const activeRef = useRef({ active, connection, readOnly });
  activeRef.current = { active, connection, readOnly };
  // Saving needs storage open and a role allowed to write; the tooltip says which is missing.
  const saveBlocked =
    storageState.phase === 'loading'
      ? 'Storage is still opening'
      : storageState.phase === 'error'
        ? 'Storage is unavailable'
        : storageState.user.role === 'viewer'
          ? 'Viewers cannot save queries'
          : null;

  const running = useMemo(
    () =>
      new Set(
        Object.entries(runs)
          .filter(([, r]) => r.running)
          .map(([id]) => id),
      ),
    [runs],
  );

  const execute = useCallback(
    async (target: RunTarget) => {
      const { active: tab, connection: conn, readOnly: ro } = activeRef.current;
      if (!tab) return;
      setRuns((r) => ({
        ...r,
        [tab.id]: { ...(r[tab.id] ?? IDLE), running: true, errorMark: null },
      }));
      const executedAt = new Date();
      const outcome = await runQuery(conn, target.sql, ro);
      const position = outcome.ok ? null : outcome.error.position;
      setRuns((r) => ({
        ...r,
        [tab.id]: {
          running: false,
          outcome,
          errorMark:
            !outcome.ok && position !== null
              ? { from: errorOffset(target, position), message: outcome.error.message }
              : null,
        },
      }));
      if (outcome.ok && DDL.test(target.sql.trim())) refreshSchema();
      // A connection this studio does not run was never reached: nothing ran, nothing to log.
      if (!outcome.ok && outcome.error.kind === 'unsupported') return;
      logExecution({ target, outcome, tab, connection: conn, executedAt }).catch((error: unknown) =>
        setNotice(`This run was not added to history: ${String(error)}`),
      );
    },
    [refreshSchema],
  );

  const openInNewTab = useCallback(
    (sql: string, name?: string, connectionId?: string, savedId?: string) => {
      const known = connections.some((c) => c.id === connectionId);
      dispatch({
        type: 'add',
        id: crypto.randomUUID(),
        sql,
        name,
        connectionId: known && connectionId ? connectionId : DEMO_CONNECTION.id,
        savedId,
      });
    },
    [connections],
  );

  // A saved query opens on the active connection, as the real studio loads it into the editor.
  const openSaved = (q: SavedQueryRecord) => {
    const shown = tabShowing(tabs.tabs, q.id);
    if (shown) dispatch({ type: 'activate', id: shown.id });
    else openInNewTab(q.query, q.name, connection.id, q.id);
  };

  // Prefills from the saved query when the tab is one, so a re-save keeps its description/tags.
  const saveActiveTab = useCallback(async () => {
    const tab = activeRef.current.active;
    if (!tab || storageState.phase !== 'ready' || storageState.user.role === 'viewer') return;
    const existing = tab.savedId
      ? await storageState.storage.savedQueries.get(tab.savedId).catch(() => null)
      : null;
    setSaveRequest({
      tabId: tab.id,
      savedId: existing?.id,
      draft: {
        name: existing?.name ?? tab.name,
        description: existing?.description ?? '',
        tags: existing?.tags ?? [],
        query: tab.sql,
      },
    });
  }, [storageState]);

  // Ctrl/Cmd+S anywhere saves the tab; the browser's "save page" dialog is never wanted here.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 's') {
        event.preventDefault();
        if (pageRef.current === 'workbench') void saveActiveTab();
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [saveActiveTab]);

  const onSaved = (record: SavedQueryRecord) => {
    const request = saveRequest;
    setSaveRequest(null);
    // The saving tab, or (edited from the panel) whichever tab shows that query, takes its name.
    const tabId = request?.tabId ?? tabShowing(tabs.tabs, record.id)?.id;
    if (tabId) dispatch({ type: 'saved', id: tabId, savedId: record.id, name: record.name });
  };

  const runButton = () => {
    if (!active) return;
    const target = pickRunTarget(active.sql, { from: 0, to: 0 }, 'all');
    if (target) void execute(target);
  };

  const run = (active && runs[active.id]) ?? IDLE;

  return (
    <div className="app">
      <Header page={page} />
      <StorageBanner />
      {notice && (
        <div className="banner banner-warn" role="alert">
          {notice}{' '}
          <button type="button" className="link" onClick={() => setNotice(null)}>
            Dismiss
          </button>
        </div>
      )}
      {page !== 'workbench' && <OtherPage page={page} />}
      {/* Hidden, not unmounted, on the other pages: tabs, undo history and results stay. */}
      <div className="workspace" hidden={page !== 'workbench'}>
        <aside className="sidebar">
          <div className="sidebar-tabs" role="tablist">
            <button
              type="button"
              role="tab"
              aria-selected={sidebar === 'history'}
              className={sidebar === 'history' ? 'active' : ''}
              onClick={() => setSidebar('history')}
            >
              History
            </button>
            <button
              type="button"
              role="tab"
              aria-selected={sidebar === 'saved'}
              className={sidebar === 'saved' ? 'active' : ''}
              onClick={() => setSidebar('saved')}
            >
              Saved
            </button>
            <button
              type="button"
              role="tab"
              aria-selected={sidebar === 'connections'}
              className={sidebar === 'connections' ? 'active' : ''}
              onClick={() => setSidebar('connections')}
            >
              Connections
            </button>
          </div>
          {sidebar === 'connections' && (
            <ConnectionsPanel
              connections={connections}
              loaded={connectionsLoaded}
              activeId={connection.id}
              onUse={(c) =>
                active && dispatch({ type: 'connect', id: active.id, connectionId: c.id })
              }
              onAdd={() => setAddingConnection(true)}
            />
          )}
          {sidebar === 'history' && (
            <HistoryPanel
              connections={connections}
              activeConnection={connection}
              onOpen={(entry: HistoryEntry) =>
                openInNewTab(
                  entry.query,
                  entry.tabName ?? undefined,
                  entry.connectionId ?? undefined,
                )
              }
            />
          )}
          {sidebar === 'saved' && (
            <SavedPanel
              connectionType={connection.type}
              onOpen={openSaved}
              onEdit={(q) =>
                setSaveRequest({
                  savedId: q.id,
                  draft: {
                    name: q.name,
                    description: q.description ?? '',
                    tags: q.tags ?? [],
                    query: q.query,
                  },
                })
              }
            />
          )}
        </aside>
        <main className="main">
          <TabBar
            status={workspaceStatus}
            tabs={tabs.tabs}
            activeId={tabs.activeId}
            running={running}
            onActivate={(id) => dispatch({ type: 'activate', id })}
            onClose={(id) =>
              dispatch({
                type: 'close',
                id,
                newId: crypto.randomUUID(),
                connectionId: connection.id,
              })
            }
            onRename={(id, name) => dispatch({ type: 'rename', id, name })}
            onAdd={() => openInNewTab('', undefined, connection.id)}
          />
          <div className="toolbar">
            <button
              type="button"
              className="primary"
              onClick={runButton}
              disabled={run.running}
              title="Run all, or the selection (Ctrl+Enter); Ctrl+Shift+Enter runs the statement at the cursor"
            >
              ▶ Run
            </button>
            <button
              type="button"
              onClick={() => void saveActiveTab()}
              disabled={saveBlocked !== null}
              title={saveBlocked ?? 'Save this tab as a saved query (Ctrl+S)'}
            >
              Save
            </button>
            <label className="connection-picker">
              <span className="muted">Connection</span>
              <select
                value={connection.id}
                aria-label="Connection"
                onChange={(e) =>
                  active &&
                  dispatch({ type: 'connect', id: active.id, connectionId: e.target.value })
                }
              >
                {connections.map((c) => (
                  <option key={c.id} value={c.id}>
                    {connectionLabel(c)}
                  </option>
                ))}
              </select>
            </label>
            <button type="button" onClick={() => setAddingConnection(true)}>
              + Connection
            </button>
            {readOnly && <span className="chip chip-warn">read-only (viewer)</span>}
            <span className="spacer" />
            <button
              type="button"
              aria-pressed={lineNumbers}
              onClick={toggleLineNumbers}
              title="Show or hide the editor's line numbers"
            >
              Line numbers
            </button>
            <span className="muted hint">
              Ctrl+Enter run · Ctrl+Shift+Enter statement · Ctrl+Space complete
            </span>
          </div>
          {notRunHere && (
            <div className="banner banner-warn" role="status" data-testid="not-run-here">
              {notRunHere}
            </div>
          )}
          {active && (
            <div className="editor-pane">
              <SqlEditor
                docId={active.id}
                initialText={active.sql}
                schema={schema}
                errorMark={run.errorMark}
                lineNumbers={lineNumbers}
                onChange={(sql) => dispatch({ type: 'edit', id: active.id, sql })}
                onRun={execute}
              />
            </div>
          )}
          <ResultsPanel outcome={run.outcome} running={run.running} />
        </main>
      </div>
      {saveRequest && (
        <SaveDialog
          draft={saveRequest.draft}
          savedId={saveRequest.savedId}
          connectionType={connection.type}
          onClose={() => setSaveRequest(null)}
          onSaved={onSaved}
        />
      )}
      {addingConnection && (
        <ConnectionForm
          onDone={(id) => {
            setAddingConnection(false);
            if (id && active) dispatch({ type: 'connect', id: active.id, connectionId: id });
          }}
        />
      )}
    </div>
  );
}
