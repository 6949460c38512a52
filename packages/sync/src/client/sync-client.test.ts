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

  it('splits large ones across requests, always sending at least one', () => {
    const large = Array.from({ length: 5 }, (_, i) => mutation(`m${i}`, 1_000_000));
    const first = fitInRequest(large);
    expect(first).toHaveLength(2);
    const bytes = JSON.stringify({ mutations: first }).length;
    expect(bytes).toBeLessThan(MAX_PUSH_BYTES);
    expect(fitInRequest([mutation('huge', 3_000_000)])).toHaveLength(1);
  });
});
