/**
 * A firm's history (SPEC §7, the firm page): every round's rank, composite and list, its certificates,
 * rectifications, interviews and the decisions on proposals about it. The public sees published
 * rounds only; staff see every computed round. Rounds imported from before the system (SPEC §11) are
 * among them, marked `imported`, with what the old list gave: rank, composite, list, rectification result.
 */
import { DomainError } from '../domain/errors';
import { COMPUTED_STATUSES } from '../domain/round-lifecycle';
import type { FirmStatus, ListKind, RoundStatus } from '../domain/types';
import { firmByUscc } from '../db/firms-repo';
import { certificates, interviews as followUpInterviews, proposals as followUpProposals, rectifications } from '../db/follow-up-repo';
import { historyOfFirm } from '../db/history-repo';
import { latestResults, rankedCounts } from '../db/results-repo';
import type { AppContext } from './context';

export interface FirmHistoryRound {
  round: string;
  /** An imported round counts as published. */
  status: RoundStatus;
  /** Imported from the bureau's earlier published lists, not run in hhb. */
  imported: boolean;
  /** An imported round's rectification result as the old records give it (no notice dates are known). */
  importedRectification: 'passed' | 'failed' | null;
  rank: number | null;
  ranked: number;
  composite: number | null;
  scores: { resident: number | null; regulator: number | null; street: number | null };
  list: ListKind | null;
  reasons: string[];
  certificate: string | null;
  rectification: { issuedOn: string; deadline: string; reinspectBy: string; result: 'passed' | 'failed' | null; resultOn: string | null } | null;
  interview: { scheduledOn: string | null; heldOn: string | null; note: string | null } | null;
  proposals: { kind: 'disqualification' | 'exit'; status: 'pending' | 'approved' | 'rejected'; reason: string; decisionReason: string | null }[];
}

export interface FirmHistory {
  uscc: string;
  name: string;
  status: FirmStatus;
  rounds: FirmHistoryRound[];
}

export async function firmHistory(ctx: AppContext, uscc: string, opts: { publishedOnly: boolean }): Promise<FirmHistory> {
  const code = uscc.trim().toUpperCase();
  const firm = await firmByUscc(ctx.knex, code);
  if (!firm) throw new DomainError('FIRM_NOT_FOUND', `没有统一社会信用代码为 ${uscc} 的企业。`);
  const db = ctx.knex;
  const rows = await latestResults(db, { firmId: firm.id, statuses: opts.publishedOnly ? ['published'] : COMPUTED_STATUSES });
  const scope = { firmId: firm.id, roundIds: rows.map((r) => r.roundId) };
  const [certs, rects, interviews, proposals, ranked] = await Promise.all([
    certificates(db, scope),
    rectifications(db, scope),
    followUpInterviews(db, scope),
    followUpProposals(db, scope),
    rankedCounts(db, rows.map((r) => r.computationId)),
  ]);
  const run: FirmHistoryRound[] = rows.map((r) => {
    const rect = rects.find((x) => x.roundId === r.roundId);
    const iv = interviews.find((x) => x.roundId === r.roundId);
    return {
      round: r.roundCode,
      status: r.roundStatus,
      imported: false,
      importedRectification: null,
      rank: r.rank,
      ranked: ranked.get(r.computationId) ?? 0,
      composite: r.composite,
      scores: r.scores,
      list: r.list,
      reasons: r.reasons,
      certificate: certs.find((c) => c.roundId === r.roundId)?.number ?? null,
      rectification: rect ? { issuedOn: rect.issuedOn, deadline: rect.deadline, reinspectBy: rect.reinspectBy, result: rect.result, resultOn: rect.resultOn } : null,
      interview: iv ? { scheduledOn: iv.scheduledOn, heldOn: iv.heldOn, note: iv.note } : null,
      proposals: proposals.filter((p) => p.roundId === r.roundId).map((p) => ({ kind: p.kind, status: p.status, reason: p.reason, decisionReason: p.decisionReason })),
    };
  });
  const imported: FirmHistoryRound[] = (await historyOfFirm(db, firm.uscc)).map((h) => ({
    round: h.roundCode,
    status: 'published',
    imported: true,
    importedRectification: h.rectification,
    rank: h.rank,
    ranked: h.ranked,
    composite: h.composite,
    scores: { resident: null, regulator: null, street: null },
    list: h.list,
    reasons: ['启用本系统之前发布的榜单（历史导入）'],
    certificate: null,
    rectification: null,
    interview: null,
    proposals: [],
  }));
  return {
    uscc: firm.uscc,
    name: firm.name,
    status: firm.status,
    rounds: [...imported, ...run].sort((a, b) => (a.round < b.round ? -1 : a.round > b.round ? 1 : 0)),
  };
}
