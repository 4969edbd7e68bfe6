/** The record of every imported file (imports): what, from which file, its SHA-256 and row count, by whom. */
import type { Knex } from 'knex';

export async function insertImport(
  trx: Knex.Transaction,
  meta: { roundId: number | null; kind: string; fileName: string; sha256: string; rows: number; enteredBy: string },
): Promise<number> {
  const [row] = await trx('imports')
    .insert({ round_id: meta.roundId, kind: meta.kind, file_name: meta.fileName, sha256: meta.sha256, rows: meta.rows, entered_by: meta.enteredBy })
    .returning('id');
  return Number(typeof row === 'object' ? (row as { id: number }).id : row);
}

/** Sets the row count of an import once a streamed file has been read to its end. */
export async function setImportRows(trx: Knex.Transaction, id: number, rows: number): Promise<void> {
  await trx('imports').where({ id }).update({ rows });
}
