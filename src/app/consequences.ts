/**
 * SPEC §5.9 at publication: the pure decisions of the engine (certificates, rectification notices,
 * interviews, disqualification and exit proposals) stored for the bureau to follow up.
 */
import type { Knex } from 'knex';
import { decideConsequences } from '../domain/consequences';
import { rectificationStatus } from '../domain/rectification-status';
import type { FirmHistoryEntry, FirmResult, ListKind } from '../domain/types';
import type { RoundRecord } from '../db/rounds-repo';
import { toIsoDate } from '../db/rounds-repo';
import { historyOfFirms } from '../db/history-repo';
import { parseRules } from '../rules';

interface HistoryRow {
  code: string;
  uscc: string;
  list: ListKind | null;
  result: 'passed' | 'failed' | null;
  deadline: string | Date | null;
  reinspect_by: string | Date | null;
}

/**
 * Earlier published half-year rounds of the given firms, oldest first, with each round's rectification
 * outcome as of `today`: rounds run in hhb, and the lists imported from before the system (SPEC §11),
 * whose rectification result is the one the old records give.
 */
export async function firmHistories(trx: Knex | Knex.Transaction, beforeCode: string, usccs: string[], today: string): Promise<Record<string, FirmHistoryEntry[]>> {
  const history: Record<string, FirmHistoryEntry[]> = {};
  if (usccs.length === 0) return history;
  const rows: HistoryRow[] = await trx
    .select('r.code', 'res.uscc', 'res.list', 'rect.result', 'rect.deadline', 'rect.reinspect_by')
    .from('rounds as r')
    .join('computations as c', function joinLatest() {
      this.on('c.round_id', '=', 'r.id').andOn('c.number', '=', trx.raw('(select max(number) from computations c2 where c2.round_id = r.id)'));
    })
    .join('results as res', 'res.computation_id', 'c.id')
    .leftJoin('rectifications as rect', function joinRect() {
      this.on('rect.round_id', '=', 'r.id').andOn('rect.firm_id', '=', 'res.firm_id');
    })
    .where('r.kind', 'half')
    .where('r.status', 'published')
    .where('r.code', '<', beforeCode)
    .whereIn('res.uscc', usccs)
    .orderBy('r.code');
  for (const row of rows) {
    const status = row.deadline === null ? row.result : rectificationStatus({ result: row.result, deadline: toIsoDate(row.deadline) as string, reinspectBy: toIsoDate(row.reinspect_by) }, today);
    const rectification: FirmHistoryEntry['rectification'] = status === 'open' ? 'pending' : status;
    (history[row.uscc] ??= []).push({ roundCode: row.code, list: row.list, rectification });
  }
  for (const row of await historyOfFirms(trx, usccs, beforeCode)) {
    (history[row.uscc] ??= []).push({ roundCode: row.roundCode, list: row.list, rectification: row.rectification });
  }
  for (const entries of Object.values(history)) entries.sort((a, b) => (a.roundCode < b.roundCode ? -1 : a.roundCode > b.roundCode ? 1 : 0));
  return history;
}

export async function publishConsequences(
  trx: Knex.Transaction,
  round: RoundRecord,
  firms: FirmResult[],
  today: string,
): Promise<{ certificates: number; rectifications: number; interviews: number; proposals: number }> {
  const rules = parseRules(round.rules);
  const ranked = firms.filter((f) => f.rank !== null).length;
  const history = await firmHistories(trx, round.code, firms.filter((f) => f.list === 'black').map((f) => f.uscc), today);
  const decided = decideConsequences(
    { roundCode: round.code, kind: round.kind, rulesHash: round.rulesHash, firms, ranked, sliceSize: 0, blackSliceSize: 0 },
    rules,
    { publishedOn: today, history, halfYear: round.kind === 'half' },
  );
  const firmIds = new Map<string, number>(
    (await trx('firms').whereIn('uscc', firms.map((f) => f.uscc)).select('id', 'uscc')).map((r: { id: number; uscc: string }) => [r.uscc, Number(r.id)]),
  );
  const id = (uscc: string): number => firmIds.get(uscc) as number;
  if (decided.certificates.length) {
    await trx('certificates').insert(decided.certificates.map((c) => ({ round_id: round.id, firm_id: id(c.uscc), number: c.number })));
  }
  if (decided.rectifications.length) {
    await trx('rectifications').insert(
      decided.rectifications.map((r) => ({ round_id: round.id, firm_id: id(r.uscc), issued_on: r.issuedOn, deadline: r.deadline, reinspect_by: r.reinspectBy })),
    );
  }
  if (decided.interviews.length) {
    await trx('interviews').insert(decided.interviews.map((uscc) => ({ round_id: round.id, firm_id: id(uscc), scheduled_on: today, note: '列入黑榜，约谈法定代表人' })));
  }
  if (decided.proposals.length) {
    await trx('proposals').insert(decided.proposals.map((p) => ({ round_id: round.id, firm_id: id(p.uscc), kind: p.kind, reason: p.reason, status: 'pending' })));
  }
  return {
    certificates: decided.certificates.length,
    rectifications: decided.rectifications.length,
    interviews: decided.interviews.length,
    proposals: decided.proposals.length,
  };
}
