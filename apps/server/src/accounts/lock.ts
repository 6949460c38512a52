/**
 * One writer at a time for the account list: creation, renames, role changes and deletion take
 * this transaction-scoped advisory lock, so "the last admin" and "is this name taken" are each
 * decided by one transaction.
 */
import type pg from 'pg';

const ACCOUNTS_LOCK = 8_150_302;

export async function lockAccounts(client: pg.ClientBase): Promise<void> {
  await client.query('select pg_advisory_xact_lock($1)', [ACCOUNTS_LOCK]);
}
