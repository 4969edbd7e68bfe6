/**
 * Objections (异议) of SPEC §6: one per firm per round, filed during the notice period and decided
 * by the bureau. Rows come back as `ObjectionRecord`.
 */
import type { Knex } from 'knex';
import { DomainError } from '../domain/errors';
import { isPgError } from './sqlstate';

type Db = Knex | Knex.Transaction;

export type ObjectionDecision = 'upheld' | 'rejected';

export interface ObjectionRecord {
  id: number;
  roundCode: string;
  uscc: string;
  firmName: string;
  reason: string;
  evidence: string[];
  filedBy: string;
  filedAt: Date;
  decision: ObjectionDecision | null;
  decisionReason: string | null;
  decidedBy: string | null;
  decidedAt: Date | null;
}

interface ObjectionRow {
  id: number | string;
  code: string;
  uscc: string;
  name: string;
  reason: string;
  evidence: string[] | string;
  filed_by: string;
  filed_at: Date | string;
  decision: ObjectionDecision | null;
  decision_reason: string | null;
  decided_by: string | null;
  decided_at: Date | string | null;
}

const record = (r: ObjectionRow): ObjectionRecord => ({
  id: Number(r.id),
  roundCode: r.code,
  uscc: r.uscc,
  firmName: r.name,
  reason: r.reason,
  evidence: typeof r.evidence === 'string' ? (JSON.parse(r.evidence) as string[]) : r.evidence,
  filedBy: r.filed_by,
  filedAt: new Date(r.filed_at),
  decision: r.decision,
  decisionReason: r.decision_reason,
  decidedBy: r.decided_by,
  decidedAt: r.decided_at === null ? null : new Date(r.decided_at),
});

function objectionRows(db: Db, roundId: number) {
  return db('objections as o')
    .join('firms as f', 'f.id', 'o.firm_id')
    .join('rounds as r', 'r.id', 'o.round_id')
    .where('o.round_id', roundId)
    .select('o.id', 'r.code', 'f.uscc', 'f.name', 'o.reason', 'o.evidence', 'o.filed_by', 'o.filed_at', 'o.decision', 'o.decision_reason', 'o.decided_by', 'o.decided_at');
}

/** A round's objections in the order filed, or the one of a firm. */
export async function objections(db: Db, roundId: number, opts: { uscc?: string | undefined } = {}): Promise<ObjectionRecord[]> {
  const q = objectionRows(db, roundId).orderBy('o.filed_at');
  if (opts.uscc) q.where('f.uscc', opts.uscc);
  const rows: ObjectionRow[] = await q;
  return rows.map(record);
}

/** The objection of a firm (by USCC) in a round, locked; undefined when it filed none. */
export async function lockObjection(trx: Knex.Transaction, roundId: number, uscc: string): Promise<ObjectionRecord | undefined> {
  const row: ObjectionRow | undefined = await objectionRows(trx, roundId).where('f.uscc', uscc).first().forUpdate();
  return row ? record(row) : undefined;
}

export async function hasObjection(trx: Knex.Transaction, roundId: number, firmId: number): Promise<boolean> {
  return (await trx('objections').where({ round_id: roundId, firm_id: firmId }).first('id')) !== undefined;
}

/** Stores an objection; a second one of the same firm in the round is ALREADY_EXISTS. */
export async function insertObjection(
  trx: Knex.Transaction,
  o: { roundId: number; firmId: number; reason: string; evidence: string[]; filedBy: string; filedAt: Date },
  names: { roundCode: string; uscc: string; firmName: string },
): Promise<ObjectionRecord> {
  try {
    const [row] = await trx('objections')
      .insert({ round_id: o.roundId, firm_id: o.firmId, reason: o.reason, evidence: JSON.stringify(o.evidence), filed_by: o.filedBy, filed_at: o.filedAt })
      .returning('*');
    return record({ ...row, code: names.roundCode, uscc: names.uscc, name: names.firmName });
  } catch (error) {
    if (isPgError(error) && error.code === '23505') throw new DomainError('ALREADY_EXISTS', `${names.firmName} 已就 ${names.roundCode} 提出过异议；每家企业每个评价周期只能提出一次。`);
    throw error;
  }
}

export async function setObjectionDecision(trx: Knex.Transaction, id: number, d: { decision: ObjectionDecision; reason: string; decidedBy: string; decidedAt: Date }): Promise<void> {
  await trx('objections').where({ id }).update({ decision: d.decision, decision_reason: d.reason, decided_by: d.decidedBy, decided_at: d.decidedAt });
}

/** How many of a round's objections still wait for a decision. */
export async function pendingObjectionCount(db: Db, roundId: number): Promise<number> {
  const [row] = await db('objections').where({ round_id: roundId }).whereNull('decision').count<{ count: string | number }[]>('* as count');
  return Number(row?.count ?? 0);
}
