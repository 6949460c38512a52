// What a read-only run may execute, decided on PostgreSQL's parse tree (libpg-query). The
// endpoint and the real server's side of it: routes/query-read-only.test.ts.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { QueryFailedError } from './errors.ts';
import { readOnlyStatements } from './read-only-sql.ts';

async function refusal(sql: string) {
  try {
    await readOnlyStatements(sql);
  } catch (error) {
    if (error instanceof QueryFailedError) return error.failure;
    throw error;
  }
  return null;
}

describe('read-only statements', () => {
  it.each([
    'select 1',
    'SELECT * FROM pg_stat_activity',
    'values (1), (2)',
    'table notes',
    'show search_path',
    'show all',
    'explain select * from notes',
    'explain (analyze, buffers, format json) select count(*) from notes',
    'with recent as (select * from notes) select * from recent',
    'select a.x from (select 1 as x) a join lateral (select a.x + 1) b on true',
    "select current_setting('transaction_read_only'), now(), 'pg_sleep(1)' as text",
    'select $$ select pg_terminate_backend(1) $$ -- pg_reload_conf()\n/* dblink_exec() */',
    'select 1 union all select 2 except select 3',
    'select t.lo_bound, t.hi_bound from (select 1 as lo_bound, 2 as hi_bound) t',
  ])('accepts %s', async (sql) => {
    await expect(readOnlyStatements(sql)).resolves.toHaveLength(1);
  });

  it('returns each statement as the parser delimited it, with its offset in the SQL', async () => {
    const sql = "select 'é;' as a;\n-- next\nselect $x$;$x$ ; ;values (1)";
    const statements = await readOnlyStatements(sql);
    expect(statements.map((statement) => statement.text.trim())).toEqual([
      "select 'é;' as a",
      'select $x$;$x$',
      'values (1)',
    ]);
    for (const statement of statements) {
      expect(sql.slice(statement.offset)).toMatch(/^(select|values)/);
    }
  });

  it('has nothing to run in SQL that is only comments', async () => {
    await expect(readOnlyStatements('-- nothing\n/* at all */')).resolves.toEqual([]);
  });
});

describe('refused statements', () => {
  it.each<[string, string, string?]>([
    ['commit', 'COMMIT'],
    ['begin', 'BEGIN'],
    ['rollback', 'ROLLBACK'],
    ['savepoint a', 'SAVEPOINT'],
    ['set default_transaction_read_only = off', 'SET'],
    ['reset all', 'RESET'],
    ['do $$ begin perform 1; end $$', 'DO'],
    ['call some_procedure()', 'CALL'],
    ["copy (select 1) to program 'id'", 'COPY'],
    ["copy notes to '/tmp/notes.csv'", 'COPY'],
    ["copy notes from '/etc/passwd'", 'COPY'],
    ['listen channel', 'LISTEN'],
    ["notify channel, 'x'", 'NOTIFY'],
    ["load 'plpgsql'", 'LOAD'],
    ['vacuum notes', 'VACUUM'],
    ['checkpoint', 'CHECKPOINT'],
    ['prepare p as select 1', 'PREPARE'],
    ['execute p', 'EXECUTE'],
    ['declare c cursor for select 1', 'DECLARE'],
    ['select 1 into copy_of_one', 'SELECT INTO', 'copy_of_one'],
    ['select * from notes for update', 'FOR UPDATE/SHARE'],
    ['select * from notes for share skip locked', 'FOR UPDATE/SHARE'],
    ['select * from (select * from notes for no key update) n', 'FOR UPDATE/SHARE'],
    ['insert into notes values (1)', 'INSERT'],
    ['with gone as (delete from notes returning *) select * from gone', 'DELETE'],
    ['explain analyze update notes set body = null', 'EXPLAIN UPDATE'],
    ['create table t (id int)', 'CREATE TABLE'],
    ['drop table notes', 'DROP'],
    ['lock table notes', 'LOCK'],
    ['discard all', 'DISCARD'],
  ])('refuses %s, naming %s', async (sql, name, at) => {
    const failure = await refusal(sql);
    // At the statement, or at what in it was refused.
    const position = at ? sql.indexOf(at) + 1 : 1;
    expect(failure).toMatchObject({ kind: 'sql', code: '25006', position });
    expect(failure?.message).toContain(name);
  });

  it('refuses SQL it cannot parse, with the position Postgres would give', async () => {
    expect(await refusal('select from from')).toMatchObject({
      kind: 'sql',
      code: '42601',
      message: 'syntax error at or near "from"',
      position: 13,
    });
  });

  it('gives the position of the refused statement in characters of the whole SQL', async () => {
    const sql = "select 'ééé';\n  commit";
    expect(await refusal(sql)).toMatchObject({ position: sql.indexOf('commit') + 1 });
  });

  it('survives SQL nested thousands of levels deep', async () => {
    const depth = 5_000;
    const failure = await refusal(`select ${'('.repeat(depth)}pg_sleep(1)${')'.repeat(depth)}`);
    // Postgres' own parser gives up on such depth, or the walk finds the call: either refuses.
    expect(failure?.code).toMatch(/^(25006|42601|54001)$/);
  });
});

/** Functions that act outside the transaction, as the attacks called them. */
const ATTACKS = [
  ['pg_terminate_backend', 'pg_terminate_backend(pg_backend_pid())'],
  ['pg_cancel_backend', 'pg_cancel_backend(12345)'],
  ['pg_reload_conf', 'pg_reload_conf()'],
  ['dblink_exec', "dblink_exec('dbname=postgres', 'drop table notes')"],
  ['dblink', "dblink('dbname=postgres', 'select 1')"],
  ['pg_read_file', "pg_read_file('/etc/passwd')"],
  ['pg_read_binary_file', "pg_read_binary_file('/etc/passwd')"],
  ['pg_ls_dir', "pg_ls_dir('/')"],
  ['pg_stat_file', "pg_stat_file('/etc/passwd')"],
  ['lo_import', "lo_import('/etc/passwd')"],
  ['lo_export', "lo_export(1, '/tmp/x')"],
  ['pg_advisory_lock', 'pg_advisory_lock(1)'],
  ['pg_try_advisory_xact_lock', 'pg_try_advisory_xact_lock(1)'],
  ['set_config', "set_config('default_transaction_read_only', 'off', false)"],
  ['pg_notify', "pg_notify('channel', 'x')"],
  ['pg_sleep', 'pg_sleep(600)'],
  ['pg_sleep_for', "pg_sleep_for('1 hour')"],
  ['query_to_xml', "query_to_xml('select pg_terminate_backend(1)', true, true, '')"],
  ['pg_create_logical_replication_slot', "pg_create_logical_replication_slot('s', 'pgoutput')"],
  ['pg_switch_wal', 'pg_switch_wal()'],
  ['pg_promote', 'pg_promote()'],
  ['pg_rotate_logfile', 'pg_rotate_logfile()'],
  ['pg_backup_start', "pg_backup_start('x')"],
  ['pg_create_restore_point', "pg_create_restore_point('x')"],
] as const;

/** Ways to write a call so a text filter would miss it; `call` is `name(args)`. */
const DISGUISES: Array<(call: string, name: string) => string> = [
  (call) => `select ${call}`,
  (call) => `select * from ${call}`,
  (call) => `select * from ${call} as t`,
  (call) => `select 1 where ${call} is not null`,
  (call) => `with x as (select ${call}) select * from x`,
  (call) => `with x as materialized (select 1) select (select ${call}) from x`,
  (call) => `select exists (select ${call})`,
  (call) => `select array(select ${call})`,
  (call) => `select 1 union all select ${call}::text::int`,
  (call) => `select coalesce(null, ${call})`,
  (call) => `select 1; select ${call}`,
  (call) => `explain analyze select ${call}`,
  (call) => `values ((select ${call}))`,
  (call) => `select/**/${call}`,
  (call) => `select /* harmless */ -- really\n ${call}`,
  (call) => `select pg_catalog.${call}`,
  (call) => `select public.${call}`,
  (call, name) => `select "${name}"${call.slice(name.length)}`,
  (call, name) => `select ${name.toUpperCase()}${call.slice(name.length)}`,
  (call, name) => `select ${randomCase(name)}${call.slice(name.length)}`,
  (call) => `select count(*) filter (where ${call} is null) from pg_class`,
  (call) => `select * from pg_class order by ${call}`,
  (call) => `select * from pg_class c join lateral (select ${call}) f on true`,
  (call) => `select * from rows from (${call}) r`,
];

function randomCase(name: string): string {
  return [...name].map((c, i) => (i % 2 ? c.toUpperCase() : c)).join('');
}

describe('calls of functions that act outside the transaction', () => {
  it('are refused however they are written, naming the function', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...ATTACKS),
        fc.constantFrom(...DISGUISES),
        fc.constantFrom('', ' ', '\n', '  -- lead\n', '/* c */ '),
        async ([name, call], disguise, lead) => {
          const failure = await refusal(lead + disguise(call, name));
          expect(failure).toMatchObject({ kind: 'sql', code: '25006' });
          expect(failure?.message.toLowerCase()).toContain(`${name}()`);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('are refused in functional notation, a call written as a column', async () => {
    expect((await refusal("select ('/etc/passwd'::text).pg_read_file"))?.message).toContain(
      'pg_read_file()',
    );
    expect((await refusal('select t.pg_sleep from (select 1) t'))?.message).toContain('pg_sleep()');
  });
});
