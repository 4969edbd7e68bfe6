/**
 * 试算 (SPEC §11): a closed or computed round computed under other rules, stored nowhere. The
 * inputs are read in one read-only, repeatable-read transaction (the database refuses any write in
 * it), no audit row is written, and the answer sets the simulated result side by side with what it
 * is compared to:
 * - a computed round: its latest stored computation, with the inputs judged on the day that
 *   computation was made (open or overdue rectifications depend on the day), so that the round's
 *   own rules simulate to no change;
 * - a closed round: the round's own rules on today's inputs, computed the same way and not stored
 *   (an earlier computation, from before the round was reopened, may rest on other inputs).
 */
import type { Knex } from 'knex';
import { DomainError } from '../domain/errors';
import type { Rules } from '../domain/rules';
import type { AnnualRoundInput, RoundInput, RoundResult, RoundStatus } from '../domain/types';
import { computeRound as computeHalfYear } from '../domain/compute-round';
import { computeAnnualRound } from '../domain/annual';
import { type ListCounts, countLists } from '../domain/list-counts';
import { type WhatIfChange, compareWhatIf } from '../domain/what-if';
import { sliceSize as sliceSizeOf } from '../domain/rounding';
import { scoreGaps } from '../domain/score-gaps';
import { parseRules, rulesHash } from '../rules';
import { type RulesDifference, rulesDifferences } from '../rules/rules-diff';
import { getRound, type RoundRecord } from '../db/rounds-repo';
import { latestComputation } from '../db/results-repo';
import { loadRoundInput } from '../db/round-input';
import { loadAnnualInput } from '../db/annual-input';
import { readOnlySnapshot } from '../db/transactions';
import { type AppContext, isoDateCst } from './context';
import { CHANGE_WORDS, statusLabel } from './labels';
import { refuseFormConflicts, roundRules } from './rounds';
import { readRulesFile } from './rules-file';

/** The states a round can be simulated in: its inputs are final (closed) or computed from them. */
export const SIMULATABLE: readonly RoundStatus[] = ['closed', 'computed'];

export interface SimulationSide {
  rulesHash: string;
  ranked: number;
  sliceSize: number;
  blackSliceSize: number;
  lists: ListCounts;
}

export interface Simulation {
  round: string;
  status: RoundStatus;
  /** What the simulation is compared to: the latest stored computation (its number), or the round's own rules computed now. */
  baseline: SimulationSide & { computation: number | null };
  simulated: SimulationSide;
  /** The simulated rules are the round's own (same hash). */
  sameRules: boolean;
  /** Where the simulated rules differ from the round's, key by key. */
  ruleChanges: RulesDifference[];
  /** The date open and overdue rectifications were judged on (yyyy-mm-dd, China time). */
  asOf: string;
  /** Computed as a forced compute would (firms missing a source use the remaining ones, flagged). */
  forced: boolean;
  /** Firms whose rank or list would change, in the simulated order. */
  changes: WhatIfChange[];
  /** Firms whose published composite would change, rank and list unchanged. */
  compositeOnly: number;
}

export type SimulateInput = { rulesFile: string; force?: boolean } | { rules: unknown; force?: boolean };

const sideOf = (result: Pick<RoundResult, 'ranked' | 'sliceSize' | 'blackSliceSize' | 'firms'>, hash: string): SimulationSide => ({
  rulesHash: hash,
  ranked: result.ranked,
  sliceSize: result.sliceSize,
  blackSliceSize: result.blackSliceSize,
  lists: countLists(result.firms),
});

/** A round's engine input, read once in the simulation's transaction and run under each set of rules. */
type RoundInputs = { kind: 'annual'; annual: AnnualRoundInput } | { kind: 'half'; input: RoundInput };

async function loadInputs(trx: Knex.Transaction, round: RoundRecord, asOf: string): Promise<RoundInputs> {
  if (round.kind === 'annual') return { kind: 'annual', annual: await loadAnnualInput(trx, round.code, asOf) };
  return { kind: 'half', input: await loadRoundInput(trx, round.id, { asOf }) };
}

/** One engine run on the round's inputs (nothing stored). */
function run(inputs: RoundInputs, rules: Rules, force: boolean): RoundResult {
  const hash = rulesHash(rules);
  if (inputs.kind === 'annual') return computeAnnualRound(inputs.annual, rules, { rulesHash: hash });
  return computeHalfYear(inputs.input, rules, { rulesHash: hash, force });
}

/** The missing scores `hhb rounds compute` refuses for, for rules that block on them, read off the loaded input as it does. */
function refuseScoreGaps(round: RoundRecord, inputs: RoundInputs, rules: readonly Rules[], force: boolean): void {
  if (inputs.kind === 'annual' || force || !rules.some((r) => r.missingSource === 'block')) return;
  const gaps = scoreGaps(inputs.input);
  if (gaps.projects + gaps.firms === 0) return;
  throw new DomainError(
    'MISSING_SOURCES',
    `${round.code} 还有 ${gaps.projects} 个项目缺少街道或居民评分、${gaps.firms} 家企业缺少行管评分，按规则（缺少评分时阻止计算）不能试算；可加 --force 按强制计算的方式试算。`,
    { projects: gaps.projects, firms: gaps.firms, projectList: gaps.projectList, firmList: gaps.firmList },
  );
}

export async function simulateRound(ctx: AppContext, code: string, input: SimulateInput): Promise<Simulation> {
  // The rules are checked before the database is read: a bad document is refused naming its key.
  const rules = 'rulesFile' in input ? await readRulesFile(input.rulesFile) : parseRules(input.rules);
  return ctx.knex.transaction(async (trx) => {
    await readOnlySnapshot(trx);
    const round = await getRound(trx, code);
    if (!SIMULATABLE.includes(round.status)) {
      throw new DomainError(
        'ROUND_STATE',
        `评价周期 ${code} 当前状态为「${statusLabel(round.status)}」，不能试算（需要处于「${SIMULATABLE.map(statusLabel).join('」或「')}」状态：录入已停止、结果尚未公示）。`,
        { status: round.status, allowed: [...SIMULATABLE] },
      );
    }
    const own = roundRules(round);
    const stored = round.status === 'computed' ? await latestComputation(trx, round.id) : null;
    const force = input.force === true || (stored?.forced ?? false);
    const asOf = isoDateCst(stored ? stored.createdAt : ctx.now());
    await refuseFormConflicts(trx, round, '不能试算');
    const inputs = await loadInputs(trx, round, asOf);
    refuseScoreGaps(round, inputs, stored ? [rules] : [own, rules], force);

    const simulated = run(inputs, rules, force);
    let baseline: Simulation['baseline'];
    let before = stored?.firms;
    if (stored) {
      const ranked = stored.placement?.ranked ?? stored.firms.filter((f) => f.rank !== null).length;
      // A computation stored before the slice sizes were kept: derived from the round's frozen rules, as reports do.
      const placement = stored.placement ?? { ranked, sliceSize: sliceSizeOf(ranked, own.red.share, own.rounding), blackSliceSize: sliceSizeOf(ranked, own.black.share, own.rounding) };
      baseline = { ...sideOf({ ...placement, firms: stored.firms }, stored.rulesHash), computation: stored.number };
    } else {
      const mine = run(inputs, own, force);
      before = mine.firms;
      baseline = { ...sideOf(mine, round.rulesHash), computation: null };
    }
    const { changes, compositeOnly } = compareWhatIf(before ?? [], simulated.firms, CHANGE_WORDS);
    const hash = rulesHash(rules);
    return {
      round: round.code,
      status: round.status,
      baseline,
      simulated: sideOf(simulated, hash),
      sameRules: hash === round.rulesHash,
      ruleChanges: rulesDifferences(own, rules),
      asOf,
      forced: force,
      changes,
      compositeOnly,
    };
  });
}

/** The rules a round froze when it was created, as the document a person edits for a what-if. */
export async function roundRulesDocument(ctx: AppContext, code: string): Promise<{ round: string; rulesHash: string; rules: Rules }> {
  const round = await getRound(ctx.knex, code);
  return { round: round.code, rulesHash: round.rulesHash, rules: roundRules(round) };
}

const points = (h: number | null): number | null => (h === null ? null : h / 100);

/** A what-if for JSON (`hhb rounds simulate --json`, the API): composites as numbers of at most 2 decimals, as in `hhb results --json`. */
export function toSimulationJson(s: Simulation) {
  return { ...s, changes: s.changes.map((c) => ({ ...c, compositeBefore: points(c.compositeBefore), compositeAfter: points(c.compositeAfter) })) };
}
