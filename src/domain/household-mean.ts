/**
 * SPEC §5.1: a firm's resident and street scores are the household-weighted (按户数加权) mean of its
 * projects' scores — exact, over the projects that HAVE that score.
 */
import { type Exact } from './types';
import { exact, sum } from './exact';

export interface WeightedScore {
  households: number;
  score: Exact;
}

/** Σ households·score / Σ households, exact; null when there is nothing to average. */
export function householdWeightedMean(items: readonly WeightedScore[]): Exact | null {
  const totalHouseholds = items.reduce((acc, i) => acc + BigInt(i.households), 0n);
  if (items.length === 0 || totalHouseholds === 0n) return null;
  return sum(items.map((i) => i.score.mul(exact(BigInt(i.households))))).div(exact(totalHouseholds));
}
