/**
 * A half-year round (SPEC §5): inputs → each firm's source scores (§5.1, regulator per §4), the
 * composite (§5.2) under the missing-source policy (§5.3), published half-up scores (§5.4), survey
 * sufficiency (§5.5), then ranking and the lists (§5.4, 5.6–5.8, 5.11) with explanations (§5.12).
 * Pure and synchronous: the same input gives the same result in any order.
 */
import { type Exact, type FirmInput, type Flag, type MissingSource, type RoundInput, type RoundResult, type Source, SOURCES } from './types';
import { type Rules } from './rules';
import { type ScoredFirm } from './standing';
import { firmResidentScore } from './resident-score';
import { firmStreetScore } from './street-score';
import { regulatorScore } from './regulator-score';
import { compositeScore, weightsLabel } from './composite';
import { type MissingTreatment, missingSourcesError, missingTreatment } from './missing-sources';
import { roundHalfUpToHundredths, formatExact } from './rounding';
import { requiredResponses } from './survey-sufficiency';
import { complaintsPer1000 } from './complaints';
import { placeLists } from './place-lists';
import { validateRoundInput } from './round-input-validation';
import { exactString } from './exact';
import { SOURCE_LABELS, compareText, fire, input } from './explanation';
import { say } from './wording';

export interface ComputeOptions {
  rulesHash: string;
  /** Under `block`, compute anyway: firms missing a source are renormalized and flagged `forced`. */
  force?: boolean;
}

export function computeRound(roundInput: RoundInput, rules: Rules, opts: ComputeOptions): RoundResult {
  validateRoundInput(roundInput);
  const active = roundInput.firms.filter((f) => f.status !== 'disqualified');
  const sourced = active.map((firm) => ({ firm, ...sourceScores(firm, rules) }));

  const missing: MissingSource[] = sourced
    .filter((s) => s.missing.length > 0)
    .map((s) => ({ uscc: s.firm.uscc, name: s.firm.name, sources: s.missing }))
    .sort((a, b) => compareText(a.uscc, b.uscc));
  if (rules.missingSource === 'block' && missing.length > 0 && opts.force !== true) throw missingSourcesError(missing);

  const scored = sourced.map((s) => scoreFirm(s, rules, missingTreatment(s.missing, rules.missingSource, opts.force === true)));
  const placement = placeLists(scored, rules);
  return {
    roundCode: roundInput.roundCode,
    kind: 'half',
    rulesHash: opts.rulesHash,
    firms: placement.firms,
    ranked: placement.ranked,
    sliceSize: placement.sliceSize,
    blackSliceSize: placement.blackSliceSize,
  };
}

type SourceScoresOf = ReturnType<typeof sourceScores>;

function sourceScores(firm: FirmInput, rules: Rules) {
  const resident = firmResidentScore(firm.projects);
  const street = firmStreetScore(firm.projects);
  const regulator = regulatorScore(firm.regulator, rules.deductions, firm.uscc);
  const exactScores = { resident: resident.score, regulator: regulator.score, street: street.score };
  const missing: Source[] = SOURCES.filter((s) => exactScores[s] === null);
  return { resident, street, regulator, exactScores, missing };
}

function scoreFirm(s: SourceScoresOf & { firm: FirmInput }, rules: Rules, treatment: MissingTreatment): ScoredFirm {
  const { firm, resident, street, regulator, exactScores, missing } = s;
  const flags = new Set<Flag>();
  const firings: ScoredFirm['rules'] = [];
  const notes: string[] = [];
  const inputs = [...resident.inputs, ...regulator.inputs, ...street.inputs];

  // §5.1 household-weighted means
  if (resident.score !== null) {
    firings.push(fire('5.1', 'household_weighted_mean', say('resident_mean', formatExact(resident.score))));
  }
  if (street.score !== null) {
    firings.push(fire('5.1', 'household_weighted_mean', say('street_mean', formatExact(street.score))));
  }
  if (resident.incomplete) {
    flags.add('incomplete_resident');
    firings.push(fire('5.1', 'incomplete_resident', '部分项目缺少居民评分，按有评分的项目户数加权'));
  }
  if (street.incomplete) {
    flags.add('incomplete_street');
    firings.push(fire('5.1', 'incomplete_street', '部分项目缺少街道评分，按有评分的项目户数加权'));
  }

  // §5.3 missing sources, §5.2 composite
  const missingLabel = missing.map((m) => SOURCE_LABELS[m]).join('、');
  let composite: Exact | null = null;
  if (treatment === 'exclude') {
    flags.add('excluded');
    firings.push(fire('5.3', 'missing_source_excluded', say('missing_excluded', missing)));
    notes.push(`缺少${missingLabel}，按规则不参与排名`);
  } else {
    composite = compositeScore(exactScores, rules.weights);
    const used = SOURCES.filter((src) => exactScores[src] !== null);
    if (treatment === 'renormalize' || treatment === 'forced') {
      flags.add('renormalized');
      if (treatment === 'forced') flags.add('forced');
      const how = treatment === 'forced' ? '经强制计算，' : '';
      const code = treatment === 'forced' ? 'missing_source_forced' : 'missing_source_renormalized';
      firings.push(fire('5.3', code, say('missing_renormalized', missing, treatment === 'forced', weightsLabel(rules.weights, used))));
      notes.push(`缺少${missingLabel}，${how}综合得分按其余来源重新归一计算`);
    }
    if (composite === null) {
      flags.add('excluded');
      firings.push(fire('5.3', 'missing_source_excluded', '没有任何评分来源，不参与排名'));
    } else {
      firings.push(fire('5.2', 'composite_weighted', say('composite_weighted', used, weightsLabel(rules.weights, used))));
      firings.push(fire('5.4', 'half_up', say('half_up', exactString(composite), formatExact(composite))));
    }
  }

  // events and follow-up
  const events = [...firm.events].sort((a, b) => compareText(a.date, b.date) || compareText(a.type, b.type));
  const vetoEvents = events.filter((e) => e.veto).map((e) => e.type);
  const seriousEvents = events.filter((e) => !e.veto && e.severity === 'serious').map((e) => e.type);
  for (const e of events) {
    const kind = e.veto ? 'veto' : e.severity === 'serious' ? 'serious' : 'general';
    inputs.push(input('event', say('event', e.date, e.type, e.projectCode), say('event_kind', kind, e.note)));
  }
  if (vetoEvents.length > 0) flags.add('veto');
  if (seriousEvents.length > 0) flags.add('serious_violation');
  if (firm.rectification.open) {
    flags.add('open_rectification');
    inputs.push(input('rectification', '整改', '有未完成的整改'));
  }
  if (firm.rectification.unrectified) {
    flags.add('unrectified');
    inputs.push(input('rectification', '整改', '整改未通过或逾期'));
  }

  // complaints
  const households = firm.projects.reduce((acc, p) => acc + p.households, 0);
  const complaints = firm.projects.reduce((acc, p) => acc + p.complaints, 0);
  const rate = complaintsPer1000(complaints, households);
  for (const p of firm.projects) {
    if (p.complaints > 0) inputs.push(input('complaints', say('project', p.code, p.name), say('complaints', p.complaints)));
  }
  if (rate !== null) inputs.push(input('complaints', '合计', say('complaints_total', complaints, households, formatExact(rate))));

  // §5.5 survey sufficiency over all the firm's households
  const required = households > 0 ? requiredResponses(households, rules.survey) : null;
  if (required !== null) {
    if (resident.responses < required) {
      flags.add('insufficient_sample');
      firings.push(fire('5.5', 'insufficient_sample', say('sample_insufficient', households, required, resident.responses)));
    } else {
      firings.push(fire('5.5', 'sample_sufficient', say('sample_sufficient', households, required, resident.responses)));
    }
  }

  const published = composite === null ? null : roundHalfUpToHundredths(composite);
  if (published !== null && flags.has('excluded')) flags.delete('excluded');
  return {
    uscc: firm.uscc,
    name: firm.name,
    composite,
    published,
    scores: {
      resident: resident.score === null ? null : roundHalfUpToHundredths(resident.score),
      regulator: regulator.score === null ? null : roundHalfUpToHundredths(regulator.score),
      street: street.score === null ? null : roundHalfUpToHundredths(street.score),
    },
    complaintsPer1000: rate,
    households,
    complaints,
    responses: resident.responses,
    requiredResponses: required,
    flags,
    vetoEvents,
    seriousEvents,
    inputs,
    rules: firings,
    reasons: [],
    notes,
  };
}
