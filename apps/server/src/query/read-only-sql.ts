/**
 * What a read-only run may execute, decided on PostgreSQL's own parse tree, before any
 * connection is opened.
 *
 * The parser is `libpg-query`: libpg_query, i.e. the PostgreSQL server's grammar built from its
 * source, compiled to WebAssembly (no install script, no native build). Its 18.x line parses
 * PostgreSQL 18's grammar, which accepts 16 and 17 syntax too; the test server is 18 and
 * docker-compose runs 17. `pgsql-parser` is the same package plus a deparser we do not need;
 * `@pgsql/parser` bundles several older grammars (17 at most). Regexes cannot tell a function
 * call from a string, a comment or a dollar-quoted body; the parser can.
 *
 * Accepted: SELECT (no INTO, no FOR UPDATE/SHARE), VALUES, TABLE, SHOW, and EXPLAIN [ANALYZE]
 * of those; nested anywhere inside: no other statement (a DELETE in a CTE), and no call of a
 * function that acts outside the transaction (`acting-functions.ts`), wherever it is written.
 * Everything else is refused, naming the statement or the function and why: transaction control
 * (a COMMIT would end the read-only transaction), SET/RESET, DO, CALL, COPY, LISTEN/NOTIFY,
 * LOAD, VACUUM, CHECKPOINT, PREPARE/EXECUTE, DECLARE, DDL, DML. SQL the parser cannot read is
 * refused as well: what cannot be checked does not run.
 *
 * The statements are returned as the parser delimited them, and those exact texts are what
 * `run-query.ts` executes, one by one, inside `BEGIN READ ONLY` with
 * `standard_conforming_strings` on (the lexing this parser assumes): what was checked is what
 * runs. User-defined functions, views and foreign tables are opaque here: only a read-only
 * database role makes a connection truly read-only.
 */
import { parse } from 'libpg-query';
import { actingFunction } from './acting-functions.ts';
import { QueryFailedError } from './errors.ts';

export interface ReadOnlyStatement {
  /** One statement as the parser delimited it, without its `;`. */
  text: string;
  /** Where `text` starts in the submitted SQL, in UTF-16 code units. */
  offset: number;
}

const STATEMENT_NAMES: Record<string, string> = {
  CreateStmt: 'CREATE TABLE',
  IndexStmt: 'CREATE INDEX',
  ViewStmt: 'CREATE VIEW',
  RuleStmt: 'CREATE RULE',
  CheckPointStmt: 'CHECKPOINT',
  VacuumStmt: 'VACUUM / ANALYZE',
  DeclareCursorStmt: 'DECLARE',
  ClosePortalStmt: 'CLOSE',
  DoStmt: 'DO',
  CopyStmt: 'COPY',
};

const STATEMENT_REASONS: Record<string, string> = {
  TransactionStmt: 'it would end or change the read-only transaction',
  VariableSetStmt: 'it changes settings of the session',
  CopyStmt: 'it reads or writes files and programs on the database server',
  DoStmt: 'it runs code this check cannot see',
  CallStmt: 'procedures can control transactions and run anything',
  NotifyStmt: 'it signals other sessions',
  ListenStmt: 'it subscribes the session to notifications',
  LoadStmt: 'it loads a shared library into the server',
  CheckPointStmt: 'it acts on the whole server',
  VacuumStmt: 'it acts outside any transaction',
  ExecuteStmt: 'the prepared statement was not checked',
  PrepareStmt: 'prepared statements outlive the check',
  DeclareCursorStmt: 'cursors outlive the check',
};

const ACCEPTED_HINT =
  'Read-only runs accept SELECT, VALUES, TABLE, SHOW and EXPLAIN of those, without functions ' +
  'that act outside the transaction. Run it read-write, if your role allows.';

/**
 * The statements of `sql` if every one of them is read-only, else throws QueryFailedError
 * (kind `sql`, SQLSTATE `25006`, or `42601` when the SQL does not parse) with the position of
 * what was refused.
 */
export async function readOnlyStatements(sql: string): Promise<ReadOnlyStatement[]> {
  const text = new SourceText(sql);
  let tree: ParseTree;
  try {
    tree = (await parse(sql)) as ParseTree;
  } catch (error) {
    throw new QueryFailedError(syntaxFailure(error));
  }
  const statements: ReadOnlyStatement[] = [];
  for (const raw of tree.stmts ?? []) {
    const start = raw.stmt_location ?? 0;
    const end = raw.stmt_len ? start + raw.stmt_len : text.byteLength;
    checkStatement(raw.stmt, (location) => text.position(location ?? start));
    statements.push({ text: text.slice(start, end), offset: text.utf16Offset(start) });
  }
  return statements;
}

interface ParseTree {
  stmts?: Array<{ stmt: Node; stmt_location?: number; stmt_len?: number }>;
}

/** libpg-query's JSON: every node is `{ TypeName: fields }`. */
type Node = Record<string, unknown>;

type Positioner = (byteLocation: number | undefined) => number;

function checkStatement(statement: Node, position: Positioner): void {
  const [type, body] = only(statement);
  if (type === 'VariableShowStmt') return;
  if (type === 'SelectStmt') {
    checkTree(statement, position);
    return;
  }
  if (type !== 'ExplainStmt') refuseStatement(type, body, position(undefined));
  // EXPLAIN ANALYZE runs its statement: the same rules as running it.
  const query = (body as { query?: Node }).query;
  const [inner, innerBody] = query ? only(query) : ['', {}];
  if (!query || inner !== 'SelectStmt') {
    refuseStatement(inner, innerBody, position(undefined), 'EXPLAIN ');
  }
  checkTree(query, position);
}

/**
 * Every node under a SELECT, without recursion: a statement nested a few thousand levels deep
 * must not exhaust the stack. Nodes are `{ TypeName: fields }`; fields the C struct types as
 * one specific struct (`intoClause`, `larg`, `withClause`) come unwrapped, and are walked all
 * the same.
 */
function checkTree(root: Node, position: Positioner): void {
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const value = pending.pop();
    if (Array.isArray(value)) {
      for (const item of value) pending.push(item);
      continue;
    }
    if (!value || typeof value !== 'object') continue;
    for (const [key, field] of Object.entries(value)) {
      if (!field || typeof field !== 'object') continue;
      if (/^[A-Z]/.test(key)) checkNode(key, field as Record<string, unknown>, position);
      // A typed field, not a node: the JSON names no type for it.
      if (key === 'intoClause') {
        refuse('SELECT INTO', 'it creates a table', position(locationOf((field as Node).rel)));
      }
      pending.push(field);
    }
  }
}

function checkNode(type: string, node: Record<string, unknown>, position: Positioner): void {
  const location = typeof node.location === 'number' ? node.location : undefined;
  if (type.endsWith('Stmt') && type !== 'SelectStmt') {
    refuseStatement(type, node, position(location));
  }
  if (type === 'LockingClause') {
    refuse('SELECT … FOR UPDATE/SHARE', 'it locks rows', position(undefined));
  }
  if (type === 'FuncCall') {
    checkFunction(names(node.funcname).at(-1), position(location));
  }
  // Functional notation, a call without parentheses: `('/etc/passwd'::text).pg_read_file`
  // (an A_Indirection) is `pg_read_file('/etc/passwd')`; `t.composite_column.f` is `f(…)` too.
  if (type === 'ColumnRef') {
    for (const name of names(node.fields).slice(1)) checkFunction(name, position(location));
  }
  if (type === 'A_Indirection') {
    for (const name of names(node.indirection)) checkFunction(name, position(undefined));
  }
}

function checkFunction(name: string | undefined, position: number): void {
  if (!name) return;
  const why = actingFunction(name);
  if (why) refuse(`${name}()`, `it ${why}`, position, 'call ');
}

function refuseStatement(type: string, node: unknown, position: number, prefix = ''): never {
  refuse(
    `${prefix}${statementName(type, node)}`,
    STATEMENT_REASONS[type] ?? 'it is not a query that only reads',
    position,
  );
}

function refuse(what: string, why: string, position: number, verb = 'run '): never {
  throw new QueryFailedError({
    kind: 'sql',
    message: `A read-only run cannot ${verb}${what}: ${why}.`,
    code: '25006',
    position,
    detail: null,
    hint: ACCEPTED_HINT,
  });
}

/** `TransactionStmt` with kind `TRANS_STMT_COMMIT` → `COMMIT`; `AlterTableStmt` → `ALTER TABLE`. */
function statementName(type: string, node: unknown): string {
  const kind = (node as { kind?: unknown } | null)?.kind;
  if (type === 'TransactionStmt' && typeof kind === 'string') {
    return kind.replace('TRANS_STMT_', '').replaceAll('_', ' ');
  }
  if (type === 'VariableSetStmt')
    return kind === 'VAR_RESET' || kind === 'VAR_RESET_ALL' ? 'RESET' : 'SET';
  if (!type) return 'that statement';
  return (
    STATEMENT_NAMES[type] ??
    type
      .replace(/Stmt$/, '')
      .replace(/([a-z])([A-Z])/g, '$1 $2')
      .toUpperCase()
  );
}

function only(node: Node): [string, unknown] {
  const [entry] = Object.entries(node);
  return entry ?? ['', {}];
}

/** The `sval`s of a list of `String` nodes (qualified names, column references). */
function names(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((item) => {
    const value = (item as { String?: { sval?: unknown } } | null)?.String?.sval;
    return typeof value === 'string' ? [value] : [];
  });
}

function locationOf(node: unknown): number | undefined {
  const location = (node as { location?: unknown } | null)?.location;
  return typeof location === 'number' ? location : undefined;
}

function syntaxFailure(error: unknown) {
  const details = (error as { sqlDetails?: { message?: unknown; cursorPosition?: unknown } })
    ?.sqlDetails;
  const cursor = typeof details?.cursorPosition === 'number' ? details.cursorPosition : null;
  const message =
    typeof details?.message === 'string'
      ? details.message
      : 'the SQL could not be parsed, so it cannot be checked';
  return {
    kind: 'sql' as const,
    message,
    code: '42601',
    // libpg-query's cursor is 0-based in characters; Postgres reports 1-based.
    position: cursor === null ? null : cursor + 1,
    detail: 'Read-only runs are checked by a PostgreSQL parser before they are sent.',
    hint: null,
  };
}

/**
 * The parser's locations are byte offsets into the UTF-8 text; answers count characters
 * (as Postgres does) and `run-query.ts` slices UTF-16 strings.
 */
class SourceText {
  readonly #bytes: Buffer;

  constructor(sql: string) {
    this.#bytes = Buffer.from(sql, 'utf8');
  }

  get byteLength(): number {
    return this.#bytes.length;
  }

  slice(start: number, end: number): string {
    return this.#bytes.subarray(start, end).toString('utf8');
  }

  #seenBytes = 0;
  #seenUnits = 0;

  /** Statements come in order: each call decodes only the bytes since the last one. */
  utf16Offset(byteOffset: number): number {
    if (byteOffset < this.#seenBytes) {
      this.#seenBytes = 0;
      this.#seenUnits = 0;
    }
    this.#seenUnits += this.slice(this.#seenBytes, byteOffset).length;
    this.#seenBytes = byteOffset;
    return this.#seenUnits;
  }

  /** 1-based position in characters of the byte at `byteOffset`. */
  position(byteOffset: number): number {
    let characters = 0;
    for (const _ of this.slice(0, byteOffset)) characters++;
    return characters + 1;
  }
}
