/**
 * Built-in and well-known extension functions that act outside the transaction they are called
 * in: `BEGIN READ ONLY … ROLLBACK` does not undo a signalled backend, a reloaded configuration,
 * a file read or written on the database server, a statement sent elsewhere by dblink, a held
 * advisory lock or a consumed replication slot. Read-only runs refuse every call of them,
 * wherever it sits in the statement (`read-only-sql.ts`).
 *
 * Names are compared on their last part (any schema: an extension may live in any schema) and
 * case-insensitively. Postgres folds unquoted names to lower case and keeps quoted ones, so
 * `"PG_SLEEP"` is another function than `pg_sleep`; refusing it too costs nothing real and keeps
 * the rule simple. A user-defined function with another name can still do anything its owner
 * allowed: only the database role makes a connection truly read-only.
 */

interface ActingFamily {
  readonly pattern: RegExp;
  /** Completes "… because it …". */
  readonly why: string;
}

const FAMILIES: readonly ActingFamily[] = [
  {
    pattern: /^pg_(terminate|cancel|signal)_backend$/,
    why: 'signals another session of the server',
  },
  {
    pattern: /^(pg_reload_conf|pg_rotate_logfile(_old)?|pg_logfile_rotate)$/,
    why: 'reloads the configuration or rotates the log of the server',
  },
  {
    pattern:
      /^(pg_promote|pg_switch_(wal|xlog)|pg_create_restore_point|pg_wal_replay_(pause|resume)|pg_xlog_replay_(pause|resume)|pg_log_standby_snapshot|pg_logical_emit_message)$/,
    why: 'acts on the write-ahead log or on replication',
  },
  {
    pattern: /^pg_(backup_start|backup_stop|start_backup|stop_backup)$/,
    why: 'controls backups of the server',
  },
  {
    pattern:
      /^pg_(.*replication_(slot|origin).*|.*_replication_slots?|logical_slot_.*|copy_.*_slot)$/,
    why: 'creates, drops or consumes replication slots or origins',
  },
  { pattern: /^dblink/, why: 'connects to another server and runs SQL there' },
  {
    // By name: columns called `lo_…` are common, and `t.col.f` reads like a call (below).
    pattern:
      /^(lo_(import|export|create|creat|unlink|open|close|lseek(64)?|tell(64)?|truncate(64)?|get|put|from_bytea|manage)|loread|lowrite)$/,
    why: 'reads or writes large objects (and server files, through lo_import and lo_export)',
  },
  {
    pattern:
      /^(pg_read_(binary_)?file|pg_ls_.*|pg_stat_file|pg_file_.*|pg_logdir_ls|pg_show_all_file_settings|pg_hba_file_rules|pg_ident_file_mappings)$/,
    why: 'reads, lists or writes files on the database server',
  },
  { pattern: /^pg_(try_)?advisory_/, why: 'takes or releases advisory locks' },
  { pattern: /^set_config$/, why: 'changes settings of the session' },
  { pattern: /^pg_notify$/, why: 'sends a notification to other sessions' },
  {
    pattern: /^((query|cursor|table|schema|database)_to_xml.*|ts_stat|ts_rewrite)$/,
    why: 'runs SQL given as a string, out of reach of this check',
  },
  { pattern: /^pg_sleep/, why: 'holds the connection and the server for as long as it is told' },
  {
    pattern:
      /^(pg_stat_reset.*|pg_stat_statements_reset|pg_(restore|clear)_.*_stats|pg_log_backend_memory_contexts)$/,
    why: "resets or rewrites the server's statistics, or writes to its log",
  },
  {
    pattern: /^(binary_upgrade_.*|autoprewarm_.*|pg_prewarm)$/,
    why: 'changes the state of the server',
  },
];

/** Why calling `name` (unqualified) is refused in a read-only run, or null when it is not. */
export function actingFunction(name: string): string | null {
  const lower = name.toLowerCase();
  return FAMILIES.find((family) => family.pattern.test(lower))?.why ?? null;
}
