import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planPositions } from './plan-positions.ts';

const listed = (items: string[]) => items.map((key, i) => ({ key, position: i + 1 }));

describe('places for a list saved whole', () => {
  it('moves nothing when one item is appended and the oldest dropped', () => {
    const before = listed(['a', 'b', 'c', 'd']);
    const plan = planPositions(before, ['b', 'c', 'd', 'e']);

    expect([...plan]).toEqual([
      ['b', 2],
      ['c', 3],
      ['d', 4],
      ['e', 5],
    ]);
  });

  it('puts new items between their neighbours, and keeps the longest unchanged run', () => {
    const before = listed(['a', 'b', 'c']);
    const wanted = ['x', 'a', 'y', 'c', 'b'];
    const plan = planPositions(before, wanted);

    // a, then one of c or b, can stay: two of the three keep their place, no more move.
    const kept = before.filter((item) => plan.get(item.key) === item.position).map((i) => i.key);
    expect(kept).toHaveLength(2);
    expect(kept).toContain('a');
    const order = [...wanted].sort((p, q) => (plan.get(p) as number) - (plan.get(q) as number));
    expect(order).toEqual(wanted);
  });

  it('always orders the list as asked, with distinct positions', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 30 }), { maxLength: 20 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 30 }), { maxLength: 20 }),
        (before, after) => {
          const wanted = after.map(String);
          const plan = planPositions(listed(before.map(String)), wanted);
          const positions = wanted.map((key) => plan.get(key) as number);
          expect(positions.every((p, i) => i === 0 || p > (positions[i - 1] as number))).toBe(true);
        },
      ),
    );
  });

  it('numbers again from 1 when there is no room left between two places', () => {
    const tight = [
      { key: 'a', position: 1 },
      { key: 'b', position: 1 + Number.EPSILON },
    ];
    expect([...planPositions(tight, ['a', 'n', 'b'])]).toEqual([
      ['a', 1],
      ['n', 2],
      ['b', 3],
    ]);
  });
});
