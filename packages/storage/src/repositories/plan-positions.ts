/**
 * Places for a list that is saved whole (the studio's `saveAuditLog`), keeping the place of as
 * many items as the new order allows: the longest run of items already there whose order did
 * not change keeps its positions, and every other item gets one between its neighbours. An
 * event appended at the end with the oldest dropped moves nothing else, so only the rows that
 * really changed are written (and, in sync mode, pushed).
 *
 * Positions are floats; when two neighbours are too close to put anything between them, the
 * whole list is numbered again from 1.
 */
export function planPositions(
  existing: readonly { key: string; position: number }[],
  wanted: readonly string[],
): Map<string, number> {
  const before = new Map(existing.map((item) => [item.key, item.position]));
  const kept = stableRun(wanted.map((key) => before.get(key)));
  const planned = new Map<string, number>();
  let previous = Number.NEGATIVE_INFINITY;
  let index = 0;
  while (index < wanted.length) {
    if (kept.has(index)) {
      previous = before.get(wanted[index] as string) as number;
      planned.set(wanted[index] as string, previous);
      index++;
      continue;
    }
    // A run of items to place between `previous` and the next kept one.
    let end = index;
    while (end < wanted.length && !kept.has(end)) end++;
    const next = end < wanted.length ? (before.get(wanted[end] as string) as number) : Infinity;
    const count = end - index;
    for (let i = 0; i < count; i++) {
      const place =
        previous === Number.NEGATIVE_INFINITY && next === Infinity
          ? i + 1
          : previous === Number.NEGATIVE_INFINITY
            ? next - (count - i)
            : next === Infinity
              ? previous + i + 1
              : previous + ((next - previous) * (i + 1)) / (count + 1);
      if (!(place > previous && place < next)) return renumbered(wanted);
      planned.set(wanted[index + i] as string, place);
    }
    index = end;
  }
  return planned;
}

function renumbered(wanted: readonly string[]): Map<string, number> {
  return new Map(wanted.map((key, i) => [key, i + 1]));
}

/**
 * The indexes of the longest strictly increasing subsequence of the known positions
 * (patience sorting, O(n log n)): the items that can stay where they are.
 */
function stableRun(positions: readonly (number | undefined)[]): Set<number> {
  const tails: number[] = [];
  const previous = new Array<number>(positions.length).fill(-1);
  positions.forEach((position, index) => {
    if (position === undefined) return;
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((positions[tails[mid] as number] as number) < position) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) previous[index] = tails[lo - 1] as number;
    tails[lo] = index;
  });
  const run = new Set<number>();
  for (let at = tails.at(-1) ?? -1; at !== -1; at = previous[at] as number) run.add(at);
  return run;
}
