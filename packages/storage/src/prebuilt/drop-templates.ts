/**
 * Statements that drop `template0` and `template1` from a new data directory. The platform never
 * creates a database, and the two templates are 600 of a new directory's 1,050 files: in OPFS
 * every file is an access handle to open on every start, and with them a new directory does not
 * fit a pool sized for the prebuilt one (`newDatabasePoolSize`). Run by the prebuilt builder and,
 * through `initialiseDataDirectory`, by the browser when it has to initialise a directory itself.
 */
export const DROP_TEMPLATES: readonly string[] = [
  'alter database template0 is_template false',
  'alter database template1 is_template false',
  'drop database template0',
  'drop database template1',
];
