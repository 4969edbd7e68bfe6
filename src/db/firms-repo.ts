/**
 * The firm register (物业服务企业名录) as the use cases look firms up: by USCC, one or many, and the
 * status a bureau's decision gives a firm.
 */
import type { Knex } from 'knex';
import type { FirmStatus } from '../domain/types';

type Db = Knex | Knex.Transaction;

export interface FirmRecord {
  id: number;
  uscc: string;
  name: string;
  status: FirmStatus;
}

interface FirmRow {
  id: number | string;
  uscc: string;
  name: string;
  status: FirmStatus;
}

const record = (r: FirmRow): FirmRecord => ({ id: Number(r.id), uscc: r.uscc, name: r.name, status: r.status });

export async function firmByUscc(db: Db, uscc: string): Promise<FirmRecord | undefined> {
  const row = await db<FirmRow>('firms').where({ uscc }).select('id', 'uscc', 'name', 'status').first();
  return row ? record(row) : undefined;
}

/** Ids of the registered firms by USCC: of the given ones, or of every firm when none are given. */
export async function firmIdsByUscc(db: Db, usccs?: readonly string[]): Promise<Map<string, number>> {
  const q = db<FirmRow>('firms').select('id', 'uscc');
  const rows = usccs ? await q.whereIn('uscc', [...usccs]) : await q;
  return new Map(rows.map((r) => [r.uscc, Number(r.id)]));
}

export async function setFirmStatus(trx: Knex.Transaction, firmId: number, status: FirmStatus, at: Date): Promise<void> {
  await trx('firms').where({ id: firmId }).update({ status, updated_at: at });
}
