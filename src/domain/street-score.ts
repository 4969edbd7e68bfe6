/**
 * 街道社区评分 (SPEC §4, §5.1): a score per project from the street it lies in; the firm's score is
 * the household-weighted mean over its projects that have one.
 */
import { type InputFact, type ProjectInput } from './types';
import { type WeightedScore, householdWeightedMean } from './household-mean';
import { formatHundredths } from './rounding';
import { input } from './explanation';
import { say } from './wording';
import { type FirmSourceScore } from './resident-score';

export function firmStreetScore(projects: readonly ProjectInput[]): FirmSourceScore {
  const scored: WeightedScore[] = [];
  const inputs: InputFact[] = [];
  for (const p of projects) {
    const subject = say('project_street_households', p.code, p.name, p.street, p.households);
    if (p.streetScore === null) {
      inputs.push(input('street', subject, '无街道评分'));
      continue;
    }
    scored.push({ households: p.households, numerator: BigInt(p.streetScore), denominator: 100n });
    inputs.push(input('street', subject, formatHundredths(p.streetScore)));
  }
  return {
    score: householdWeightedMean(scored),
    incomplete: scored.length > 0 && scored.length < projects.length,
    inputs,
  };
}
