/**
 * The server's platform database: the common tables plus the password table, sessions, the
 * canonical username keys and the push endpoint's record of applied mutations. None of the
 * device tables.
 */
export * from './common.ts';
export * from './tables/platform-sessions.ts';
export * from './tables/platform-user-passwords.ts';
export * from './tables/platform-username-keys.ts';
export * from './tables/sync-mutations.ts';
