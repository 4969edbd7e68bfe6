/**
 * 居民群众评分 (SPEC §4, §5.1). A household answers once per round: a later answer (higher seq)
 * replaces the earlier. A project's score is sum/count of its households' answers, or the survey
 * contractor's mean; the firm's score is the household-weighted mean over the projects that have one.
 */
import { type InputFact, type Exact, type ProjectInput, type ResidentInput, type SurveyResponse } from './types';
import { DomainError } from './errors';
import { exact, fromHundredths } from './exact';
import { type WeightedScore, householdWeightedMean } from './household-mean';
import { formatHundredths, roundRatioHalfUpToHundredths } from './rounding';
import { input } from './explanation';
import { say } from './wording';

/** Individual responses → one per household (the highest seq wins) → count and sum of hundredths. */
export function residentFromResponses(responses: SurveyResponse[]): ResidentInput {
  const latest = new Map<string, SurveyResponse>();
  for (const r of responses) {
    if (!Number.isInteger(r.score) || r.score < 0 || r.score > 10000) {
      throw new DomainError('INPUT_INVALID', `户号 ${r.household} 的得分无效：须为 0–100 之间的分数`, {
        field: 'score',
        household: r.household,
      });
    }
    const seen = latest.get(r.household);
    if (seen === undefined || r.seq > seen.seq) latest.set(r.household, r);
  }
  let total = 0n;
  for (const r of latest.values()) total += BigInt(r.score);
  return { form: 'responses', count: latest.size, sum: total };
}

/** A summary's mean as an integer ratio in points: exactly as given, or its hundredths / 100. */
export function summaryMeanRatio(resident: { mean: number; exactMean?: string }): { numerator: bigint; denominator: bigint } {
  if (resident.exactMean === undefined) return { numerator: BigInt(resident.mean), denominator: 100n };
  const [integer = '0', decimals = ''] = resident.exactMean.split('.');
  return { numerator: BigInt(`${integer}${decimals}`), denominator: 10n ** BigInt(decimals.length) };
}

/** A project's exact resident score (0–100), null when it has no valid response. */
export function projectResidentScore(resident: ResidentInput | null): Exact | null {
  if (resident === null || resident.count === 0) return null;
  if (resident.form === 'responses') return exact(resident.sum, BigInt(resident.count) * 100n);
  if (resident.exactMean !== undefined) {
    const { numerator, denominator } = summaryMeanRatio(resident);
    return exact(numerator, denominator);
  }
  return fromHundredths(resident.mean);
}

export interface FirmSourceScore {
  score: Exact | null;
  /** Some projects lack this source (the firm is flagged incomplete). */
  incomplete: boolean;
  inputs: InputFact[];
}

export interface FirmResidentScore extends FirmSourceScore {
  /** Valid responses over all projects (SPEC §5.5 n). */
  responses: number;
}

export function firmResidentScore(projects: readonly ProjectInput[]): FirmResidentScore {
  const scored: WeightedScore[] = [];
  const inputs: InputFact[] = [];
  let responses = 0;
  for (const p of projects) {
    const r = p.resident;
    const subject = say('project_households', p.code, p.name, p.households);
    for (const e of p.surveyExclusions ?? []) inputs.push(input('resident', subject, say('survey_exclusion', e.day, e.households, e.reason)));
    if (r === null || r.count === 0) {
      inputs.push(input('resident', subject, '无居民评分'));
      continue;
    }
    responses += r.count;
    if (r.form === 'responses') {
      // the project's score is sum / (count × 100), the same value projectResidentScore gives
      const denominator = BigInt(r.count) * 100n;
      scored.push({ households: p.households, numerator: r.sum, denominator });
      inputs.push(input('resident', subject, say('survey_responses', r.count, formatHundredths(roundRatioHalfUpToHundredths(r.sum, denominator)))));
    } else {
      scored.push({ households: p.households, ...summaryMeanRatio(r) });
      inputs.push(input('resident', subject, say('survey_summary', r.count, r.exactMean ?? formatHundredths(r.mean))));
    }
  }
  return {
    score: householdWeightedMean(scored),
    incomplete: scored.length > 0 && scored.length < projects.length,
    responses,
    inputs,
  };
}
