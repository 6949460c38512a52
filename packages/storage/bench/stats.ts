export interface Stats {
  median: number;
  p95: number;
  n: number;
}

export function stats(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { median: at(0.5), p95: at(0.95), n: sorted.length };
}

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

export const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(2) : 'n/a');
