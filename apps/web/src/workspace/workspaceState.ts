import { DEMO_CONNECTION } from '../connections/types.ts';
import type { EditorTab } from '../tabs/tabsState.ts';

/**
 * The real studio keeps one set of tabs per connection (its tab manager's
 * `libredb_workspace_tabs_v1:<connection id>`, here `getWorkspaceTabs(connectionId)`); this
 * studio shows the tabs of every connection side by side, each tab on its own connection. The
 * two meet like this: **a connection's saved workspace is the open tabs on that connection**.
 *
 * - On open, the active connection's tabs come back (with its active tab), as in the real one.
 * - The first time in a session that a tab is put on another connection (picked, a new tab,
 *   reopened from history), that connection's saved tabs come back too, beside it: nothing
 *   saved for a connection is ever overwritten unseen.
 * - From then on, each of those connections' workspaces is written as its tabs change (debounced
 *   500 ms, like the real one, but never more than 2 s after the first change waiting): a tab
 *   moved to another connection leaves the first one's.
 * - The in-browser demo is the connection `demo`, for tabs and the active connection alike.
 */

/**
 * A tab as the real studio's tab manager saves it (`PersistedTabState`), plus our saved query.
 * Type aliases, not interfaces, so they fit the facade's open `WorkspaceTabs`.
 */
export type PersistedTab = {
  id: string;
  name: string;
  query: string;
  /** `sql`, `mongodb`, `redis`, `libredb`: kept as read, `sql` for this studio's own tabs. */
  type: string;
  /** The saved query this tab shows; the real studio ignores it (and drops it on its next save). */
  savedId?: string;
};

/** `PersistedWorkspaceState`: what `saveWorkspaceTabs` is given. */
export type PersistedWorkspace = {
  activeTabId: string;
  tabs: PersistedTab[];
};

const MAX_NAME = 200;

/**
 * The tabs a saved workspace holds, on `connectionId`, read defensively: it was written by any
 * version of either studio (or by hand), so a tab without an id or a string query is skipped,
 * and an id seen twice is kept once.
 */
export function readWorkspace(
  saved: unknown,
  connectionId: string,
): { tabs: EditorTab[]; activeId: string | null } {
  const doc = (saved ?? {}) as { activeTabId?: unknown; tabs?: unknown };
  const tabs: EditorTab[] = [];
  const seen = new Set<string>();
  for (const raw of Array.isArray(doc.tabs) ? doc.tabs : []) {
    const t = (raw ?? {}) as Record<string, unknown>;
    if (typeof t.id !== 'string' || t.id === '' || seen.has(t.id)) continue;
    if (typeof t.query !== 'string') continue;
    seen.add(t.id);
    const name = typeof t.name === 'string' && t.name.trim() ? t.name.trim() : 'Query';
    const tab: EditorTab = {
      id: t.id,
      name: name.slice(0, MAX_NAME),
      sql: t.query,
      connectionId,
    };
    if (typeof t.type === 'string' && t.type !== 'sql') tab.type = t.type;
    if (typeof t.savedId === 'string' && t.savedId) tab.savedId = t.savedId;
    tabs.push(tab);
  }
  const activeId =
    typeof doc.activeTabId === 'string' && seen.has(doc.activeTabId) ? doc.activeTabId : null;
  return { tabs, activeId: activeId ?? tabs[0]?.id ?? null };
}

/**
 * The workspace to save for a connection: its tabs in the tab bar's order, and its active tab
 * (`activeTabId`, when it is one of them, else its first; '' when it has none, which the real
 * studio reads as its default tab).
 */
export function workspaceOf(
  tabs: readonly EditorTab[],
  connectionId: string,
  activeTabId: string | undefined,
): PersistedWorkspace {
  const own = tabs.filter((t) => t.connectionId === connectionId);
  return {
    activeTabId: own.find((t) => t.id === activeTabId)?.id ?? own[0]?.id ?? '',
    tabs: own.map((t) => ({
      id: t.id,
      name: t.name,
      query: t.sql,
      type: t.type ?? 'sql',
      ...(t.savedId ? { savedId: t.savedId } : {}),
    })),
  };
}

/** A write the persistence owes: the workspace of one connection, and its text to compare. */
export interface WorkspaceWrite {
  connectionId: string;
  workspace: PersistedWorkspace;
  json: string;
}

/**
 * The workspaces that changed since they were last written (or read): one per connection whose
 * saved tabs were read this session (`hydrated`); `lastActive` is each connection's last active
 * tab, `written` the text last written or read for each.
 */
export function pendingWrites(
  tabs: readonly EditorTab[],
  hydrated: Iterable<string>,
  lastActive: ReadonlyMap<string, string>,
  written: ReadonlyMap<string, string>,
): WorkspaceWrite[] {
  const writes: WorkspaceWrite[] = [];
  for (const connectionId of hydrated) {
    const workspace = workspaceOf(tabs, connectionId, lastActive.get(connectionId));
    const json = JSON.stringify(workspace);
    if (written.get(connectionId) !== json) writes.push({ connectionId, workspace, json });
  }
  return writes;
}

/** The text of a saved workspace as `workspaceOf` would write it back, to compare with. */
export function normalizedJson(saved: unknown, connectionId: string): string {
  const { tabs, activeId } = readWorkspace(saved, connectionId);
  return JSON.stringify(workspaceOf(tabs, connectionId, activeId ?? undefined));
}

/**
 * The connection to open on: the saved active one when it still exists (the demo included),
 * else the first stored connection, as the real studio's callers pick `connections[0]`, else the
 * demo. `connectionIds` is the picker's list, the demo first.
 */
export function pickActiveConnection(
  savedId: string | null,
  connectionIds: readonly string[],
): string {
  if (savedId && connectionIds.includes(savedId)) return savedId;
  return connectionIds.find((id) => id !== DEMO_CONNECTION.id) ?? DEMO_CONNECTION.id;
}

/**
 * The tabs to open with: the saved ones of the active connection, else (nothing saved for it)
 * one empty tab on it, as the real studio's default tab, except on the demo, where the starter
 * tab already open stays (null: nothing to restore).
 */
export function tabsToRestore(
  saved: unknown,
  activeConnectionId: string,
  newTabId: string,
): { tabs: EditorTab[]; activeId: string | null } | null {
  const read = readWorkspace(saved, activeConnectionId);
  if (read.tabs.length > 0) return read;
  if (activeConnectionId === DEMO_CONNECTION.id) return null;
  return {
    tabs: [{ id: newTabId, name: 'Query 1', sql: '', connectionId: activeConnectionId }],
    activeId: newTabId,
  };
}

/** The real studio's tab manager writes 500 ms after the last change. */
export const SAVE_DELAY_MS = 500;
/** But working without a pause never puts the write off longer than this. */
export const SAVE_MAX_WAIT_MS = 2_000;

/** How long to wait before writing: the debounce, cut short when the first change is old. */
export function saveDelay(firstChangeAt: number, now: number): number {
  return Math.max(0, Math.min(SAVE_DELAY_MS, firstChangeAt + SAVE_MAX_WAIT_MS - now));
}
