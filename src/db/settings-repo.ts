/** The `settings` table: one row a key (issuer, city), with who set it and when. */
import type { Knex } from 'knex';

export interface SettingRow {
  key: string;
  value: string;
  updatedBy: string;
  updatedAt: string;
}

export async function readSettingRows(db: Knex | Knex.Transaction): Promise<SettingRow[]> {
  const rows: { key: string; value: string; updated_by: string; updated_at: string | Date }[] = await db('settings').select('key', 'value', 'updated_by', 'updated_at').orderBy('key');
  return rows.map((r) => ({ key: r.key, value: r.value, updatedBy: r.updated_by, updatedAt: new Date(r.updated_at).toISOString() }));
}

/** The current value of one key, locked until the transaction ends (null when never set). */
export async function lockSetting(trx: Knex.Transaction, key: string): Promise<string | null> {
  const row: { value: string } | undefined = await trx('settings').where({ key }).first('value').forUpdate();
  return row?.value ?? null;
}

export async function writeSetting(trx: Knex.Transaction, key: string, value: string, actor: string, at: Date): Promise<void> {
  await trx('settings')
    .insert({ key, value, updated_by: actor, updated_at: at })
    .onConflict('key')
    .merge(['value', 'updated_by', 'updated_at']);
}
