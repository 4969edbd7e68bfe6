/**
 * SPEC §6: objections (异议) during the notice period. One per firm per round, filed by the firm (or
 * by the bureau on its behalf), decided by the bureau within 5 working days with a written reason.
 * An upheld objection is followed by an input correction and a recompute (reopen → correct → close →
 * compute → publicize); `compareComputations` (src/domain/result-changes.ts) shows what that changed.
 */
import { DomainError } from '../domain/errors';
import { appendAudit } from '../db/audit';
import { hasObjection, insertObjection, lockObjection, objections, type ObjectionRecord, setObjectionDecision } from '../db/objections-repo';
import { firmInComputations } from '../db/results-repo';
import { getRound } from '../db/rounds-repo';
import { type AppContext, isoDateCst } from './context';
import { statusLabel } from './labels';

export interface Objection {
  id: number;
  round: string;
  uscc: string;
  firmName: string;
  reason: string;
  evidence: string[];
  filedBy: string;
  filedOn: string;
  decision: 'upheld' | 'rejected' | null;
  decisionReason: string | null;
  decidedBy: string | null;
  decidedOn: string | null;
  /** Working days from filing to decision (or to today while pending). */
  workingDays: number;
  /** Pending beyond 5 working days (SPEC §6). */
  overdue: boolean;
}

export const DECISION_WORKING_DAYS = 5;

/** Working days (Monday–Friday) after `from` up to and including `to`, both ISO dates. */
export function workingDaysBetween(from: string, to: string): number {
  let days = 0;
  const end = Date.parse(`${to}T00:00:00Z`);
  for (let t = Date.parse(`${from}T00:00:00Z`) + 86_400_000; t <= end; t += 86_400_000) {
    const wd = new Date(t).getUTCDay();
    if (wd !== 0 && wd !== 6) days += 1;
  }
  return days;
}

function toObjection(o: ObjectionRecord, today: string): Objection {
  const filedOn = isoDateCst(o.filedAt);
  const decidedOn = o.decidedAt ? isoDateCst(o.decidedAt) : null;
  const workingDays = workingDaysBetween(filedOn, decidedOn ?? today);
  return {
    id: o.id,
    round: o.roundCode,
    uscc: o.uscc,
    firmName: o.firmName,
    reason: o.reason,
    evidence: o.evidence,
    filedBy: o.filedBy,
    filedOn,
    decision: o.decision,
    decisionReason: o.decisionReason,
    decidedBy: o.decidedBy,
    decidedOn,
    workingDays,
    overdue: o.decision === null && workingDays > DECISION_WORKING_DAYS,
  };
}

export async function listObjections(ctx: AppContext, code: string, opts: { uscc?: string } = {}): Promise<Objection[]> {
  const round = await getRound(ctx.knex, code);
  const today = isoDateCst(ctx.now());
  return (await objections(ctx.knex, round.id, opts)).map((o) => toObjection(o, today));
}

export async function fileObjection(
  ctx: AppContext,
  input: { round: string; uscc: string; reason: string; evidence?: string[] },
): Promise<Objection> {
  const reason = input.reason.trim();
  if (reason.length < 5) throw new DomainError('INPUT_INVALID', '异议理由不能少于 5 个字，请写明对哪项数据或结论有异议及其依据。', [{ row: null, column: 'reason', message: '异议理由过短' }]);
  const evidence = (input.evidence ?? []).map((e) => e.trim()).filter(Boolean);
  if (evidence.some((e) => e.length > 200)) throw new DomainError('INPUT_INVALID', '证明材料名称每项不超过 200 字。');
  return ctx.knex.transaction(async (trx) => {
    const round = await getRound(trx, input.round, { forUpdate: true });
    if (round.status !== 'publicized') {
      throw new DomainError('ROUND_STATE', `评价周期 ${round.code} 当前为「${statusLabel(round.status)}」，只能在公示期内提出异议。`);
    }
    const today = isoDateCst(ctx.now());
    if (round.noticeEndsOn && today > round.noticeEndsOn) throw new DomainError('ROUND_STATE', `${round.code} 的公示期已于 ${round.noticeEndsOn} 结束，不再受理异议。`);
    const firm = await firmInComputations(trx, round.id, input.uscc);
    if (!firm) throw new DomainError('FIRM_NOT_FOUND', `${round.code} 的参评企业中没有统一社会信用代码为 ${input.uscc} 的企业。`);
    if (await hasObjection(trx, round.id, firm.firmId)) throw new DomainError('ALREADY_EXISTS', `${firm.name} 已就 ${round.code} 提出过异议；每家企业每个评价周期只能提出一次。`);
    const row = await insertObjection(
      trx,
      { roundId: round.id, firmId: firm.firmId, reason, evidence, filedBy: ctx.actor, filedAt: ctx.now() },
      { roundCode: round.code, uscc: input.uscc, firmName: firm.name },
    );
    await appendAudit(trx, { actor: ctx.actor, action: 'objection.file', entity: 'objection', entityId: `${round.code}/${input.uscc}`, after: { reason, evidence } });
    return toObjection(row, today);
  });
}

export async function decideObjection(
  ctx: AppContext,
  input: { round: string; uscc: string; decision: 'upheld' | 'rejected'; reason: string },
): Promise<Objection> {
  const reason = input.reason.trim();
  if (!reason) throw new DomainError('INPUT_INVALID', '对异议作出决定须写明理由。');
  return ctx.knex.transaction(async (trx) => {
    const round = await getRound(trx, input.round);
    const row = await lockObjection(trx, round.id, input.uscc);
    if (!row) throw new DomainError('NOT_FOUND', `${round.code} 没有统一社会信用代码为 ${input.uscc} 的企业提出的异议。`);
    if (row.decision) throw new DomainError('ROUND_STATE', `该异议已于 ${row.decidedAt ? isoDateCst(row.decidedAt) : ''} 作出决定（${row.decision === 'upheld' ? '成立' : '不成立'}），不能重复决定。`);
    const at = ctx.now();
    await setObjectionDecision(trx, row.id, { decision: input.decision, reason, decidedBy: ctx.actor, decidedAt: at });
    await appendAudit(trx, {
      actor: ctx.actor,
      action: 'objection.decide',
      entity: 'objection',
      entityId: `${round.code}/${input.uscc}`,
      before: { decision: null },
      after: { decision: input.decision },
      reason,
    });
    return toObjection({ ...row, roundCode: round.code, decision: input.decision, decisionReason: reason, decidedBy: ctx.actor, decidedAt: at }, isoDateCst(at));
  });
}
