/**
 * The transaction-local setting that marks a write as sync bookkeeping rather than a local edit:
 * the browser's sync trigger (drizzle/browser/0004_sync_triggers.sql) neither restamps such a row
 * nor queues it for upload. SQL files cannot import, so the migrations spell the name themselves
 * and `migrations.test.ts` checks that every setting they read or set is this one.
 */
export const SYNC_APPLYING_SETTING = 'platform.sync_applying';

/** The statement that turns sync-applying on or off for the rest of the current transaction. */
export function setSyncApplying(on: boolean): string {
  return `set local ${SYNC_APPLYING_SETTING} = '${on ? 'on' : 'off'}'`;
}
