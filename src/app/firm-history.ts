/**
 * A firm's history (SPEC §7, the firm page): every round's rank, composite and list, its certificates,
 * rectifications, interviews and the decisions on proposals about it. The public sees published
 * rounds only; staff see every computed round. Rounds imported from before the system (SPEC §11) are
 * among them, marked `imported`, with what the old list gave: rank, composite, list, rectification result.
 */
import { DomainError } from '../domain/errors';
import { COMPUTED_STATUSES } from '../domain/round-lifecycle';
import type { FirmStatus, ListKind, RoundStatus } from '../domain/types';
import { toIsoDate } from '../db/rounds-repo';
import { historyOfFirm } from '../db/history-repo';
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
  const firm = await ctx.knex('firms').where({ uscc: code }).first();
  if (!firm) throw new DomainError('FIRM_NOT_FOUND', `没有统一社会信用代码为 ${uscc} 的企业。`);
  const k = ctx.knex;
  let q = k
    .select('r.id as round_id', 'r.code', 'r.status', 'res.rank', 'res.composite', 'res.resident', 'res.regulator', 'res.street', 'res.list', 'res.reasons', 'c.id as computation_id')
    .from('rounds as r')
    .join('computations as c', function latest() {
      this.on('c.round_id', '=', 'r.id').andOn('c.number', '=', k.raw('(select max(number) from computations c2 where c2.round_id = r.id)'));
    })
    .join('results as res', function own() {
      this.on('res.computation_id', '=', 'c.id').andOn('res.firm_id', '=', k.raw('?', [firm.id]));
    })
    .orderBy('r.code');
  q = opts.publishedOnly ? q.where('r.status', 'published') : q.whereIn('r.status', [...COMPUTED_STATUSES]);
  const rows = await q;
  const roundIds = rows.map((r: { round_id: number }) => r.round_id);
  const [certs, rects, interviews, proposals, counts] = await Promise.all([
    k('certificates').where({ firm_id: firm.id }).whereIn('round_id', roundIds),
    k('rectifications').where({ firm_id: firm.id }).whereIn('round_id', roundIds),
    k('interviews').where({ firm_id: firm.id }).whereIn('round_id', roundIds),
    k('proposals').where({ firm_id: firm.id }).whereIn('round_id', roundIds).orderBy('id'),
    k('results').whereIn('computation_id', rows.map((r: { computation_id: number }) => r.computation_id)).whereNotNull('rank').groupBy('computation_id').select('computation_id').count('* as n'),
  ]);
  const ranked = new Map((counts as unknown as { computation_id: number; n: string | number }[]).map((c) => [Number(c.computation_id), Number(c.n)]));
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  const run: FirmHistoryRound[] = rows.map((r: Record<string, unknown>) => {
      const rect = rects.find((x: { round_id: number }) => x.round_id === r.round_id);
      const iv = interviews.find((x: { round_id: number }) => x.round_id === r.round_id);
      return {
        round: r.code as string,
        status: r.status as RoundStatus,
        imported: false,
        importedRectification: null,
        rank: num(r.rank),
        ranked: ranked.get(Number(r.computation_id)) ?? 0,
        composite: num(r.composite),
        scores: { resident: num(r.resident), regulator: num(r.regulator), street: num(r.street) },
        list: (r.list as ListKind | null) ?? null,
        reasons: typeof r.reasons === 'string' ? (JSON.parse(r.reasons) as string[]) : (r.reasons as string[]),
        certificate: certs.find((c: { round_id: number }) => c.round_id === r.round_id)?.number ?? null,
        rectification: rect
          ? { issuedOn: toIsoDate(rect.issued_on) as string, deadline: toIsoDate(rect.deadline) as string, reinspectBy: toIsoDate(rect.reinspect_by) as string, result: rect.result, resultOn: toIsoDate(rect.result_on) }
          : null,
        interview: iv ? { scheduledOn: toIsoDate(iv.scheduled_on), heldOn: toIsoDate(iv.held_on), note: iv.note } : null,
        proposals: proposals
          .filter((p: { round_id: number }) => p.round_id === r.round_id)
          .map((p: { kind: 'disqualification' | 'exit'; status: 'pending' | 'approved' | 'rejected'; reason: string; decision_reason: string | null }) => ({ kind: p.kind, status: p.status, reason: p.reason, decisionReason: p.decision_reason })),
      };
    });
  const imported: FirmHistoryRound[] = (await historyOfFirm(k, firm.uscc)).map((h) => ({
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
