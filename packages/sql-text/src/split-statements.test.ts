import { describe, expect, it } from 'vitest';
import { splitStatements } from './split-statements.ts';

const texts = (sql: string) => splitStatements(sql).map((statement) => statement.text.trim());

describe('splitStatements', () => {
  it('splits on top-level semicolons and drops empty statements', () => {
    expect(texts('select 1; select 2;;  ;\n')).toEqual(['select 1', 'select 2']);
  });

  it('keeps semicolons inside strings, identifiers, comments and dollar quotes', () => {
    const sql = [
      "select 'a;b', 'it''s;', E'\\';x', \"odd;name\"",
      'select 1 -- a; comment\n + 1',
      'select /* outer /* nested; */ still; */ 2',
      'do $body$ begin perform 1; end $body$',
      'select $$;$$',
    ].join(';\n');
    expect(texts(sql)).toHaveLength(5);
  });

  it('does not mistake parameters or identifiers with $ for dollar quotes', () => {
    expect(texts('select a$b$ from t; select 2')).toEqual(['select a$b$ from t', 'select 2']);
  });

  it('reports where each statement starts', () => {
    const sql = 'select 1;\n  select 2';
    const [, second] = splitStatements(sql);
    expect(second && sql.slice(second.offset).trim()).toBe('select 2');
  });

  it('leaves an unterminated quote to Postgres as one statement', () => {
    expect(texts("select 'open; select 2")).toEqual(["select 'open; select 2"]);
  });
});
