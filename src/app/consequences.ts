/**
 * SPEC §5.9 at publication: the pure decisions of the engine (certificates, rectification notices,
 * interviews, disqualification and exit proposals) stored for the bureau to follow up.
 */
import type { Knex } from 'knex';
import { decideConsequences } from '../domain/consequences';
import { rectificationStatus } from '../domain/rectification-status';
import { DomainError } from '../domain/errors';
import type { FirmHistoryEntry, FirmResult } from '../domain/types';
import type { RoundRecord } from '../db/rounds-repo';
import { firmIdsByUscc } from '../db/firms-repo';
import { insertConsequences, rectifications } from '../db/follow-up-repo';
import { historyOfFirms } from '../db/history-repo';
import { latestResults } from '../db/results-repo';
import { parseRules } from '../rules';

/**
 * Earlier published half-year rounds of the given firms, oldest first, with each round's rectification
 * outcome as of `today`: rounds run in hhb, and the lists imported from before the system (SPEC §11),
 * whose rectification result is the one the old records give.
 */
export async function firmHistories(trx: Knex | Knex.Transaction, beforeCode: string, usccs: string[], today: string): Promise<Record<string, FirmHistoryEntry[]>> {
  const history: Record<string, FirmHistoryEntry[]> = {};
  if (usccs.length === 0) return history;
  const rows = await latestResults(trx, { kind: 'half', statuses: ['published'], codeBefore: beforeCode, usccs });
  const notices = await rectifications(trx, { roundIds: [...new Set(rows.map((r) => r.roundId))] });
  const noticeOf = new Map(notices.map((n) => [`${n.roundId}/${n.firmId}`, n]));
  for (const row of rows) {
    const notice = noticeOf.get(`${row.roundId}/${row.firmId}`);
    const status = notice ? rectificationStatus({ result: notice.result, deadline: notice.deadline, reinspectBy: notice.reinspectBy }, today) : null;
    const rectification: FirmHistoryEntry['rectification'] = status === 'open' ? 'pending' : status;
    (history[row.uscc] ??= []).push({ roundCode: row.roundCode, list: row.list, rectification });
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
  const firmIds = await firmIdsByUscc(trx, firms.map((f) => f.uscc));
  const id = (uscc: string): number => {
    const found = firmIds.get(uscc);
    if (found === undefined) throw new DomainError('FIRM_NOT_FOUND', `结果中的企业 ${uscc} 不在企业名录中。`);
    return found;
  };
  await insertConsequences(trx, round.id, {
    certificates: decided.certificates.map((c) => ({ firmId: id(c.uscc), number: c.number })),
    rectifications: decided.rectifications.map((r) => ({ firmId: id(r.uscc), issuedOn: r.issuedOn, deadline: r.deadline, reinspectBy: r.reinspectBy })),
    interviews: decided.interviews.map((uscc) => ({ firmId: id(uscc), scheduledOn: today, note: '列入黑榜，约谈法定代表人' })),
    proposals: decided.proposals.map((p) => ({ firmId: id(p.uscc), kind: p.kind, reason: p.reason })),
  });
  return {
    certificates: decided.certificates.length,
    rectifications: decided.rectifications.length,
    interviews: decided.interviews.length,
    proposals: decided.proposals.length,
  };
}
