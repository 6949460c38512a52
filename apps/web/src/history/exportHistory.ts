import type { QueryHistoryItem } from '@platform/storage';

/**
 * History export files, as the real studio writes them (`QueryHistory.tsx`'s `exportHistory`,
 * through its `src/lib/export/csv.ts`): CSV with a header, RFC 4180 quoting of any field holding
 * a quote, comma, CR or LF, records separated by `\n`; JSON as the `QueryHistoryItem` objects.
 */

export type ExportFormat = 'csv' | 'json';

export const CSV_HEADER = [
  'Executed At',
  'Status',
  'Connection',
  'Tab',
  'Execution Time (ms)',
  'Rows',
  'Query',
  'Error',
] as const;

/** A value as CSV text before quoting: absent is empty, a date ISO, an object its JSON. */
function renderValue(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString();
  if (typeof value === 'object') {
    try {
      return JSON.stringify(value) ?? '';
    } catch {
      return String(value);
    }
  }
  return String(value);
}

const NEEDS_QUOTING = /["\r\n,]/;

/** One field: quoted (its quotes doubled) only when it must be, so numbers stay numbers. */
export function csvField(value: unknown): string {
  const text = renderValue(value);
  return NEEDS_QUOTING.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRow(values: readonly unknown[]): string {
  return values.map(csvField).join(',');
}

/**
 * The CSV file. One change from the real studio: an entry without a row count (an error, DDL)
 * has an empty Rows cell, not 0, so a reader can tell "no rows" from "not counted".
 */
export function historyCsv(items: readonly QueryHistoryItem[]): string {
  const rows = items.map((item) =>
    csvRow([
      item.executedAt,
      item.status,
      item.connectionName || item.connectionId,
      item.tabName || '',
      item.executionTime,
      item.rowCount,
      item.query,
      item.errorMessage || '',
    ]),
  );
  return [csvRow(CSV_HEADER), ...rows].join('\n');
}

/** The JSON file: the studio's objects, as its export writes them (dates as ISO strings). */
export function historyJson(items: readonly QueryHistoryItem[]): string {
  return JSON.stringify(items, null, 2);
}

/** The real studio's file name: `query_history_<epoch ms>.<format>`. */
export function historyFileName(format: ExportFormat, now = new Date()): string {
  return `query_history_${now.getTime()}.${format}`;
}

/** Excel reads a CSV's encoding from its first bytes: UTF-8 needs the byte order mark. */
const BOM = '\uFEFF';

/** The file's content and type, ready for a download. */
export function historyFile(
  format: ExportFormat,
  items: readonly QueryHistoryItem[],
): { content: string; type: string } {
  return format === 'csv'
    ? { content: `${BOM}${historyCsv(items)}`, type: 'text/csv;charset=utf-8' }
    : { content: historyJson(items), type: 'application/json' };
}

/** Hands the text to the browser as a download (the anchor in the document, for Firefox). */
export function downloadText(content: string, type: string, fileName: string): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.style.display = 'none';
  document.body.appendChild(link);
  link.click();
  link.remove();
  // A later task: revoking at once can cancel the download before it has read the blob.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
