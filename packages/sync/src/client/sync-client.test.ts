import { describe, expect, it } from 'vitest';
import { MAX_PUSH_BYTES, type Mutation } from '../protocol/messages.ts';
import { fitInRequest } from './sync-client.ts';

const mutation = (id: string, queryLength: number): Mutation => ({
  id,
  table: 'query_logs',
  op: 'upsert',
  rowId: id,
  hlc: '001796000000000000000aaaaaaaaaaaaaaaa',
  row: { id, query: 'x'.repeat(queryLength) },
});

describe('packing a push request', () => {
  it('sends small mutations together', () => {
    const batch = Array.from({ length: 500 }, (_, i) => mutation(`m${i}`, 100));
    expect(fitInRequest(batch)).toHaveLength(500);
  });

  it('splits large ones across requests of at most a quarter of the limit, at least one each', () => {
    const quarter = MAX_PUSH_BYTES / 4;
    // 5 MiB each: three fit in a quarter (16 MiB), the fourth goes in the next request.
    const large = Array.from({ length: 5 }, (_, i) => mutation(`m${i}`, 5 * 1024 * 1024));
    const first = fitInRequest(large);
    expect(first).toHaveLength(3);
    expect(JSON.stringify({ mutations: first }).length).toBeLessThan(quarter);
    expect(fitInRequest(large.slice(3))).toHaveLength(2);
    // A query at its limit escaped at its worst (35 MiB) is past a quarter: it goes alone.
    const huge = mutation('huge', 35 * 1024 * 1024);
    expect(fitInRequest([huge, mutation('next', 10)])).toEqual([huge]);
  });
});
