/** An editor tab: its own SQL and the connection it runs on. */
export interface EditorTab {
  id: string;
  name: string;
  sql: string;
  connectionId: string;
  /** The saved query this tab was saved as or opened from: saving again updates it. */
  savedId?: string;
  /** The real studio's tab type (`mongodb`, `redis`, …) of a restored tab; absent for SQL. */
  type?: string;
}

export interface TabsState {
  tabs: EditorTab[];
  activeId: string;
  /** Numbers the default names ("Query 3"), never reused while the page lives. */
  counter: number;
  /** The user changed something since the tabs were made: a restore then adds, never replaces. */
  changed: boolean;
}

export type TabsAction =
  | {
      type: 'add';
      id: string;
      sql?: string;
      name?: string;
      connectionId: string;
      savedId?: string;
    }
  | { type: 'close'; id: string; newId: string; connectionId: string }
  | { type: 'activate'; id: string }
  | { type: 'rename'; id: string; name: string }
  | { type: 'edit'; id: string; sql: string }
  | { type: 'connect'; id: string; connectionId: string }
  /** The tab was saved (or re-saved) as this saved query, under this name. */
  | { type: 'saved'; id: string; savedId: string; name: string }
  /**
   * Saved tabs read back from storage. Before the user changed anything they replace the tabs
   * (and `activeId` is activated); after, they are added behind the open ones, the active tab
   * kept, so nothing typed meanwhile is lost; with `add`, they are always added. A tab whose id
   * is open already is not added again.
   */
  | { type: 'restore'; tabs: EditorTab[]; activeId: string | null; add?: boolean };

export function initialTabs(id: string, connectionId: string, sql = ''): TabsState {
  return {
    tabs: [{ id, name: 'Query 1', sql, connectionId }],
    activeId: id,
    counter: 1,
    changed: false,
  };
}

/** The highest "Query N" in use, so a new tab's default name follows the restored ones. */
function highestNumber(tabs: readonly EditorTab[]): number {
  let highest = 0;
  for (const tab of tabs) {
    const n = /^Query (\d+)$/.exec(tab.name)?.[1];
    if (n) highest = Math.max(highest, Number(n));
  }
  return highest;
}

function restore(
  state: TabsState,
  { tabs, activeId, add }: Extract<TabsAction, { type: 'restore' }>,
): TabsState {
  if (!state.changed && !add && tabs.length > 0) {
    return {
      tabs,
      activeId: tabs.find((t) => t.id === activeId)?.id ?? (tabs[0] as EditorTab).id,
      counter: Math.max(tabs.length, highestNumber(tabs)),
      changed: false,
    };
  }
  const open = new Set(state.tabs.map((t) => t.id));
  const added = tabs.filter((t) => !open.has(t.id));
  if (added.length === 0) return state;
  const all = [...state.tabs, ...added];
  return { ...state, tabs: all, counter: Math.max(state.counter, all.length, highestNumber(all)) };
}

/** Tab ids come from the caller (crypto.randomUUID), so the reducer stays pure and testable. */
export function tabsReducer(state: TabsState, action: TabsAction): TabsState {
  if (action.type === 'restore') return restore(state, action);
  const next = apply(state, action);
  return next === state || next.changed ? next : { ...next, changed: true };
}

function apply(state: TabsState, action: Exclude<TabsAction, { type: 'restore' }>): TabsState {
  switch (action.type) {
    case 'add': {
      const counter = state.counter + 1;
      const tab: EditorTab = {
        id: action.id,
        name: action.name?.trim() || `Query ${counter}`,
        sql: action.sql ?? '',
        connectionId: action.connectionId,
        ...(action.savedId ? { savedId: action.savedId } : {}),
      };
      return { ...state, tabs: [...state.tabs, tab], activeId: tab.id, counter };
    }
    case 'close': {
      const index = state.tabs.findIndex((t) => t.id === action.id);
      if (index === -1) return state;
      const tabs = state.tabs.filter((t) => t.id !== action.id);
      // Closing the last tab leaves a fresh empty one: there is always somewhere to type.
      if (tabs.length === 0)
        return apply(
          { ...state, tabs },
          { type: 'add', id: action.newId, connectionId: action.connectionId },
        );
      const activeId =
        state.activeId === action.id
          ? (tabs[Math.min(index, tabs.length - 1)]?.id ?? tabs[0]?.id ?? '')
          : state.activeId;
      return { ...state, tabs, activeId };
    }
    case 'activate':
      return action.id !== state.activeId && state.tabs.some((t) => t.id === action.id)
        ? { ...state, activeId: action.id }
        : state;
    case 'rename': {
      const name = action.name.trim();
      if (!name) return state;
      return { ...state, tabs: state.tabs.map((t) => (t.id === action.id ? { ...t, name } : t)) };
    }
    case 'edit':
      return {
        ...state,
        tabs: state.tabs.map((t) => (t.id === action.id ? { ...t, sql: action.sql } : t)),
      };
    case 'connect':
      return {
        ...state,
        tabs: state.tabs.map((t) =>
          t.id === action.id ? { ...t, connectionId: action.connectionId } : t,
        ),
      };
    case 'saved':
      return {
        ...state,
        tabs: state.tabs.map((t) =>
          t.id === action.id
            ? { ...t, savedId: action.savedId, name: action.name.trim() || t.name }
            : t,
        ),
      };
  }
}
