/**
 * Follow-up of SPEC §5.9 after publication: re-inspection results of rectification notices and the
 * bureau's decisions on disqualification and exit proposals. Each step is audited with its reason.
 */
import { DomainError } from '../domain/errors';
import { rectificationStatus } from '../domain/rectification-status';
import { appendAudit } from '../db/audit';
import { getRound, toIsoDate } from '../db/rounds-repo';
import { type AppContext, isoDateCst } from './context';

export async function recordReinspection(
  ctx: AppContext,
  input: { round: string; uscc: string; result: 'passed' | 'failed'; note?: string | undefined },
): Promise<{ deadline: string; result: 'passed' | 'failed' }> {
  return ctx.knex.transaction(async (trx) => {
    const round = await getRound(trx, input.round);
    const row = await trx('rectifications as r')
      .join('firms as f', 'f.id', 'r.firm_id')
      .where('r.round_id', round.id)
      .where('f.uscc', input.uscc)
      .select('r.id', 'r.result', 'r.deadline', 'f.name')
      .first()
      .forUpdate();
    if (!row) throw new DomainError('NOT_FOUND', `${input.round} 没有向统一社会信用代码为 ${input.uscc} 的企业下发整改通知。`);
    if (row.result) throw new DomainError('ROUND_STATE', `${row.name} 在 ${input.round} 的整改已有复查结论（${row.result === 'passed' ? '通过' : '未通过'}），不能重复录入。`);
    const on = isoDateCst(ctx.now());
    await trx('rectifications').where({ id: row.id }).update({ result: input.result, result_on: on, note: input.note ?? null });
    await appendAudit(trx, {
      actor: ctx.actor,
      action: 'rectification.reinspect',
      entity: 'rectification',
      entityId: `${input.round}/${input.uscc}`,
      before: { result: null },
      after: { result: input.result, on },
      reason: input.note ?? null,
    });
    return { deadline: toIsoDate(row.deadline) as string, result: input.result };
  });
}

export interface ProposalView {
  id: number;
  round: string;
  uscc: string;
  firmName: string;
  kind: 'disqualification' | 'exit';
  reason: string;
  status: 'pending' | 'approved' | 'rejected';
  decidedBy: string | null;
  decisionReason: string | null;
}

export async function listProposals(ctx: AppContext, opts: { status?: ProposalView['status'] } = {}): Promise<ProposalView[]> {
  let q = ctx
    .knex('proposals as p')
    .join('rounds as r', 'r.id', 'p.round_id')
    .join('firms as f', 'f.id', 'p.firm_id')
    .select('p.id', 'r.code', 'f.uscc', 'f.name', 'p.kind', 'p.reason', 'p.status', 'p.decided_by', 'p.decision_reason')
    .orderBy('p.id');
  if (opts.status) q = q.where('p.status', opts.status);
  return (await q).map((r: { id: number; code: string; uscc: string; name: string; kind: ProposalView['kind']; reason: string; status: ProposalView['status']; decided_by: string | null; decision_reason: string | null }) => ({
    id: Number(r.id),
    round: r.code,
    uscc: r.uscc,
    firmName: r.name,
    kind: r.kind,
    reason: r.reason,
    status: r.status,
    decidedBy: r.decided_by,
    decisionReason: r.decision_reason,
  }));
}

/**
 * The bureau's decision on a proposal. An approved disqualification sets the firm `disqualified`:
 * later rounds leave it out of their snapshot. An approved exit proposal is recorded; handing the
 * estates over to another firm is done through a projects import.
 */
export async function decideProposal(
  ctx: AppContext,
  input: { id: number; decision: 'approved' | 'rejected'; reason: string },
): Promise<ProposalView> {
  const reason = input.reason.trim();
  if (!reason) throw new DomainError('INPUT_INVALID', '对处置建议作出决定须写明理由。');
  await ctx.knex.transaction(async (trx) => {
    const p = await trx('proposals as p').join('firms as f', 'f.id', 'p.firm_id').where('p.id', input.id).select('p.*', 'f.uscc', 'f.status as firm_status').first().forUpdate();
    if (!p) throw new DomainError('NOT_FOUND', `处置建议 ${input.id} 不存在。用 hhb proposals list 查看。`);
    if (p.status !== 'pending') throw new DomainError('ROUND_STATE', `处置建议 ${input.id} 已${p.status === 'approved' ? '批准' : '驳回'}，不能重复决定。`);
    await trx('proposals').where({ id: input.id }).update({ status: input.decision, decided_by: ctx.actor, decided_at: ctx.now(), decision_reason: reason });
    await appendAudit(trx, { actor: ctx.actor, action: `proposal.${input.decision}`, entity: 'proposal', entityId: String(input.id), before: { status: 'pending' }, after: { status: input.decision, kind: p.kind }, reason });
    if (input.decision === 'approved' && p.kind === 'disqualification') {
      await trx('firms').where({ id: p.firm_id }).update({ status: 'disqualified', updated_at: ctx.now() });
      await appendAudit(trx, { actor: ctx.actor, action: 'firm.disqualify', entity: 'firm', entityId: p.uscc, before: { status: p.firm_status }, after: { status: 'disqualified' }, reason });
    }
  });
  const view = (await listProposals(ctx)).find((x) => x.id === input.id);
  return view as ProposalView;
}

export interface RectificationView {
  round: string;
  uscc: string;
  firmName: string;
  issuedOn: string;
  deadline: string;
  reinspectBy: string | null;
  result: 'passed' | 'failed' | null;
  resultOn: string | null;
  note: string | null;
  /** Not re-inspected and past its re-inspection date (or deadline): counts as not passed (SPEC §5.9). */
  overdue: boolean;
}

/** Rectification notices, newest round first; `pending` keeps those still waiting for a re-inspection result. */
export async function listRectifications(ctx: AppContext, opts: { round?: string | undefined; pending?: boolean } = {}): Promise<RectificationView[]> {
  let q = ctx
    .knex('rectifications as r')
    .join('rounds as rd', 'rd.id', 'r.round_id')
    .join('firms as f', 'f.id', 'r.firm_id')
    .select('rd.code', 'f.uscc', 'f.name', 'r.issued_on', 'r.deadline', 'r.reinspect_by', 'r.result', 'r.result_on', 'r.note')
    .orderBy([{ column: 'rd.code', order: 'desc' }, { column: 'r.id' }]);
  if (opts.round) q = q.where('rd.code', opts.round);
  if (opts.pending) q = q.whereNull('r.result');
  const today = isoDateCst(ctx.now());
  return (await q).map(
    (r: { code: string; uscc: string; name: string; issued_on: Date | string; deadline: Date | string; reinspect_by: Date | string | null; result: 'passed' | 'failed' | null; result_on: Date | string | null; note: string | null }) => {
      const deadline = toIsoDate(r.deadline) as string;
      const reinspectBy = toIsoDate(r.reinspect_by);
      return {
        round: r.code,
        uscc: r.uscc,
        firmName: r.name,
        issuedOn: toIsoDate(r.issued_on) as string,
        deadline,
        reinspectBy,
        result: r.result,
        resultOn: toIsoDate(r.result_on),
        note: r.note,
        overdue: rectificationStatus({ result: r.result, deadline, reinspectBy }, today) === 'overdue',
      };
    },
  );
}

export interface InterviewView {
  round: string;
  uscc: string;
  firmName: string;
  scheduledOn: string | null;
  heldOn: string | null;
  note: string | null;
}

/** Interviews (约谈) with black-listed firms' legal representatives, newest round first. */
export async function listInterviews(ctx: AppContext, opts: { round?: string | undefined; pending?: boolean } = {}): Promise<InterviewView[]> {
  let q = ctx
    .knex('interviews as i')
    .join('rounds as rd', 'rd.id', 'i.round_id')
    .join('firms as f', 'f.id', 'i.firm_id')
    .select('rd.code', 'f.uscc', 'f.name', 'i.scheduled_on', 'i.held_on', 'i.note')
    .orderBy([{ column: 'rd.code', order: 'desc' }, { column: 'i.id' }]);
  if (opts.round) q = q.where('rd.code', opts.round);
  if (opts.pending) q = q.whereNull('i.held_on');
  return (await q).map((r: { code: string; uscc: string; name: string; scheduled_on: Date | string | null; held_on: Date | string | null; note: string | null }) => ({
    round: r.code,
    uscc: r.uscc,
    firmName: r.name,
    scheduledOn: toIsoDate(r.scheduled_on),
    heldOn: toIsoDate(r.held_on),
    note: r.note,
  }));
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Records that an interview was held (date, defaulting to today, and what was said), audited. */
export async function recordInterview(ctx: AppContext, input: { round: string; uscc: string; heldOn?: string | undefined; note: string }): Promise<InterviewView> {
  const note = input.note.trim();
  if (!note) throw new DomainError('INPUT_INVALID', '请写明约谈情况（约谈对象、要求和企业的承诺）。', [{ row: null, column: 'note', message: '缺少约谈情况' }]);
  const today = isoDateCst(ctx.now());
  const heldOn = input.heldOn?.trim() || today;
  if (!ISO_DATE.test(heldOn) || Number.isNaN(Date.parse(`${heldOn}T00:00:00Z`)) || new Date(`${heldOn}T00:00:00Z`).toISOString().slice(0, 10) !== heldOn) {
    throw new DomainError('INPUT_INVALID', `约谈日期「${heldOn}」无效：应为 YYYY-MM-DD。`, [{ row: null, column: 'heldOn', message: '日期格式错误' }]);
  }
  if (heldOn > today) throw new DomainError('INPUT_INVALID', `约谈日期 ${heldOn} 晚于今天（${today}）。`, [{ row: null, column: 'heldOn', message: '日期在将来' }]);
  await ctx.knex.transaction(async (trx) => {
    const round = await getRound(trx, input.round);
    const row = await trx('interviews as i').join('firms as f', 'f.id', 'i.firm_id').where('i.round_id', round.id).where('f.uscc', input.uscc).select('i.id', 'i.held_on', 'i.scheduled_on', 'f.name').first().forUpdate();
    if (!row) throw new DomainError('NOT_FOUND', `${input.round} 没有安排对统一社会信用代码为 ${input.uscc} 的企业的约谈。`);
    if (row.held_on) throw new DomainError('ROUND_STATE', `${row.name} 在 ${input.round} 的约谈已于 ${toIsoDate(row.held_on)} 记录，不能重复录入。`);
    const scheduled = toIsoDate(row.scheduled_on);
    if (scheduled && heldOn < scheduled) throw new DomainError('INPUT_INVALID', `约谈日期 ${heldOn} 早于安排约谈的日期 ${scheduled}。`, [{ row: null, column: 'heldOn', message: '日期早于安排日期' }]);
    await trx('interviews').where({ id: row.id }).update({ held_on: heldOn, note });
    await appendAudit(trx, { actor: ctx.actor, action: 'interview.record', entity: 'interview', entityId: `${input.round}/${input.uscc}`, before: { heldOn: null }, after: { heldOn }, reason: note });
  });
  return (await listInterviews(ctx, { round: input.round })).find((i) => i.uscc === input.uscc) as InterviewView;
}
