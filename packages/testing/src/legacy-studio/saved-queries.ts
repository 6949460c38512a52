/**
 * Saved queries as the save dialog and `storage.saveQuery` produce them.
 *
 * Follows src/components/SaveQueryModal.tsx and src/components/Studio.tsx (`handleSaveQuery`)
 * @ v0.7.0 and @ HEAD c144361f, src/components/Dashboard.tsx @ v0.5.6, and `saveQuery` of
 * src/lib/storage.ts @ v0.7.0 / src/lib/storage/storage-facade.ts @ HEAD. The dialog only refuses
 * an empty name (a blank one passes), always passes `description` (`""` when left empty) and a
 * `tags` array parsed by `parseTagInput`; the query is the tab's text, which may be `""`; the
 * type is the active connection's, `demo` included. The facade stamps both dates on insert, and
 * no UI path updates a saved query, so `updatedAt` equals `createdAt` in data the UI wrote.
 */

import { sampleStatement } from './history.ts';
import type { LegacyRng } from './random.ts';
import { shortIdAt } from './timeline.ts';
import type { StudioDatabaseType, StudioSavedQuery } from './types.ts';

/** The dialog's rule: split on commas, trim, drop empties. Duplicates and any length survive. */
export function parseTagInput(input: string): string[] {
  return input
    .split(',')
    .map((tag) => tag.trim())
    .filter((tag) => tag.length > 0);
}

export interface LegacySavedQueryOptions {
  connectionType: StudioDatabaseType;
  savedAt: Date;
  id?: string;
  name?: string;
  /** The editor's text. */
  query?: string;
  description?: string;
  /** What was typed into the tags field. */
  tagsInput?: string;
}

const TAG_INPUTS = [
  'reports, monthly',
  'finance,  finance , q3',
  ' , ops,,',
  '',
  `long-${'x'.repeat(180)}, ünïcode, 🚀`,
  'Reports,reports',
];

/** One saved query as the facade stores it after `saveQuery` of a new id. */
export function legacySavedQuery(
  rng: LegacyRng,
  options: LegacySavedQueryOptions,
): StudioSavedQuery {
  return {
    id: options.id ?? shortIdAt(rng, options.savedAt),
    name:
      options.name ??
      rng.pick(['Monthly active users', 'Top customers', 'Slow orders — Q3', 'Ünïcode check']),
    query: options.query ?? sampleStatement(rng, options.connectionType),
    description:
      options.description ??
      rng.pick(['', '', 'Used by the Monday report', 'Line 1\nLine 2 "quoted"']),
    connectionType: options.connectionType,
    tags: parseTagInput(options.tagsInput ?? rng.pick(TAG_INPUTS)),
    createdAt: options.savedAt,
    updatedAt: options.savedAt,
  };
}
