import { DomainError } from '../domain/errors';
import { formatExact } from '../domain/rounding';
import { renderExplanation } from '../domain/explanation';
import type { Explanation, FirmResult, RoundStatus } from '../domain/types';
import { getRound } from '../db/rounds-repo';
import { latestComputation, latestFirmResult } from '../db/results-repo';
import type { AppContext } from './context';

/** A round's latest results: the firms without their explanations (see explainFirm). */
export interface RoundResultsView {
  round: string;
  status: RoundStatus;
  rulesHash: string;
  computation: number;
  firms: FirmResult[];
}

/** One firm's result with its explanation worded for a reader. */
export type ExplainedFirm = Omit<FirmResult, 'explanation'> & { explanation: Explanation };

/** A round without a computation yet: what to run first. */
export function notComputed(round: { code: string; status: string }): DomainError {
  return new DomainError('ROUND_STATE', `评价周期 ${round.code} 尚未计算（当前状态：${round.status}）。先运行 hhb rounds close ${round.code} 和 hhb rounds compute ${round.code}。`);
}

export async function getRoundResults(ctx: AppContext, code: string): Promise<RoundResultsView> {
  const round = await getRound(ctx.knex, code);
  const computation = await latestComputation(ctx.knex, round.id, { explanations: false });
  if (!computation) {
    throw notComputed(round);
  }
  return { round: round.code, status: round.status, rulesHash: computation.rulesHash, computation: computation.number, firms: computation.firms };
}

/** One firm's result in a round's latest computation, its explanation worded (SPEC §5.12). */
export async function explainFirm(ctx: AppContext, code: string, uscc: string): Promise<ExplainedFirm> {
  const round = await getRound(ctx.knex, code);
  const latest = await latestFirmResult(ctx.knex, round.id, uscc.trim().toUpperCase());
  if (!latest) throw notComputed(round);
  const firm = latest.firm;
  if (!firm) throw new DomainError('FIRM_NOT_FOUND', `评价周期 ${code} 的结果中没有统一社会信用代码为 ${uscc} 的企业。`);
  return { ...firm, explanation: renderExplanation(firm.explanation) };
}

/** Hundredths → a JSON number with at most 2 decimals (85.4 for 8540). */
const toNumber = (h: number | null): number | null => (h === null ? null : h / 100);

/** The documented `hhb results --json` shape (SPEC §7), firms in rank order. */
export function toResultsJson(view: RoundResultsView) {
  return {
    round: view.round,
    status: view.status,
    rulesHash: view.rulesHash,
    firms: view.firms.map((f) => ({
      uscc: f.uscc,
      name: f.name,
      rank: f.rank,
      composite: toNumber(f.composite),
      scores: { resident: toNumber(f.scores.resident), regulator: toNumber(f.scores.regulator), street: toNumber(f.scores.street) },
      list: f.list,
      flags: f.flags,
      reasons: f.reasons,
    })),
  };
}

/** One firm's whole result for JSON (API and `hhb explain --json`): scores as numbers of at most 2 decimals, exact values as strings. */
export function toFirmJson(f: ExplainedFirm) {
  return {
    uscc: f.uscc,
    name: f.name,
    rank: f.rank,
    composite: toNumber(f.composite),
    compositeExact: f.compositeExact,
    scores: { resident: toNumber(f.scores.resident), regulator: toNumber(f.scores.regulator), street: toNumber(f.scores.street) },
    households: f.households,
    complaints: f.complaints,
    complaintsPer1000: f.complaintsPer1000 === null ? null : formatExact(f.complaintsPer1000),
    responses: f.responses,
    requiredResponses: f.requiredResponses,
    grade: f.grade,
    list: f.list,
    flags: f.flags,
    reasons: f.reasons,
    explanation: f.explanation,
  };
}
