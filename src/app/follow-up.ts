/**
 * Follow-up of SPEC §5.9 after publication: re-inspection results of rectification notices and the
 * bureau's decisions on disqualification and exit proposals. Each step is audited with its reason.
 */
import { DomainError } from '../domain/errors';
import { rectificationStatus } from '../domain/rectification-status';
import { appendAudit } from '../db/audit';
import { setFirmStatus } from '../db/firms-repo';
import {
  interviews,
  lockInterview,
  lockProposal,
  lockRectification,
  proposals,
  rectifications,
  setInterviewHeld,
  setProposalDecision,
  setRectificationReport,
  setReinspectionResult,
  type RectificationReport,
} from '../db/follow-up-repo';
import { getRound } from '../db/rounds-repo';
import { type AppContext, isoDateCst } from './context';

export async function recordReinspection(
  ctx: AppContext,
  input: { round: string; uscc: string; result: 'passed' | 'failed'; note?: string | undefined },
): Promise<{ deadline: string; result: 'passed' | 'failed' }> {
  return ctx.knex.transaction(async (trx) => {
    const round = await getRound(trx, input.round);
    const row = await lockRectification(trx, round.id, input.uscc);
    if (!row) throw new DomainError('NOT_FOUND', `${input.round} 没有向统一社会信用代码为 ${input.uscc} 的企业下发整改通知。`);
    if (row.result) throw new DomainError('ROUND_STATE', `${row.firmName} 在 ${input.round} 的整改已有复查结论（${row.result === 'passed' ? '通过' : '未通过'}），不能重复录入。`);
    const on = isoDateCst(ctx.now());
    await setReinspectionResult(trx, row.id, { result: input.result, on, note: input.note ?? null });
    await appendAudit(trx, {
      actor: ctx.actor,
      action: 'rectification.reinspect',
      entity: 'rectification',
      entityId: `${input.round}/${input.uscc}`,
      before: { result: null },
      after: { result: input.result, on },
      reason: input.note ?? null,
    });
    return { deadline: row.deadline, result: input.result };
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
  return (await proposals(ctx.knex, { status: opts.status })).map((p) => ({
    id: p.id,
    round: p.roundCode,
    uscc: p.uscc,
    firmName: p.firmName,
    kind: p.kind,
    reason: p.reason,
    status: p.status,
    decidedBy: p.decidedBy,
    decisionReason: p.decisionReason,
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
    const p = await lockProposal(trx, input.id);
    if (!p) throw new DomainError('NOT_FOUND', `处置建议 ${input.id} 不存在。用 hhb proposals list 查看。`);
    if (p.status !== 'pending') throw new DomainError('ROUND_STATE', `处置建议 ${input.id} 已${p.status === 'approved' ? '批准' : '驳回'}，不能重复决定。`);
    await setProposalDecision(trx, input.id, { status: input.decision, decidedBy: ctx.actor, decidedAt: ctx.now(), reason });
    await appendAudit(trx, { actor: ctx.actor, action: `proposal.${input.decision}`, entity: 'proposal', entityId: String(input.id), before: { status: 'pending' }, after: { status: input.decision, kind: p.kind }, reason });
    if (input.decision === 'approved' && p.kind === 'disqualification') {
      await setFirmStatus(trx, p.firmId, 'disqualified', ctx.now());
      await appendAudit(trx, { actor: ctx.actor, action: 'firm.disqualify', entity: 'firm', entityId: p.uscc, before: { status: p.firmStatus }, after: { status: 'disqualified' }, reason });
    }
  });
  const view = (await listProposals(ctx)).find((x) => x.id === input.id);
  if (!view) throw new DomainError('NOT_FOUND', `处置建议 ${input.id} 不存在。用 hhb proposals list 查看。`);
  return view;
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
  /** The firm's own report of its rectification, for the regulator who re-inspects. */
  report: RectificationReport | null;
}

/** Rectification notices, newest round first; `pending` keeps those still waiting for a re-inspection result. */
export async function listRectifications(ctx: AppContext, opts: { round?: string | undefined; pending?: boolean } = {}): Promise<RectificationView[]> {
  const today = isoDateCst(ctx.now());
  return (await rectifications(ctx.knex, { roundCode: opts.round, pending: opts.pending })).map((r) => ({
    round: r.roundCode,
    uscc: r.uscc,
    firmName: r.firmName,
    issuedOn: r.issuedOn,
    deadline: r.deadline,
    reinspectBy: r.reinspectBy,
    result: r.result,
    resultOn: r.resultOn,
    note: r.note,
    report: r.report,
    overdue: rectificationStatus({ result: r.result, deadline: r.deadline, reinspectBy: r.reinspectBy }, today) === 'overdue',
  }));
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
  return (await interviews(ctx.knex, { roundCode: opts.round, pending: opts.pending })).map((i) => ({
    round: i.roundCode,
    uscc: i.uscc,
    firmName: i.firmName,
    scheduledOn: i.scheduledOn,
    heldOn: i.heldOn,
    note: i.note,
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
    const row = await lockInterview(trx, round.id, input.uscc);
    if (!row) throw new DomainError('NOT_FOUND', `${input.round} 没有安排对统一社会信用代码为 ${input.uscc} 的企业的约谈。`);
    if (row.heldOn) throw new DomainError('ROUND_STATE', `${row.firmName} 在 ${input.round} 的约谈已于 ${row.heldOn} 记录，不能重复录入。`);
    const scheduled = row.scheduledOn;
    if (scheduled && heldOn < scheduled) throw new DomainError('INPUT_INVALID', `约谈日期 ${heldOn} 早于安排约谈的日期 ${scheduled}。`, [{ row: null, column: 'heldOn', message: '日期早于安排日期' }]);
    await setInterviewHeld(trx, row.id, heldOn, note);
    await appendAudit(trx, { actor: ctx.actor, action: 'interview.record', entity: 'interview', entityId: `${input.round}/${input.uscc}`, before: { heldOn: null }, after: { heldOn }, reason: note });
  });
  const view = (await listInterviews(ctx, { round: input.round })).find((i) => i.uscc === input.uscc);
  if (!view) throw new DomainError('NOT_FOUND', `${input.round} 没有安排对统一社会信用代码为 ${input.uscc} 的企业的约谈。`);
  return view;
}

/**
 * A firm reports its rectification (SPEC §2): what it did and the names of its evidence files. It may
 * report again until the re-inspection (the latest report stands; the audit log keeps each one).
 */
export async function reportRectification(
  ctx: AppContext,
  input: { round: string; uscc: string; text: string; evidence: string[] },
): Promise<{ firmName: string; replaced: boolean }> {
  const text = input.text.trim();
  if ([...text].length < 10) throw new DomainError('INPUT_INVALID', '整改情况至少写 10 个字：做了什么、何时完成、如何核验。', { field: 'report' });
  if ([...text].length > 5000) throw new DomainError('INPUT_INVALID', `整改情况最多 5000 字（现在 ${[...text].length} 字）。`, { field: 'report' });
  const evidence = input.evidence.map((e) => e.trim()).filter(Boolean);
  if (evidence.length > 50) throw new DomainError('INPUT_INVALID', `证明材料最多列 50 项（现在 ${evidence.length} 项）。`, { field: 'evidence' });
  const long = evidence.find((e) => [...e].length > 200);
  if (long) throw new DomainError('INPUT_INVALID', `证明材料名称最多 200 字：「${long.slice(0, 20)}…」`, { field: 'evidence' });
  return ctx.knex.transaction(async (trx) => {
    const round = await getRound(trx, input.round);
    const row = await lockRectification(trx, round.id, input.uscc);
    if (!row) throw new DomainError('NOT_FOUND', `${input.round} 没有向本企业下发整改通知，无需报告整改。`);
    if (row.result) throw new DomainError('ROUND_STATE', `${row.firmName} 在 ${input.round} 的整改已复查（${row.result === 'passed' ? '通过' : '未通过'}），不能再报告。`);
    const before = (await rectifications(trx, { roundCode: input.round })).find((r) => r.uscc === input.uscc)?.report ?? null;
    await setRectificationReport(trx, row.id, { text, evidence, at: ctx.now(), by: ctx.actor });
    await appendAudit(trx, {
      actor: ctx.actor,
      action: 'rectification.report',
      entity: 'rectification',
      entityId: `${input.round}/${input.uscc}`,
      before: before ? { text: before.text, evidence: before.evidence } : null,
      after: { text, evidence },
    });
    return { firmName: row.firmName, replaced: before !== null };
  });
}

