import type { QueryHistoryItem } from '@platform/storage';
import { describe, expect, it } from 'vitest';
import {
  CSV_HEADER,
  csvField,
  historyCsv,
  historyFile,
  historyFileName,
  historyJson,
} from './exportHistory.ts';

const item = (overrides: Partial<QueryHistoryItem> = {}): QueryHistoryItem => ({
  id: 'h1',
  connectionId: 'pg-1',
  connectionName: 'Warehouse',
  tabName: 'Query 1',
  query: 'select 1',
  executionTime: 4.5,
  status: 'success',
  executedAt: new Date('2026-11-25T12:00:00.000Z'),
  rowCount: 1,
  ...overrides,
});

/** A small RFC 4180 reader, to check that what is written reads back field for field. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  row.push(field);
  rows.push(row);
  return rows;
}

describe('csvField', () => {
  it('leaves plain values bare and quotes those with a quote, comma, CR or LF', () => {
    expect(csvField('select 1')).toBe('select 1');
    expect(csvField(42)).toBe('42');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('line\nbreak')).toBe('"line\nbreak"');
    expect(csvField('cr\rhere')).toBe('"cr\rhere"');
  });

  it('writes absent as empty, dates as ISO text, objects as JSON', () => {
    expect(csvField(undefined)).toBe('');
    expect(csvField(null)).toBe('');
    expect(csvField(new Date('2026-01-02T03:04:05.678Z'))).toBe('2026-01-02T03:04:05.678Z');
    expect(csvField({ a: 1 })).toBe('"{""a"":1}"');
  });
});

describe('historyCsv', () => {
  it("writes the real studio's header and one record per entry, every field quoted as needed", () => {
    const nasty = item({
      id: 'h2',
      connectionName: 'Sales, EU',
      tabName: 'Tab "A"',
      query: 'select \'a,b\'\nfrom t -- "q"',
      status: 'error',
      rowCount: undefined,
      errorMessage: 'syntax error at or near ","',
      executionTime: 12,
    });
    const text = historyCsv([item(), nasty]);

    expect(text.split('\n')[0]).toBe(CSV_HEADER.join(','));
    expect(parseCsv(text)).toEqual([
      [...CSV_HEADER],
      ['2026-11-25T12:00:00.000Z', 'success', 'Warehouse', 'Query 1', '4.5', '1', 'select 1', ''],
      [
        '2026-11-25T12:00:00.000Z',
        'error',
        'Sales, EU',
        'Tab "A"',
        '12',
        '',
        'select \'a,b\'\nfrom t -- "q"',
        'syntax error at or near ","',
      ],
    ]);
  });

  it('names the connection by id when the entry has no name, and is the header alone when empty', () => {
    const [, row] = parseCsv(historyCsv([item({ connectionName: undefined, tabName: undefined })]));
    expect(row?.slice(2, 4)).toEqual(['pg-1', '']);
    expect(historyCsv([])).toBe(CSV_HEADER.join(','));
  });
});

describe('historyJson and the file', () => {
  it("is the studio's QueryHistoryItem objects, every field kept, dates as ISO strings", () => {
    const items = [item({ engine: 'pg', extra: { k: 1 } })];
    expect(JSON.parse(historyJson(items))).toEqual([
      {
        id: 'h1',
        connectionId: 'pg-1',
        connectionName: 'Warehouse',
        tabName: 'Query 1',
        query: 'select 1',
        executionTime: 4.5,
        status: 'success',
        executedAt: '2026-11-25T12:00:00.000Z',
        rowCount: 1,
        engine: 'pg',
        extra: { k: 1 },
      },
    ]);
  });

  it('starts a CSV with the byte order mark (for Excel), never a JSON file', () => {
    expect(historyFile('csv', []).content).toBe(`\uFEFF${CSV_HEADER.join(',')}`);
    expect(historyFile('csv', []).type).toBe('text/csv;charset=utf-8');
    expect(historyFile('json', []).content).toBe('[]');
    expect(historyFile('json', []).type).toBe('application/json');
  });

  it('is named as the real studio names it', () => {
    expect(historyFileName('csv', new Date(1_700_000_000_000))).toBe(
      'query_history_1700000000000.csv',
    );
    expect(historyFileName('json', new Date(5))).toBe('query_history_5.json');
  });
});
