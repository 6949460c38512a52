import { describe, expect, it } from 'vitest';
import { errorOffset, pickRunTarget, splitStatements, statementAt } from './statements.ts';

describe('splitStatements', () => {
  it('gives each statement its range in the editor, without blanks or its semicolon', () => {
    const script = 'select 1;\n  select 2 ;\n\nselect 3';
    expect(splitStatements(script)).toEqual([
      { from: 0, to: 8, text: 'select 1' },
      { from: 12, to: 20, text: 'select 2' },
      { from: 24, to: 32, text: 'select 3' },
    ]);
  });

  it('reads quotes, dollar quotes and comments as Postgres does', () => {
    const script = [
      'select \'a;b\', "x;y" from t; -- c;d',
      'do $fn$ begin perform 1; end $fn$;',
      'select $$;$$ /* a; /* nested; */ b; */;',
    ].join('\n');
    expect(splitStatements(script).map((s) => s.text)).toEqual([
      `select 'a;b', "x;y" from t`,
      '-- c;d\ndo $fn$ begin perform 1; end $fn$',
      'select $$;$$ /* a; /* nested; */ b; */',
    ]);
  });
});

describe('statementAt', () => {
  const script = 'select 1;\n\nselect 2;\nselect 3;';
  it('finds the statement the cursor is in', () => {
    expect(statementAt(script, 14)?.text).toBe('select 2');
  });
  it('takes the statement just before when the cursor is between statements', () => {
    expect(statementAt(script, 10)?.text).toBe('select 1');
  });
  it('is null for an empty script', () => {
    expect(statementAt('   ', 1)).toBeNull();
  });
});

describe('pickRunTarget', () => {
  const script = 'select 1;\nselect 2;';
  it('runs the selection when there is one, with its offset', () => {
    expect(pickRunTarget(script, { from: 10, to: 18 })).toEqual({ sql: 'select 2', offset: 10 });
  });
  it('runs the whole script without a selection', () => {
    expect(pickRunTarget(script, { from: 3, to: 3 })).toEqual({ sql: script, offset: 0 });
  });
  it('runs the statement at the cursor in statement mode', () => {
    expect(pickRunTarget(script, { from: 12, to: 12 }, 'statement')).toEqual({
      sql: 'select 2',
      offset: 10,
    });
  });
  it('runs nothing when there are only blanks', () => {
    expect(pickRunTarget('  \n ', { from: 0, to: 0 })).toBeNull();
    expect(pickRunTarget('a    b', { from: 1, to: 4 })).toBeNull();
  });
});

describe('errorOffset', () => {
  it('maps a 1-based Postgres position into the document', () => {
    expect(errorOffset({ sql: 'select * from nope', offset: 20 }, 15)).toBe(34);
  });
  it('counts characters, not UTF-16 units, before the position', () => {
    // "😀" is one character for Postgres and two units for the editor.
    expect(errorOffset({ sql: "select '😀', nope", offset: 0 }, 13)).toBe(13);
  });
});
