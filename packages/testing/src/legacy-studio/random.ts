/**
 * A seeded random source, so a generated browser is the same on every run, and the studio's own
 * id schemes driven by it.
 *
 * The ids are reproduced rather than approximated because their shape is what a storage has to
 * accept: `Math.random().toString(36).substring(7)` (history, saved queries, tabs) is 3 to 9
 * characters and collides, `.substr(2, 9)` (connections) is 8 or 9, and `newLocalId()` (all four
 * since 2026-08-18) is two base-36 uint32s, 2 to 14 characters. `float()` therefore yields full
 * 53-bit doubles: a 32-bit one would print as a much shorter base-36 string than `Math.random`'s
 * and give ids the studio never made.
 *
 * Follows src/lib/ids.ts @ HEAD c144361f, src/hooks/use-query-execution.ts and
 * src/hooks/use-connection-form.ts @ v0.7.0 (`Math.random` ids).
 */

/** Every secret a generator wrote, in the order it was minted. */
export interface SecretLedger {
  readonly all: readonly string[];
  /** The next secret number (1, 2, …), unique within this ledger. */
  nextNumber(): number;
  /** Records a value as secret and returns it. Recording the same value twice keeps one entry. */
  record(value: string): string;
}

export interface LegacyRng {
  /** A double in [0, 1) with 53 random bits, like `Math.random()`. */
  float(): number;
  uint32(): number;
  /** An integer in [min, max], both included. */
  int(min: number, max: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  shuffle<T>(items: readonly T[]): T[];
  /** Characters from `alphabet`, `length` of them. */
  string(length: number, alphabet?: string): string;
  readonly secrets: SecretLedger;
}

function hashSeed(seed: string): number {
  // FNV-1a, then a final avalanche: only needs to spread similar seeds apart.
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

function createLedger(): SecretLedger {
  const values: string[] = [];
  const seen = new Set<string>();
  let counter = 0;
  return {
    all: values,
    nextNumber: () => {
      counter += 1;
      return counter;
    },
    record: (value) => {
      if (!seen.has(value)) {
        seen.add(value);
        values.push(value);
      }
      return value;
    },
  };
}

const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';

/** A reproducible random source (sfc32 seeded from `seed`) with its own secret ledger. */
export function createLegacyRng(seed: number | string = 1): LegacyRng {
  let a = hashSeed(`a:${seed}`);
  let b = hashSeed(`b:${seed}`);
  let c = hashSeed(`c:${seed}`);
  let d = 1;
  const next32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) next32();

  const rng: LegacyRng = {
    float: () => (next32() * 2 ** 21 + (next32() >>> 11)) / 2 ** 53,
    uint32: next32,
    int: (min, max) => min + Math.floor(rng.float() * (max - min + 1)),
    chance: (probability) => rng.float() < probability,
    pick: (items) => {
      const item = items[Math.floor(rng.float() * items.length)];
      if (item === undefined) throw new Error('pick() from an empty list');
      return item;
    },
    shuffle: (items) => {
      const out = [...items];
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(rng.float() * (i + 1));
        const held = out[i] as (typeof out)[number];
        out[i] = out[j] as (typeof out)[number];
        out[j] = held;
      }
      return out;
    },
    string: (length, alphabet = BASE36) => {
      let out = '';
      for (let i = 0; i < length; i++) out += alphabet[Math.floor(rng.float() * alphabet.length)];
      return out;
    },
    secrets: createLedger(),
  };
  return rng;
}

/** `Math.random().toString(36).substring(7)`: history, saved-query and tab ids before 2026-08-18. */
export function mathRandomShortId(rng: LegacyRng): string {
  return rng.float().toString(36).substring(7);
}

/** `Math.random().toString(36).substr(2, 9)`: connection ids before 2026-08-18. */
export function mathRandomConnectionId(rng: LegacyRng): string {
  return rng.float().toString(36).slice(2, 11);
}

/** `newLocalId()`: two `crypto.getRandomValues` uint32s in base 36, used since 2026-08-18. */
export function localId(rng: LegacyRng): string {
  return `${rng.uint32().toString(36)}${rng.uint32().toString(36)}`;
}
