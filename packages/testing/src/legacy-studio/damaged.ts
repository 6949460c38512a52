/**
 * Damaged `localStorage` values, each labelled with what is wrong, for testing how an importer
 * reports what it could not read.
 *
 * How the studio itself reacted differs by generation, which is why the labels name the defect
 * rather than an outcome. src/lib/storage.ts @ v0.7.0 ran `JSON.parse(stored).map(...)` inside
 * try/catch, so an empty value, invalid JSON and any non-array (`null` included) all read as `[]`.
 * src/lib/storage/storage-facade.ts @ HEAD c144361f reads invalid JSON and `null` as `[]`, but
 * calls `.map` on any other parsed value, so `{}`, `42` or `"[]"` throw out of `getConnections`;
 * `getMaskingConfig` throws on a config without a `patterns` array. Dates are never checked:
 * `new Date('garbage')` is an Invalid Date, which JSON.stringify writes back as `null` on the next
 * save, which is how `"createdAt": null` gets into real data.
 */
import { legacyConnection } from './connections.ts';
import { legacyHistoryItem } from './history.ts';
import { createLegacyRng } from './random.ts';
import { legacySavedQuery } from './saved-queries.ts';
import { studioDefaultMaskingConfig } from './settings.ts';
import { COLLECTION_KEYS, SHARED_KEYS, workspaceTabsKey } from './timeline.ts';
import type { LegacyGeneration } from './types.ts';

export type Damage =
  | 'invalid-json'
  | 'not-an-array'
  | 'missing-fields'
  | 'bad-date'
  | 'wrong-type'
  | 'not-an-object';

export interface DamagedLegacyEntry {
  /** What is wrong, in words. */
  label: string;
  damage: Damage;
  key: string;
  /** The raw `localStorage` value. */
  value: string;
  /**
   * Positions of the unusable items when the value is an array that parses; `null` when the
   * whole value is unusable.
   */
  damagedIndexes: number[] | null;
  /** Items of the array that are fine (0 when the whole value is unusable). */
  intactItems: number;
}

export interface DamagedLegacyOptions {
  generation: LegacyGeneration;
  seed?: number | string;
}

/** Secrets inside damaged values are not tracked: these are for report tests, not leak scans. */
export function damagedLegacyEntries(options: DamagedLegacyOptions): DamagedLegacyEntry[] {
  const rng = createLegacyRng(options.seed ?? 'damaged');
  const keys = COLLECTION_KEYS[options.generation];
  const at =
    options.generation === 'orchids'
      ? new Date('2026-02-20T10:00:00Z')
      : new Date('2026-08-20T10:00:00Z');
  const connection = (): Record<string, unknown> =>
    JSON.parse(
      JSON.stringify(legacyConnection(rng, { type: 'postgres', createdAt: at })),
    ) as Record<string, unknown>;
  const target = { id: 'k3j9x2p1q', name: 'Orders (Postgres)', type: 'postgres' as const };
  const history = (): Record<string, unknown> =>
    JSON.parse(
      JSON.stringify(
        legacyHistoryItem(rng, { connection: target, executedAt: at, outcome: 'success' }),
      ),
    ) as Record<string, unknown>;
  const saved = (): Record<string, unknown> =>
    JSON.parse(
      JSON.stringify(legacySavedQuery(rng, { connectionType: 'postgres', savedAt: at })),
    ) as Record<string, unknown>;
  const without = (item: Record<string, unknown>, ...fields: string[]): Record<string, unknown> => {
    const copy = { ...item };
    for (const field of fields) delete copy[field];
    return copy;
  };
  const whole = (
    label: string,
    damage: Damage,
    key: string,
    value: string,
  ): DamagedLegacyEntry => ({
    label,
    damage,
    key,
    value,
    damagedIndexes: null,
    intactItems: 0,
  });
  const mixed = (
    label: string,
    damage: Damage,
    key: string,
    items: unknown[],
    bad: number[],
  ): DamagedLegacyEntry => ({
    label,
    damage,
    key,
    value: JSON.stringify(items),
    damagedIndexes: bad,
    intactItems: items.length - bad.length,
  });

  const good = JSON.stringify([connection()]);
  return [
    whole(
      'connections cut off mid-value (not valid JSON)',
      'invalid-json',
      keys.connections,
      good.slice(0, good.length - 7),
    ),
    whole(
      'connections hold the string "undefined", what setItem(key, undefined) stores',
      'invalid-json',
      keys.connections,
      'undefined',
    ),
    whole('history holds an empty string', 'invalid-json', keys.history, ''),
    whole(
      'history holds "[object Object]", what setItem(key, {}) stores',
      'invalid-json',
      keys.history,
      '[object Object]',
    ),
    whole(
      'saved queries are an object, not an array',
      'not-an-array',
      keys.savedQueries,
      JSON.stringify({ 0: saved() }),
    ),
    whole('connections are the JSON literal null', 'not-an-array', keys.connections, 'null'),
    whole('history is a JSON string', 'not-an-array', keys.history, JSON.stringify('[]')),
    whole('schema snapshots are a number', 'not-an-array', SHARED_KEYS.schemaSnapshots, '42'),
    mixed(
      'connections: one without id, one without type, one null, one a string',
      'missing-fields',
      keys.connections,
      [
        connection(),
        without(connection(), 'id'),
        without(connection(), 'type'),
        null,
        'postgres://x',
        connection(),
      ],
      [1, 2, 3, 4],
    ),
    mixed(
      'history: one without executedAt, one without query, one without id',
      'missing-fields',
      keys.history,
      [
        history(),
        without(history(), 'executedAt'),
        without(history(), 'query'),
        without(history(), 'id'),
        history(),
      ],
      [1, 2, 3],
    ),
    mixed(
      'saved queries: one without name, one without connectionType',
      'missing-fields',
      keys.savedQueries,
      [saved(), without(saved(), 'name'), without(saved(), 'connectionType')],
      [1, 2],
    ),
    mixed(
      'connections: createdAt "not a date", createdAt null (an Invalid Date saved again)',
      'bad-date',
      keys.connections,
      [
        connection(),
        { ...connection(), createdAt: 'not a date' },
        { ...connection(), createdAt: null },
      ],
      [1, 2],
    ),
    mixed(
      'history: executedAt out of the Date range, executedAt "2026-13-45T99:00:00Z"',
      'bad-date',
      keys.history,
      [
        { ...history(), executedAt: '+275760-09-13T00:00:00.001Z' },
        { ...history(), executedAt: '2026-13-45T99:00:00Z' },
        history(),
      ],
      [0, 1],
    ),
    mixed(
      'saved queries: updatedAt missing, createdAt an epoch number',
      'bad-date',
      keys.savedQueries,
      [without(saved(), 'updatedAt'), { ...saved(), createdAt: 1767225600000 }, saved()],
      [0, 1],
    ),
    mixed(
      'history: executionTime a string, status "ok", rowCount "12"',
      'wrong-type',
      keys.history,
      [
        { ...history(), executionTime: '12ms' },
        { ...history(), status: 'ok' },
        { ...history(), rowCount: '12' },
        history(),
      ],
      [0, 1, 2],
    ),
    whole(
      'masking config without patterns (getMaskingConfig @ HEAD throws on it)',
      'not-an-object',
      SHARED_KEYS.maskingConfig,
      JSON.stringify({ enabled: true, roleSettings: studioDefaultMaskingConfig().roleSettings }),
    ),
    whole(
      'threshold config is an object, not an array',
      'not-an-array',
      SHARED_KEYS.thresholdConfig,
      JSON.stringify({ deadlocks: 5 }),
    ),
    whole(
      'workspace tabs whose tabs is not an array (the tab manager falls back to one empty tab)',
      'not-an-object',
      workspaceTabsKey('k3j9x2p1q'),
      JSON.stringify({ activeTabId: 'default', tabs: 'default' }),
    ),
  ];
}
