import { describe, expect, it } from 'vitest';
import { DEMO_CONNECTION } from '../connections/types.ts';
import { historyEntryFor } from './log.ts';

describe('historyEntryFor', () => {
  const base = {
    target: { sql: 'select 1; select 2', offset: 0 },
    tab: { name: 'Orders' },
    connection: DEMO_CONNECTION,
    executedAt: new Date('2026-01-01T00:00:00Z'),
  };

  it('records a success with the tab, connection, last row count and time', () => {
    const entry = historyEntryFor(
      {
        ...base,
        outcome: {
          ok: true,
          durationMs: 4.5,
          results: [
            { command: 'SELECT', columns: [], rows: [], rowCount: 1, truncated: false },
            { command: 'SELECT', columns: [], rows: [], rowCount: 7, truncated: false },
          ],
        },
      },
      'h1',
    );
    expect(entry).toEqual({
      id: 'h1',
      connectionId: 'demo',
      connectionName: DEMO_CONNECTION.name,
      tabName: 'Orders',
      query: 'select 1; select 2',
      rowCount: 7,
      executionTime: 4.5,
      status: 'success',
      executedAt: base.executedAt,
    });
  });

  it('records an error with its message', () => {
    const entry = historyEntryFor(
      {
        ...base,
        outcome: {
          ok: false,
          durationMs: 1,
          error: { message: 'boom', code: '42601', position: 3, kind: 'postgres' },
        },
      },
      'h2',
    );
    expect(entry).toMatchObject({ status: 'error', errorMessage: 'boom' });
    expect(entry).not.toHaveProperty('rowCount');
  });
});
