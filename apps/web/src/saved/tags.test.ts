import { describe, expect, it } from 'vitest';
import { addTags, MAX_TAGS, normaliseTags, parseTags, removeTag } from './tags.ts';

describe('tag input', () => {
  it('splits on commas and newlines, trims, and drops empty tags', () => {
    expect(parseTags(' reports , daily,\n,  ,weekly ')).toEqual(['reports', 'daily', 'weekly']);
    expect(parseTags('')).toEqual([]);
    expect(parseTags(' , ,')).toEqual([]);
  });

  it('dedupes case-insensitively, keeping the first spelling', () => {
    expect(parseTags('Reports, reports, REPORTS, daily')).toEqual(['Reports', 'daily']);
    expect(addTags(['Reports'], 'reports, Sales')).toEqual(['Reports', 'Sales']);
  });

  it('collapses inner whitespace and keeps within storage limits', () => {
    expect(normaliseTags(['  month   end '])).toEqual(['month end']);
    expect(normaliseTags(['x'.repeat(80)])[0]).toHaveLength(50);
    const many = Array.from({ length: 40 }, (_, i) => `t${i}`);
    expect(normaliseTags(many)).toHaveLength(MAX_TAGS);
  });

  it('removes one chip', () => {
    expect(removeTag(['a', 'b'], 'a')).toEqual(['b']);
  });
});
