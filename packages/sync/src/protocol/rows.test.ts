import { describe, expect, it } from 'vitest';
import { pushRequest } from './messages.ts';
import { ROW_SCHEMAS } from './rows.ts';
import { SYNCED } from './tables.ts';

const STAMP = '001796000000000000000aaaaaaaaaaaaaaaa';

const savedQuery = {
  id: 'q1',
  user_id: 'u1',
  name: 'Report',
  description: null,
  query: 'select 1',
  connection_type: 'postgres',
  tags: ['a'],
  created_at: '2026-12-01T08:00:00.000+00:00',
  updated_at: '2026-12-01 08:00:00.123+00',
  deleted_at: null,
  hlc: STAMP,
};

describe('the rows sync carries', () => {
  it('are every column of the table but per-database ones', () => {
    expect(SYNCED.query_logs.columns).not.toContain('insert_seq');
    expect(SYNCED.query_logs.columns).toContain('hlc');
    expect(Object.keys(savedQuery).sort()).toEqual([...SYNCED.saved_queries.columns].sort());
  });

  it('are validated with the limits the browser applies, naming the field', () => {
    expect(ROW_SCHEMAS.saved_queries.safeParse(savedQuery).success).toBe(true);
    const problems = (row: object) =>
      ROW_SCHEMAS.saved_queries.safeParse(row).error?.issues.map((i) => i.path.join('.'));
    expect(problems({ ...savedQuery, tags: Array(33).fill('t') })).toEqual(['tags']);
    expect(problems({ ...savedQuery, name: '' })).toEqual(['name']);
    expect(problems({ ...savedQuery, hlc: 'soon' })).toEqual(['hlc']);
    expect(problems({ ...savedQuery, updated_at: 'yesterday' })).toEqual(['updated_at']);
    expect(problems({ ...savedQuery, hashed_password: 'x' })).toEqual(['']);
  });

  it('travel in push requests of at most 500 mutations, of synced tables only', () => {
    const mutation = {
      id: 'm1',
      table: 'saved_queries',
      op: 'upsert',
      rowId: 'q1',
      hlc: STAMP,
      row: savedQuery,
    };
    expect(pushRequest.safeParse({ mutations: [mutation] }).success).toBe(true);
    expect(pushRequest.safeParse({ mutations: Array(501).fill(mutation) }).success).toBe(false);
    expect(
      pushRequest.safeParse({ mutations: [{ ...mutation, table: 'platform_user_passwords' }] })
        .success,
    ).toBe(false);
  });
});
