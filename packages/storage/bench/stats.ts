export { type Stats, sample, stats } from '@platform/testing/stats';

export const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(2) : 'n/a');
