/** Benchmarks' statistics: median and p95 by nearest rank, with the range. NaN when empty. */
export interface Stats {
  median: number;
  p95: number;
  min: number;
  max: number;
  n: number;
}

export function stats(samples: readonly number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return {
    median: at(0.5),
    p95: at(0.95),
    min: sorted[0] ?? Number.NaN,
    max: sorted.at(-1) ?? Number.NaN,
    n: sorted.length,
  };
}

/** Runs `fn` `runs` times and times each run (ms). */
export async function sample(
  runs: number,
  fn: (i: number) => Promise<unknown> | unknown,
): Promise<Stats> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn(i);
    times.push(performance.now() - start);
  }
  return stats(times);
}
