import type { Knex } from 'knex';

/**
 * Makes the transaction read one consistent snapshot and refuse every write: for work that must see
 * the database as of one moment and store nothing (a what-if). First statement of the transaction.
 */
export async function readOnlySnapshot(trx: Knex.Transaction): Promise<void> {
  await trx.raw('set transaction isolation level repeatable read, read only');
}
