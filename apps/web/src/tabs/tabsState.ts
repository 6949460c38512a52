/** An editor tab: its own SQL and the connection it runs on. */
export interface EditorTab {
  id: string;
  name: string;
  sql: string;
  connectionId: string;
  /** The saved query this tab was saved as or opened from: saving again updates it. */
  savedId?: string;
}

export interface TabsState {
  tabs: EditorTab[];
  activeId: string;
  /** Numbers the default names ("Query 3"), never reused while the page lives. */
  counter: number;
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
  | { type: 'saved'; id: string; savedId: string; name: string };

export function initialTabs(id: string, connectionId: string, sql = ''): TabsState {
  return { tabs: [{ id, name: 'Query 1', sql, connectionId }], activeId: id, counter: 1 };
}

/** Tab ids come from the caller (crypto.randomUUID), so the reducer stays pure and testable. */
export function tabsReducer(state: TabsState, action: TabsAction): TabsState {
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
      return { tabs: [...state.tabs, tab], activeId: tab.id, counter };
    }
    case 'close': {
      const index = state.tabs.findIndex((t) => t.id === action.id);
      if (index === -1) return state;
      const tabs = state.tabs.filter((t) => t.id !== action.id);
      // Closing the last tab leaves a fresh empty one: there is always somewhere to type.
      if (tabs.length === 0)
        return tabsReducer(
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
      return state.tabs.some((t) => t.id === action.id) ? { ...state, activeId: action.id } : state;
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
