import { describe, expect, it } from 'vitest';
import { timestamptzToIso, toJsonValue } from './json-values.ts';

describe('timestamptzToIso', () => {
  it('converts to UTC, keeping microseconds', () => {
    expect(timestamptzToIso('2024-05-06 07:08:09.123456+02')).toBe('2024-05-06T05:08:09.123456Z');
    expect(timestamptzToIso('2024-05-06 07:08:09+05:30')).toBe('2024-05-06T01:38:09.000Z');
    expect(timestamptzToIso('2024-05-06 07:08:09.5+00')).toBe('2024-05-06T07:08:09.500Z');
  });

  it('leaves what ISO strings cannot say as Postgres printed it', () => {
    for (const text of [
      'infinity',
      '-infinity',
      '0044-03-15 12:00:00+00 BC',
      '1850-01-01 00:00:00+00:53:28',
    ]) {
      expect(timestamptzToIso(text)).toBe(text);
    }
  });
});

describe('toJsonValue', () => {
  it('gives JSON-less values a text form', () => {
    expect(toJsonValue(Number.POSITIVE_INFINITY)).toBe('Infinity');
    expect(toJsonValue(10n ** 20n)).toBe('100000000000000000000');
    expect(toJsonValue(new Date('2024-01-02T03:04:05Z'))).toBe('2024-01-02T03:04:05.000Z');
    expect(toJsonValue(Buffer.from([0, 255]))).toBe('\\x00ff');
    expect(toJsonValue([Buffer.from([1]), null, undefined])).toEqual(['\\x01', null, null]);
  });
});
