import { describe, expect, it } from 'vitest';
import { exportFileName, formatBytes, usageShare } from './format.ts';

describe('formatBytes', () => {
  it('uses binary units with a sensible number of digits', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(1536)).toBe('1.50 KB');
    expect(formatBytes(15 * 1024 * 1024)).toBe('15.0 MB');
    expect(formatBytes(300 * 1024 ** 3)).toBe('300 GB');
  });

  it('says "unknown" when the browser did not tell', () => {
    expect(formatBytes(null)).toBe('unknown');
    expect(formatBytes(Number.NaN)).toBe('unknown');
  });
});

describe('usageShare', () => {
  it('is the used part of the quota, clamped to 0–1', () => {
    expect(usageShare(25, 100)).toBe(0.25);
    expect(usageShare(200, 100)).toBe(1);
  });

  it('is null when a number is missing or the quota is zero', () => {
    expect(usageShare(null, 100)).toBeNull();
    expect(usageShare(1, null)).toBeNull();
    expect(usageShare(1, 0)).toBeNull();
  });
});

describe('exportFileName', () => {
  it('names the file by the local date', () => {
    expect(exportFileName(new Date(2026, 10, 5, 23, 59))).toBe('platform-data-2026-11-05.json');
  });
});
