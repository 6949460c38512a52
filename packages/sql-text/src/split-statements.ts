/**
 * Splits SQL text into top-level statements the way psql does: on `;` outside quotes, dollar
 * quotes, comments and parentheses. The server runs read-only requests statement by statement
 * (the extended protocol refuses more than one command per message); the editor runs the
 * statement at the cursor.
 *
 * Known limit: SQL-standard function bodies (`BEGIN ATOMIC … END`) are split at their inner
 * semicolons. That only matters in read-only mode, where creating a function fails anyway.
 */
export interface SqlStatement {
  /** The statement without its terminating `;`. */
  readonly text: string;
  /** Where `text` starts in the original SQL, in UTF-16 code units. */
  readonly offset: number;
}

const IDENTIFIER_CHAR = /[\p{L}\p{N}_$]/u;
const DOLLAR_TAG = /\$(?:[\p{L}_][\p{L}\p{N}_]*)?\$/uy;

export function splitStatements(sql: string): SqlStatement[] {
  const statements: SqlStatement[] = [];
  let start = 0;
  let hasCode = false;
  let parens = 0;
  let i = 0;

  const finish = (end: number) => {
    if (hasCode) statements.push({ text: sql.slice(start, end), offset: start });
    start = end + 1;
    hasCode = false;
  };

  while (i < sql.length) {
    const char = sql[i] as string;
    const next = sql[i + 1];
    if (char === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end + 1;
      continue;
    }
    if (char === '/' && next === '*') {
      i = skipBlockComment(sql, i);
      continue;
    }
    if (/\s/.test(char)) {
      i++;
      continue;
    }
    if (char === ';' && parens === 0) {
      finish(i);
      i++;
      continue;
    }
    hasCode = true;
    if (char === "'") {
      const previous = sql[i - 1] ?? '';
      const beforePrevious = sql[i - 2] ?? '';
      const escapes = /[eE]/.test(previous) && !IDENTIFIER_CHAR.test(beforePrevious);
      i = skipQuoted(sql, i, "'", escapes);
    } else if (char === '"') {
      i = skipQuoted(sql, i, '"', false);
    } else if (char === '$' && !IDENTIFIER_CHAR.test(sql[i - 1] ?? '')) {
      DOLLAR_TAG.lastIndex = i;
      const tag = DOLLAR_TAG.exec(sql)?.[0];
      if (tag) {
        const end = sql.indexOf(tag, i + tag.length);
        i = end === -1 ? sql.length : end + tag.length;
      } else {
        i++;
      }
    } else {
      if (char === '(') parens++;
      else if (char === ')' && parens > 0) parens--;
      i++;
    }
  }
  finish(sql.length);
  return statements;
}

function skipQuoted(sql: string, open: number, quote: string, backslashEscapes: boolean): number {
  let i = open + 1;
  while (i < sql.length) {
    const char = sql[i];
    if (backslashEscapes && char === '\\') {
      i += 2;
    } else if (char === quote) {
      // A doubled quote is an escaped quote, not the end.
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else {
      i++;
    }
  }
  return sql.length;
}

/** Postgres block comments nest, unlike C's. */
function skipBlockComment(sql: string, open: number): number {
  let depth = 0;
  let i = open;
  while (i < sql.length) {
    if (sql[i] === '/' && sql[i + 1] === '*') {
      depth++;
      i += 2;
    } else if (sql[i] === '*' && sql[i + 1] === '/') {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else {
      i++;
    }
  }
  return sql.length;
}
