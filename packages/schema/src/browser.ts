/**
 * Everything the browser may know about the platform database: the common tables plus the ones
 * that describe this device (sync settings, outbox, shape positions, clock). This module must
 * never import `./tables/platform-user-passwords.ts`, directly or indirectly: the bundle test
 * enforces it.
 */
export * from './common.ts';
export * from './tables/sync-config.ts';
export * from './tables/sync-local.ts';
