/**
 * SPEC §5.2: composite = Σ weight_s × score_s / Σ weight_s over the sources used, exact. With all
 * three sources that is the 5:3:2 mean; with a source missing and `renormalize` the weights of the
 * present sources are rescaled by the same formula. Weights 5:3:2 and 50:30:20 give the same value.
 */
import { type Exact, type Source, SOURCES } from './types';
import { type SourceWeights } from './rules';
import { RatioSum, decimalScaled, fromDecimal } from './exact';

export type ExactScores = Record<Source, Exact | null>;

/**
 * Weighted mean over the present sources; null when none is present. The weights are read as
 * decimals (fromDecimal: integers over 10^6, a common scale that cancels) and the terms are summed
 * over a common denominator in BigInt, reduced once: the value of Σ w·s / Σ w in exact fractions.
 */
export function compositeScore(scores: ExactScores, weights: SourceWeights): Exact | null {
  const weighted = new RatioSum();
  let totalWeight = 0n;
  for (const source of SOURCES) {
    const score = scores[source];
    if (score === null) continue;
    const w = decimalScaled(weights[source]);
    weighted.add(w * (score.s < 0n ? -score.n : score.n), score.d);
    totalWeight += w;
  }
  return totalWeight === 0n ? null : weighted.over(totalWeight);
}

/**
 * The weights of the sources used as the smallest integer ratio ("5:3:2" for 5:3:2, 50:30:20 and
 * 0.5:0.3:0.2 alike), so that equivalent rule documents explain themselves identically.
 */
export function weightsLabel(weights: SourceWeights, used: readonly Source[]): string {
  const values = used.map((s) => fromDecimal(weights[s]));
  const lcm = values.reduce((acc, v) => (acc * v.d) / gcd(acc, v.d), 1n);
  const integers = values.map((v) => (v.n * lcm) / v.d);
  const divisor = integers.reduce((acc, v) => gcd(acc, v), 0n) || 1n;
  return integers.map((v) => String(v / divisor)).join(':');
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}
