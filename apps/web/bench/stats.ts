export { type Stats, stats } from '@platform/testing/stats';

export const ms = (value: number | null | undefined): string =>
  typeof value === 'number' && Number.isFinite(value) ? `${value.toFixed(0)} ms` : 'n/a';

export const kb = (bytes: number | null | undefined): string =>
  typeof bytes === 'number' && Number.isFinite(bytes) ? `${(bytes / 1024).toFixed(1)} KB` : 'n/a';
