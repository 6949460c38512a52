/**
 * The legacy studio's history store, re-implemented faithfully as the baseline: every add parses
 * the whole array, prepends, cuts to the cap, stringifies and writes it back.
 */
export interface StringStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

const KEY = 'orchids_db_history';

export function legacyAddToHistory(store: StringStore, item: object, cap = 500): void {
  const raw = store.getItem(KEY);
  let history: unknown[] = [];
  try {
    history = raw ? (JSON.parse(raw) as unknown[]) : [];
  } catch {
    history = [];
  }
  history.unshift(item);
  store.setItem(KEY, JSON.stringify(history.slice(0, cap)));
}

export function legacyGetHistory(store: StringStore): unknown[] {
  const raw = store.getItem(KEY);
  if (!raw) return [];
  return (JSON.parse(raw) as { executedAt: string }[]).map((h) => ({
    ...h,
    executedAt: new Date(h.executedAt),
  }));
}

export function legacySeed(store: StringStore, count: number): void {
  store.setItem(
    KEY,
    JSON.stringify(Array.from({ length: count }, (_, i) => sampleItem(count - i))),
  );
}

export function sampleItem(n: number) {
  return {
    id: `legacy-${n}-${Math.random().toString(36).slice(2)}`,
    connectionId: `conn-${n % 5}`,
    connectionName: `Connection ${n % 5}`,
    tabName: `Query ${n % 9}`,
    query: `select * from table_${n % 1000} where id = ${n} and status = 'active' order by created_at desc`,
    executionTime: (n % 97) + 0.5,
    status: n % 13 === 0 ? ('error' as const) : ('success' as const),
    executedAt: new Date(Date.UTC(2026, 0, 1) + n * 1000),
    rowCount: n % 250,
  };
}
