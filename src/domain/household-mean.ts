/**
 * SPEC §5.1: a firm's resident and street scores are the household-weighted (按户数加权) mean of its
 * projects' scores — exact, over the projects that HAVE that score.
 *
 * A project's score comes in as an integer ratio (Σ hundredths / (count × 100), a summary mean / 100,
 * a street score / 100). The terms are summed over a common denominator in BigInt and the result is
 * reduced once, at the end: the same exact value as adding reduced fractions term by term, without a
 * gcd per term (a province has 100,000 projects).
 */
import { type Exact } from './types';
import { RatioSum } from './exact';

export interface WeightedScore {
  households: number;
  /** The score (0–100) is numerator / denominator; denominator > 0. */
  numerator: bigint;
  denominator: bigint;
}

/** Σ households·score / Σ households, exact; null when there is nothing to average. */
export function householdWeightedMean(items: readonly WeightedScore[]): Exact | null {
  let totalHouseholds = 0n;
  const weighted = new RatioSum();
  for (const item of items) {
    const households = BigInt(item.households);
    totalHouseholds += households;
    weighted.add(households * item.numerator, item.denominator);
  }
  if (items.length === 0 || totalHouseholds === 0n) return null;
  return weighted.over(totalHouseholds);
}
