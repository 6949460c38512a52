import { describe, expect, it } from 'vitest';
import { buildCompletionSchema } from './schema.ts';

describe('buildCompletionSchema', () => {
  it('nests columns by schema and table, in the order given', () => {
    expect(
      buildCompletionSchema([
        ['public', 'customers', 'id'],
        ['public', 'customers', 'name'],
        ['public', 'orders', 'id'],
        ['sales', 'targets', 'quarter'],
      ]),
    ).toEqual({
      public: { customers: ['id', 'name'], orders: ['id'] },
      sales: { targets: ['quarter'] },
    });
  });

  it('skips rows that are not three strings', () => {
    expect(
      buildCompletionSchema([
        ['public', null, 'x'],
        ['public', 't'],
      ]),
    ).toEqual({});
  });
});
