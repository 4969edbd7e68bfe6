/**
 * The round lifecycle of SPEC §3: draft → open → closed → computed → publicized → published.
 * Each step is one transaction holding the round's row lock, checks the state it starts from, and
 * writes an audit record. A refused step is a DomainError of kind `workflow` (exit 3, HTTP 409).
 */
import type { Knex } from 'knex';
import { DomainError } from '../domain/errors';
import type { RoundKind, RoundResult, RoundStatus } from '../domain/types';
import { computeRound as computeHalfYear } from '../domain/compute-round';
import { computeAnnualRound } from '../domain/annual';
import { parseRules, defaultRules, rulesHash } from '../rules';

import type { Rules } from '../domain/rules';
import { appendAudit } from '../db/audit';
import { getRound, insertRound, listRoundRecords, setRoundStatus, snapshotRound, findRound, type RoundRecord } from '../db/rounds-repo';
import { latestComputation, saveComputation } from '../db/results-repo';
import { loadRoundInput } from '../db/round-input';
import { roundCompleteness, roundFormConflicts } from '../db/completeness';
import { type ScoreGaps, scoreGaps } from '../domain/score-gaps';
import { requiredResponses } from '../domain/survey-sufficiency';
import { loadAnnualInput } from '../db/annual-input';
import { publishConsequences } from './consequences';
import { pendingObjectionCount } from '../db/objections-repo';
import { analyzeRoundInput } from '../db/entries-repo';
import { projectsMixingOnlineAndFiles } from '../db/survey-codes-repo';
import { readRulesFile } from './rules-file';
import { compareComputations, type ResultChange } from '../domain/result-changes';
import { parseRoundCode, halfYearCodes } from '../domain/round-code';
import { type RoundStep, transition } from '../domain/round-lifecycle';
import { addDays } from '../domain/dates';
import { countLists } from '../domain/list-counts';
import { type AppContext, isoDateCst } from './context';
import { CHANGE_WORDS, statusLabel } from './labels';

export interface RoundSummary {
  code: string;
  kind: RoundKind;
  status: RoundStatus;
  rulesHash: string;
  noticeEndsOn: string | null;
}

const summary = (r: RoundRecord): RoundSummary => ({ code: r.code, kind: r.kind, status: r.status, rulesHash: r.rulesHash, noticeEndsOn: r.noticeEndsOn });

export function roundRules(round: RoundRecord): Rules {
  return parseRules(round.rules);
}

function refuse(round: RoundRecord, action: string, allowed: readonly RoundStatus[]): never {
  throw new DomainError(
    'ROUND_STATE',
    `评价周期 ${round.code} 当前状态为「${statusLabel(round.status)}」，不能${action}（需要处于「${allowed.map(statusLabel).join('」或「')}」状态）。`,
    { status: round.status, allowed: [...allowed] },
  );
}

/** One lifecycle step: refused unless the round's status is one the transition table allows it from. */
async function step<T>(ctx: AppContext, code: string, name: RoundStep, fn: (trx: Knex.Transaction, round: RoundRecord) => Promise<T>): Promise<T> {
  const { label, from } = transition(name);
  return ctx.knex.transaction(async (trx) => {
    const round = await getRound(trx, code, { forUpdate: true });
    if (!from.includes(round.status)) refuse(round, label, from);
    return fn(trx, round);
  });
}

export async function createRound(ctx: AppContext, input: { code: string; rulesFile?: string | undefined; rules?: unknown }): Promise<RoundSummary> {
  const { kind } = parseRoundCode(input.code);
  let rules: Rules;
  if (input.rulesFile) {
    rules = await readRulesFile(input.rulesFile);
  } else {
    rules = input.rules === undefined ? defaultRules() : parseRules(input.rules);
  }
  return ctx.knex.transaction(async (trx) => {
    if (await findRound(trx, input.code)) throw new DomainError('ALREADY_EXISTS', `评价周期 ${input.code} 已存在。`);
    if (kind === 'annual') {
      for (const half of halfYearCodes(input.code)) {
        const h = await findRound(trx, half);
        if (!h || h.status !== 'published') {
          throw new DomainError('ROUND_STATE', `年度综合评价 ${input.code} 由两个半年度结果生成：${half} ${h ? `当前为「${statusLabel(h.status)}」` : '不存在'}，须先发布。`);
        }
      }
    }
    const round = await insertRound(trx, { code: input.code, kind, rules, rulesHash: rulesHash(rules), createdBy: ctx.actor, at: ctx.now() });
    await appendAudit(trx, { actor: ctx.actor, action: 'round.create', entity: 'round', entityId: input.code, after: { kind, rulesHash: round.rulesHash } });
    return summary(round);
  });
}

export async function openRound(ctx: AppContext, code: string): Promise<{ firms: number; projects: number }> {
  return step(ctx, code, 'open', async (trx, round) => {
    const counts = round.kind === 'half' ? await snapshotRound(trx, round.id) : { firms: 0, projects: 0 };
    await setRoundStatus(trx, round.id, 'open', ctx.now());
    await appendAudit(trx, { actor: ctx.actor, action: 'round.open', entity: 'round', entityId: code, before: { status: round.status }, after: { status: 'open', ...counts } });
    return counts;
  });
}

/** A firm short of the valid survey responses SPEC §5.5 requires (flagged `insufficient_sample` by compute). */
export interface SampleShortfall {
  uscc: string;
  name: string;
  households: number;
  /** Valid responses, counted as the engine counts them. */
  responses: number;
  required: number;
}

export interface CompletenessSummary {
  round: string;
  /** Chinese sentences, one per problem; empty when complete. */
  problems: string[];
  /**
   * Survey sufficiency by the engine's own rule (§5.5) under the round's rules: the firms short of
   * their required sample (null for a year-end round, which has no survey of its own).
   */
  insufficientSample: SampleShortfall[] | null;
  /** The raw report for pages and JSON output. */
  detail: unknown;
}

/** How many of a long list a sentence names before it gives the count. */
const LISTED = 20;

const listed = <T>(list: readonly T[], show: (x: T) => string, total = list.length, unit = '个'): string =>
  list.slice(0, LISTED).map(show).join('、') + (total > LISTED ? ` 等 ${total} ${unit}` : '');

async function completenessOf(db: Knex | Knex.Transaction, round: RoundRecord): Promise<CompletenessSummary> {
  if (round.kind === 'annual') return { round: round.code, problems: [], insufficientSample: null, detail: null };
  const c = await roundCompleteness(db, round.id);
  const problems: string[] = [];
  const names = (list: { code?: string; uscc?: string; name: string }[]) => listed(list, (x) => `${x.name}（${x.code ?? x.uscc}）`);
  if (c.projectsWithoutStreetScore.length) problems.push(`${c.projectsWithoutStreetScore.length} 个项目缺少街道评分：${names(c.projectsWithoutStreetScore)}`);
  if (c.projectsWithoutResident.length) problems.push(`${c.projectsWithoutResident.length} 个项目缺少居民评分：${names(c.projectsWithoutResident)}`);
  if (c.projectsWithBothResidentForms.length) problems.push(`${c.projectsWithBothResidentForms.length} 个项目同时有逐户问卷和汇总问卷，须删去其一：${names(c.projectsWithBothResidentForms)}`);
  const mixed = await projectsMixingOnlineAndFiles(db, round.id);
  if (mixed.length) problems.push(`${mixed.length} 个项目同时有网上作答（按户序号）和文件导入的逐户问卷，户序号与户号无法对应，须只保留一种来源（或按户号名册重新发放户码）：${names(mixed)}`);
  if (c.firmsWithoutRegulator.length) problems.push(`${c.firmsWithoutRegulator.length} 家企业缺少行管评分：${names(c.firmsWithoutRegulator)}`);
  if (c.firmsWithBothRegulatorForms.length) problems.push(`${c.firmsWithBothRegulatorForms.length} 家企业同时有部门评分和扣分表，须删去其一：${names(c.firmsWithBothRegulatorForms)}`);
  // The same rule, on the same counts, as compute's insufficient_sample (a firm with no household needs none).
  const survey = roundRules(round).survey;
  const insufficientSample: SampleShortfall[] = [];
  for (const f of c.firms) {
    if (f.disqualified || f.households <= 0) continue;
    const required = requiredResponses(f.households, survey);
    if (f.responses < required) insufficientSample.push({ uscc: f.uscc, name: f.name, households: f.households, responses: f.responses, required });
  }
  return { round: round.code, problems, insufficientSample, detail: c };
}

/** One line per firm short of its sample: 有效问卷 x 份 / 需 y 份. */
export function sampleShortfallText(s: SampleShortfall): string {
  return `${s.name}（${s.uscc}）：有效问卷 ${s.responses} 份 / 需 ${s.required} 份（${s.households} 户）`;
}

/**
 * A half year where one project or firm has both forms of a score (the close's completeness report
 * lists them) is refused before its inputs are read, by compute (`须先处理`) and by the what-if (`不能试算`).
 */
export async function refuseFormConflicts(trx: Knex.Transaction, round: RoundRecord, refusal: '须先处理' | '不能试算'): Promise<void> {
  if (round.kind === 'annual') return;
  const conflicts = await roundFormConflicts(trx, round.id);
  const both = conflicts.projectsWithBothResidentForms.length + conflicts.firmsWithBothRegulatorForms.length;
  if (both > 0) throw new DomainError('INPUT_INVALID', `${round.code} 有 ${both} 处同一项目或企业录入了两种形式的评分，${refusal}（见 hhb rounds close 的完整性报告）。`, conflicts);
}

/** The compute refusal of SPEC §5.3 `block`: which projects and firms still lack a score. */
function scoreGapsError(code: string, gaps: ScoreGaps): DomainError {
  const parts: string[] = [];
  if (gaps.projects > 0) {
    const what = (p: ScoreGaps['projectList'][number]) =>
      `${p.name}（${p.code}，${p.firmName}）缺少${[p.withoutStreetScore ? '街道评分' : null, p.withoutResident ? '居民评分' : null].filter(Boolean).join('和')}`;
    const counts = [gaps.projectsWithoutStreetScore ? `缺街道评分 ${gaps.projectsWithoutStreetScore} 个` : null, gaps.projectsWithoutResident ? `缺居民评分 ${gaps.projectsWithoutResident} 个` : null].filter(Boolean).join('，');
    parts.push(`${gaps.projects} 个项目缺少评分（${counts}）：${listed(gaps.projectList, what, gaps.projects)}`);
  }
  if (gaps.firms > 0) parts.push(`${gaps.firms} 家企业缺少行管评分：${listed(gaps.firmList, (f) => `${f.name}（${f.uscc}）`, gaps.firms, '家')}`);
  return new DomainError(
    'MISSING_SOURCES',
    `${code} 还有评分未录入，按规则（缺少评分时阻止计算）不能计算。请补齐后再计算，或强制计算（hhb rounds compute ${code} --force：企业得分只用已评分的项目并标记「强制计算」，记入审计日志）。${parts.join('；')}。`,
    { projects: gaps.projects, projectsWithoutStreetScore: gaps.projectsWithoutStreetScore, projectsWithoutResident: gaps.projectsWithoutResident, firms: gaps.firms, projectList: gaps.projectList, firmList: gaps.firmList },
  );
}

export async function closeRound(ctx: AppContext, code: string): Promise<CompletenessSummary> {
  return step(ctx, code, 'close', async (trx, round) => {
    await setRoundStatus(trx, round.id, 'closed', ctx.now());
    // Imports just loaded these tables: fresh statistics keep the planner off nested loops over them.
    await analyzeRoundInput(trx);
    await appendAudit(trx, { actor: ctx.actor, action: 'round.close', entity: 'round', entityId: code, before: { status: 'open' }, after: { status: 'closed' } });
    return completenessOf(trx, round);
  });
}

export async function roundCompletenessReport(ctx: AppContext, code: string): Promise<CompletenessSummary> {
  return completenessOf(ctx.knex, await getRound(ctx.knex, code));
}

export async function computeRound(
  ctx: AppContext,
  code: string,
  /** onPhaseEnd: told as each part of the compute ends (the province benchmark times them). */
  opts: { force: boolean; onPhaseEnd?: (phase: 'read' | 'engine' | 'store') => void },
): Promise<{ computation: number; result: RoundResult; changes: ResultChange[] | null }> {
  const phaseEnd = opts.onPhaseEnd ?? ((): void => {});
  return step(ctx, code, 'compute', async (trx, round) => {
    const rules = roundRules(round);
    let result: RoundResult;
    let forcedPast: Record<string, number> | null = null;
    if (round.kind === 'annual') {
      const input = await loadAnnualInput(trx, round.code, isoDateCst(ctx.now()));
      phaseEnd('read');
      result = computeAnnualRound(input, rules, { rulesHash: round.rulesHash });
    } else {
      await refuseFormConflicts(trx, round, '须先处理');
      const input = await loadRoundInput(trx, round.id, { asOf: isoDateCst(ctx.now()) });
      // SPEC §5.3 `block`: no compute while a ranked firm's project lacks a score, unless forced (the
      // count of what was forced past goes to the audit record).
      if (rules.missingSource === 'block') {
        const gaps = scoreGaps(input);
        if (gaps.projects + gaps.firms > 0) {
          if (!opts.force) throw scoreGapsError(code, gaps);
          forcedPast = { projects: gaps.projects, projectsWithoutStreetScore: gaps.projectsWithoutStreetScore, projectsWithoutResident: gaps.projectsWithoutResident, firms: gaps.firms };
        }
      }
      phaseEnd('read');
      result = computeHalfYear(input, rules, { rulesHash: round.rulesHash, force: opts.force });
    }
    phaseEnd('engine');
    const previous = await latestComputation(trx, round.id, { explanations: false });
    const changes = previous ? compareComputations(previous.firms, result.firms, CHANGE_WORDS) : null;
    const number = await saveComputation(trx, round.id, result, { forced: opts.force, createdBy: ctx.actor, at: ctx.now(), rules });
    await setRoundStatus(trx, round.id, 'computed', ctx.now());
    const counts = countLists(result.firms);
    await appendAudit(trx, {
      actor: ctx.actor,
      action: 'round.compute',
      entity: 'round',
      entityId: code,
      before: { status: round.status },
      after: { status: 'computed', computation: number, forced: opts.force, forcedPast, ranked: result.ranked, ...counts, changed: changes?.map((c) => c.text) ?? null },
    });
    phaseEnd('store');
    return { computation: number, result, changes };
  });
}

export async function publicizeRound(ctx: AppContext, code: string, opts: { days: string | number }): Promise<{ noticeEndsOn: string }> {
  const days = Number(opts.days);
  if (!Number.isInteger(days) || days < 1 || days > 60) throw new DomainError('INPUT_INVALID', `公示天数「${opts.days}」无效：应为 1 到 60 之间的整数。`);
  return step(ctx, code, 'publicize', async (trx, round) => {
    const noticeEndsOn = addDays(isoDateCst(ctx.now()), days);
    await setRoundStatus(trx, round.id, 'publicized', ctx.now(), { noticeEndsOn });
    await appendAudit(trx, { actor: ctx.actor, action: 'round.publicize', entity: 'round', entityId: code, before: { status: 'computed' }, after: { status: 'publicized', noticeEndsOn } });
    return { noticeEndsOn };
  });
}

export async function publishRound(
  ctx: AppContext,
  code: string,
  opts: { early: boolean; reason?: string | undefined },
): Promise<{ certificates: number; rectifications: number; interviews: number; proposals: number }> {
  return step(ctx, code, 'publish', async (trx, round) => {
    const today = isoDateCst(ctx.now());
    if (round.noticeEndsOn && today < round.noticeEndsOn) {
      if (!opts.early) throw new DomainError('ROUND_STATE', `${code} 的公示期至 ${round.noticeEndsOn} 才结束，不能发布；如确需提前发布，请用 --now 并以 --reason 写明理由。`);
      if (!opts.reason?.trim()) throw new DomainError('INPUT_INVALID', '提前发布须用 --reason 写明理由。');
    }
    const n = await pendingObjectionCount(trx, round.id);
    if (n > 0) throw new DomainError('OBJECTION_PENDING', `${code} 还有 ${n} 件异议未作出决定，不能发布。`);
    const computation = await latestComputation(trx, round.id, { explanations: false });
    if (!computation) throw new DomainError('ROUND_STATE', `${code} 尚无计算结果。`);
    const consequences = await publishConsequences(trx, round, computation.firms, today);
    await setRoundStatus(trx, round.id, 'published', ctx.now());
    await appendAudit(trx, {
      actor: ctx.actor,
      action: 'round.publish',
      entity: 'round',
      entityId: code,
      before: { status: 'publicized' },
      after: { status: 'published', computation: computation.number, ...consequences },
      reason: opts.early ? (opts.reason ?? null) : null,
    });
    return consequences;
  });
}

export async function reopenRound(ctx: AppContext, code: string, reason: string): Promise<void> {
  if (!reason.trim()) throw new DomainError('INPUT_INVALID', '重开评价周期须写明理由。');
  await step(ctx, code, 'reopen', async (trx, round) => {
    await setRoundStatus(trx, round.id, 'open', ctx.now(), { noticeEndsOn: null });
    await appendAudit(trx, { actor: ctx.actor, action: 'round.reopen', entity: 'round', entityId: code, before: { status: round.status }, after: { status: 'open' }, reason });
  });
}

/** A round's status (who may read what depends on it); ROUND_NOT_FOUND when there is no such round. */
export async function roundStatus(ctx: AppContext, code: string): Promise<RoundStatus> {
  return (await getRound(ctx.knex, code)).status;
}

export async function listRounds(ctx: AppContext): Promise<RoundSummary[]> {
  return (await listRoundRecords(ctx.knex)).map(summary);
}
