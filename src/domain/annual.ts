/**
 * SPEC §5.10 year-end comprehensive round (`YYYY-Y`): composite = weighted mean (default 1:1) of the
 * two halves' published composites, exact, then half-up; source scores likewise. A firm present in
 * one half only uses that half and is flagged `single_half`. Veto, serious violation, insufficient
 * sample and unrectified carry over from either half; the firm's current rectification state applies
 * as in a half year. Then the same ranking and list rules as a half year.
 */
import { type AnnualRoundInput, type Exact, type Flag, type HalfResultInput, type Hundredths, type RoundResult, SOURCES } from './types';
import { type Rules } from './rules';
import { type ScoredFirm } from './standing';
import { DomainError } from './errors';
import { ZERO, exactString, fromDecimal, fromHundredths } from './exact';
import { formatExact, formatHundredths, roundHalfUpToHundredths } from './rounding';
import { placeLists } from './place-lists';
import { compareText, fire, input } from './explanation';
import { say } from './wording';

export interface AnnualOptions {
  rulesHash: string;
}

const CARRIED: Flag[] = ['veto', 'serious_violation', 'insufficient_sample', 'unrectified'];

interface Half {
  label: '上半年' | '下半年';
  weight: Exact;
  result: HalfResultInput;
}

export function computeAnnualRound(annual: AnnualRoundInput, rules: Rules, opts: AnnualOptions): RoundResult {
  const h1 = byUscc(annual.h1, '上半年');
  const h2 = byUscc(annual.h2, '下半年');
  const usccs = [...new Set([...h1.keys(), ...h2.keys()])].sort(compareText);
  const scored = usccs.map((uscc) => {
    const halves: Half[] = [];
    const a = h1.get(uscc);
    const b = h2.get(uscc);
    if (a !== undefined) halves.push({ label: '上半年', weight: fromDecimal(rules.annual.h1), result: a });
    if (b !== undefined) halves.push({ label: '下半年', weight: fromDecimal(rules.annual.h2), result: b });
    return scoreAnnualFirm(uscc, halves, annual.rectification[uscc] ?? { open: false, unrectified: false }, rules);
  });
  const placement = placeLists(scored, rules);
  return {
    roundCode: annual.roundCode,
    kind: 'annual',
    rulesHash: opts.rulesHash,
    firms: placement.firms,
    ranked: placement.ranked,
    sliceSize: placement.sliceSize,
    blackSliceSize: placement.blackSliceSize,
  };
}

function byUscc(results: HalfResultInput[], label: string): Map<string, HalfResultInput> {
  const map = new Map<string, HalfResultInput>();
  for (const r of results) {
    if (map.has(r.uscc)) throw new DomainError('INPUT_INVALID', `${label}成绩中企业 ${r.uscc} 重复出现`, { uscc: r.uscc, field: 'uscc' });
    if (!Number.isInteger(r.composite) || r.composite < 0 || r.composite > 10000) {
      throw new DomainError('INPUT_INVALID', `${label}成绩中企业 ${r.uscc} 的综合得分无效`, { uscc: r.uscc, field: 'composite' });
    }
    map.set(r.uscc, r);
  }
  return map;
}

/** Weighted mean of the halves that have a value; null when none has. */
function weightedMean(halves: Half[], value: (h: HalfResultInput) => Exact | null): Exact | null {
  let total = ZERO;
  let weights = ZERO;
  for (const h of halves) {
    const v = value(h.result);
    if (v === null) continue;
    total = total.add(h.weight.mul(v));
    weights = weights.add(h.weight);
  }
  return weights.equals(ZERO) ? null : total.div(weights);
}

const halfUp = (x: Exact | null): Hundredths | null => (x === null ? null : roundHalfUpToHundredths(x));

function scoreAnnualFirm(uscc: string, halves: Half[], rectification: { open: boolean; unrectified: boolean }, rules: Rules): ScoredFirm {
  const latest = halves[halves.length - 1]?.result;
  if (latest === undefined) throw new Error('internal: a year-end firm without a half');
  const composite = weightedMean(halves, (r) => fromHundredths(r.composite));
  if (composite === null) throw new Error('internal: a year-end firm without a composite');
  const scores = {
    resident: halfUp(weightedMean(halves, (r) => (r.scores.resident === null ? null : fromHundredths(r.scores.resident)))),
    regulator: halfUp(weightedMean(halves, (r) => (r.scores.regulator === null ? null : fromHundredths(r.scores.regulator)))),
    street: halfUp(weightedMean(halves, (r) => (r.scores.street === null ? null : fromHundredths(r.scores.street)))),
  };
  const rate = weightedMean(halves, (r) => r.complaintsPer1000);

  const flags = new Set<Flag>();
  const vetoEvents: string[] = [];
  const seriousEvents: string[] = [];
  const inputs: ScoredFirm['inputs'] = [];
  const firings: ScoredFirm['rules'] = [];
  for (const h of halves) {
    const r = h.result;
    for (const flag of CARRIED) if (r.flags.includes(flag)) flags.add(flag);
    if (r.flags.includes('veto')) vetoEvents.push(`${h.label}`);
    if (r.flags.includes('serious_violation')) seriousEvents.push(`${h.label}`);
    const [resident, regulator, street] = SOURCES.map((s) => {
      const v = r.scores[s];
      return v === null ? null : formatHundredths(v);
    });
    inputs.push(input('half', h.label, say('half_result', formatHundredths(r.composite), resident ?? null, regulator ?? null, street ?? null, r.flags)));
  }
  if (rectification.open) flags.add('open_rectification');
  if (rectification.unrectified) flags.add('unrectified');
  if (rectification.open || rectification.unrectified) {
    inputs.push(input('rectification', '整改', rectification.unrectified ? '整改未通过或逾期' : '有未完成的整改'));
  }

  const weights = halves.map((h) => (h.label === '上半年' ? rules.annual.h1 : rules.annual.h2)).join(':');
  if (halves.length === 1) {
    flags.add('single_half');
    firings.push(fire('5.10', 'single_half', say('single_half', `${halves[0]?.label}`)));
  } else {
    firings.push(fire('5.10', 'annual_mean', say('annual_mean', weights)));
  }
  for (const flag of CARRIED) {
    if (flags.has(flag)) firings.push(fire('5.10', `carried_${flag}`, say('carried_flag', `${FLAG_TEXT[flag]}`)));
  }
  firings.push(fire('5.4', 'half_up', say('annual_half_up', exactString(composite), formatExact(composite))));

  const responses = latest.responses ?? 0;
  const required = latest.requiredResponses ?? null;
  return {
    uscc,
    name: latest.name,
    composite,
    published: roundHalfUpToHundredths(composite),
    scores,
    complaintsPer1000: rate,
    households: latest.households ?? 0,
    complaints: halves.reduce((acc, h) => acc + (h.result.complaints ?? 0), 0),
    responses,
    requiredResponses: required,
    flags,
    vetoEvents,
    seriousEvents,
    inputs,
    rules: firings,
    reasons: [],
    notes: halves.length === 1 ? [`仅参加${halves[0]?.label}评价，年度得分取该半年度成绩`] : [],
  };
}

const FLAG_TEXT: Partial<Record<Flag, string>> = {
  veto: '一票否决',
  serious_violation: '严重违规',
  insufficient_sample: '样本量不足',
  unrectified: '整改未通过或逾期',
};
