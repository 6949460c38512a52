/** Median and p95 (nearest rank) of a list of samples; NaN for an empty list. */
export interface Stats {
  median: number;
  p95: number;
  min: number;
  max: number;
  n: number;
}

export function stats(samples: number[]): Stats {
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

export const ms = (value: number | null | undefined): string =>
  typeof value === 'number' && Number.isFinite(value) ? `${value.toFixed(0)} ms` : 'n/a';

export const kb = (bytes: number | null | undefined): string =>
  typeof bytes === 'number' && Number.isFinite(bytes) ? `${(bytes / 1024).toFixed(1)} KB` : 'n/a';
