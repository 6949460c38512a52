import { describe, expect, it } from 'vitest';
import { compareHlc, decodeHlc, EMPTY_HLC, encodeHlc, HLC_PATTERN, HybridClock } from './hlc.ts';

const NODE = '0123456789abcdef';

describe('hybrid logical clock stamps', () => {
  it('encode to fixed width, so byte order is clock order', () => {
    const stamps = [
      encodeHlc({ physical: 999, counter: 5, node: NODE }),
      encodeHlc({ physical: 1_000, counter: 0, node: NODE }),
      encodeHlc({ physical: 1_000, counter: 1, node: '0000000000000000' }),
      encodeHlc({ physical: 1_000, counter: 1, node: 'ffffffffffffffff' }),
      encodeHlc({ physical: 1_796_000_000_000, counter: 0, node: NODE }),
    ];
    expect(stamps.every((s) => HLC_PATTERN.test(s) && s.length === 37)).toBe(true);
    expect([...stamps].reverse().sort(compareHlc)).toEqual(stamps);
    expect(compareHlc(EMPTY_HLC, stamps[0] as string)).toBe(-1);
  });

  it('decode what they encode, and nothing else', () => {
    const parts = { physical: 1_796_000_000_123, counter: 42, node: NODE };
    expect(decodeHlc(encodeHlc(parts))).toEqual(parts);
    expect(decodeHlc('')).toBeNull();
    expect(decodeHlc('not a stamp')).toBeNull();
    expect(decodeHlc(`${encodeHlc(parts)}0`)).toBeNull();
  });
});

describe('the server clock', () => {
  it('moves forward with time, counts within a millisecond, and never goes back', () => {
    let now = 1_000;
    const clock = new HybridClock(NODE, () => now);
    const first = clock.next();
    const second = clock.next();
    now = 900; // the machine's clock stepped back
    const third = clock.next();
    now = 2_000;
    const fourth = clock.next();
    expect([first, second, third, fourth].map((s) => decodeHlc(s))).toEqual([
      { physical: 1_000, counter: 0, node: NODE },
      { physical: 1_000, counter: 1, node: NODE },
      { physical: 1_000, counter: 2, node: NODE },
      { physical: 2_000, counter: 0, node: NODE },
    ]);
  });

  it('orders its next stamp after one it received', () => {
    const clock = new HybridClock(NODE, () => 1_000);
    const received = encodeHlc({ physical: 5_000, counter: 7, node: 'aaaaaaaaaaaaaaaa' });
    clock.observe(received);
    expect(compareHlc(clock.next(), received)).toBe(1);
  });

  it('wants a 16-hex-digit node id', () => {
    expect(() => new HybridClock('server')).toThrow(/16 hex digits/);
  });
});
