/**
 * Hybrid logical clock stamps: the one order of writes that last-write-wins follows.
 *
 * A stamp is `PPPPPPPPPPPPPPP CCCCCC NNNNNNNNNNNNNNNN` without spaces: milliseconds since the epoch
 * (15 digits), a counter (6 digits) for writes within one millisecond or after the clock went
 * back, and the writer's node id (16 hex digits) to break ties between devices. Fixed width, so
 * comparing stamps as bytes (`COLLATE "C"` in Postgres) compares them as clocks. The browser's
 * stamps come from `platform_next_hlc()` in its database (drizzle/browser/0004_sync_triggers.sql);
 * the server's from `HybridClock`.
 */

export const HLC_PATTERN = /^\d{15}\d{6}[0-9a-f]{16}$/;
/** The stamp of rows written before sync existed: older than any real stamp. */
export const EMPTY_HLC = '';

export interface HlcParts {
  physical: number;
  counter: number;
  node: string;
}

export function encodeHlc({ physical, counter, node }: HlcParts): string {
  return `${String(physical).padStart(15, '0')}${String(counter).padStart(6, '0')}${node}`;
}

export function decodeHlc(stamp: string): HlcParts | null {
  if (!HLC_PATTERN.test(stamp)) return null;
  return {
    physical: Number(stamp.slice(0, 15)),
    counter: Number(stamp.slice(15, 21)),
    node: stamp.slice(21),
  };
}

/** Negative when `a` is older than `b`; stamps compare as byte strings, '' first. */
export function compareHlc(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The server's clock: stamps for writes it makes itself, always after every stamp it has seen. */
export class HybridClock {
  #physical = 0;
  #counter = 0;

  constructor(
    readonly node: string,
    private readonly now: () => number = Date.now,
  ) {
    if (!/^[0-9a-f]{16}$/.test(node)) throw new Error('a clock node id is 16 hex digits');
  }

  next(): string {
    const wall = this.now();
    if (wall > this.#physical) {
      this.#physical = wall;
      this.#counter = 0;
    } else {
      this.#counter += 1;
    }
    return encodeHlc({ physical: this.#physical, counter: this.#counter, node: this.node });
  }

  /** Moves past `stamp`, so the next stamp orders after a write just received. */
  observe(stamp: string): void {
    const parts = decodeHlc(stamp);
    if (!parts) return;
    if (
      parts.physical > this.#physical ||
      (parts.physical === this.#physical && parts.counter > this.#counter)
    ) {
      this.#physical = parts.physical;
      this.#counter = parts.counter;
    }
  }
}
