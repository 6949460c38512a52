/** A statement of a script: `[from, to)` in the script, the text without surrounding blanks. */
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
 * Splits a script at top-level semicolons, skipping those inside quotes ('…', "…", $tag$…$tag$)
 * and comments (-- and nested /* *\/), the way Postgres's own scanner does. The semicolon stays
 * with its statement; statements that are only blanks and comments are dropped.
 */
export function splitStatements(script: string): Statement[] {
  const statements: Statement[] = [];
  let start = 0;
  let i = 0;
  const push = (end: number) => {
    const raw = script.slice(start, end);
    const lead = raw.length - raw.trimStart().length;
    const text = raw.trim();
    if (text && text !== ';' && !isOnlyComments(text)) {
      statements.push({ from: start + lead, to: start + lead + text.length, text });
    }
    start = end;
  };
  while (i < script.length) {
    const ch = script[i];
    const next = script[i + 1];
    if (ch === "'" || ch === '"') {
      i = skipQuoted(script, i, ch);
    } else if (ch === '-' && next === '-') {
      const end = script.indexOf('\n', i);
      i = end === -1 ? script.length : end + 1;
    } else if (ch === '/' && next === '*') {
      i = skipBlockComment(script, i);
    } else if (ch === '$') {
      const tag = /^\$[A-Za-z_][A-Za-z0-9_]*\$|^\$\$/.exec(script.slice(i, i + 64));
      if (tag && !/[A-Za-z0-9_]/.test(script[i - 1] ?? '')) {
        const close = script.indexOf(tag[0], i + tag[0].length);
        i = close === -1 ? script.length : close + tag[0].length;
      } else i++;
    } else if (ch === ';') {
      i++;
      push(i);
    } else i++;
  }
  push(script.length);
  return statements;
}

function skipQuoted(s: string, i: number, quote: string): number {
  let j = i + 1;
  while (j < s.length) {
    if (s[j] === quote) {
      if (s[j + 1] === quote)
        j += 2; // '' or "" escapes the quote
      else return j + 1;
    } else j++;
  }
  return s.length;
}

function skipBlockComment(s: string, i: number): number {
  let depth = 0;
  let j = i;
  while (j < s.length) {
    if (s[j] === '/' && s[j + 1] === '*') {
      depth++;
      j += 2;
    } else if (s[j] === '*' && s[j + 1] === '/') {
      depth--;
      j += 2;
      if (depth === 0) return j;
    } else j++;
  }
  return s.length;
}

function isOnlyComments(text: string): boolean {
  return (
    text
      .replace(/--[^\n]*/g, '')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/;/g, '')
      .trim() === ''
  );
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
