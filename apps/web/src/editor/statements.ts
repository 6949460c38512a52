import { splitStatements as split } from '@platform/sql-text';

/** A statement of a script: `[from, to)` in the script, the text without surrounding blanks or `;`. */
export interface Statement {
  from: number;
  to: number;
  text: string;
}

/** What to send to the database, and where it starts in the editor (to map error positions). */
export interface RunTarget {
  sql: string;
  offset: number;
}

/**
 * The script's statements as editor ranges: each statement's text trimmed of blanks (and of its
 * `;`), with where it starts and ends. Splitting is `@platform/sql-text`'s, the same the server
 * uses, so quotes, dollar quotes and comments are read as Postgres reads them.
 */
export function splitStatements(script: string): Statement[] {
  return split(script).map(({ text, offset }) => {
    const lead = text.length - text.trimStart().length;
    const trimmed = text.trim();
    return { from: offset + lead, to: offset + lead + trimmed.length, text: trimmed };
  });
}

/**
 * The statement the cursor is in; when it sits between statements (after a `;`, on a blank
 * line), the one just before it, as database tools do; else the first after it.
 */
export function statementAt(script: string, pos: number): Statement | null {
  const statements = splitStatements(script);
  let before: Statement | null = null;
  for (const statement of statements) {
    if (pos >= statement.from && pos <= statement.to) return statement;
    if (statement.to <= pos) before = statement;
  }
  return before ?? statements[0] ?? null;
}

/**
 * What Run executes: the selection when there is one, else the whole script (`all`) or the
 * statement at the cursor (`statement`). Null when there is nothing but blanks to run.
 */
export function pickRunTarget(
  script: string,
  selection: { from: number; to: number },
  mode: 'all' | 'statement' = 'all',
): RunTarget | null {
  if (selection.to > selection.from) {
    const raw = script.slice(selection.from, selection.to);
    if (!raw.trim()) return null;
    return { sql: raw, offset: selection.from };
  }
  if (mode === 'statement') {
    const statement = statementAt(script, selection.from);
    return statement ? { sql: statement.text, offset: statement.from } : null;
  }
  return script.trim() ? { sql: script, offset: 0 } : null;
}

/**
 * Postgres reports positions as 1-based characters (code points) of the SQL sent; the editor
 * counts UTF-16 units from the start of the document. Clamped to the SQL's end.
 */
export function errorOffset(target: RunTarget, position: number): number {
  let units = 0;
  let chars = 1;
  for (const ch of target.sql) {
    if (chars >= position) break;
    units += ch.length;
    chars++;
  }
  return target.offset + units;
}
