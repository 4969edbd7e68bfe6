/**
 * SPEC §5.5: a firm needs n ≥ n0 / (1 + (n0 − 1)/N) valid survey responses over all its N households,
 * n0 = z²·p(1−p)/e², e from the precision band of N (±5% below 2,500 households, ±4% to 9,999,
 * ±3% above, as the UK Tenant Satisfaction Measures). Computed exactly: 1,000 households → 278.
 * A firm short of it is flagged `insufficient_sample` and cannot be red-listed.
 */
import { type SurveyRules } from './rules';
import { ONE, decimalScaled, exact, fromDecimal } from './exact';
import { roundByMode } from './rounding';

/** The margin of error for a firm of `households` households. */
export function marginFor(households: number, rules: SurveyRules): number {
  for (const band of rules.bands) {
    if (band.belowHouseholds === null || households < band.belowHouseholds) return band.margin;
  }
  const last = rules.bands[rules.bands.length - 1];
  return last === undefined ? 0.05 : last.margin;
}

/**
 * Minimum valid responses for a firm with `households` households (0 for none).
 * With n0 = P/Q (z, p and e read as decimals, integers over 10^6), n = n0·N / (N + n0 − 1)
 * = P·N / (Q·N + P − Q): its ceiling in BigInt, without a fraction per firm.
 */
export function requiredResponses(households: number, rules: SurveyRules): number {
  if (households <= 0) return 0;
  const scale = decimalScaled(1);
  const z = decimalScaled(rules.z);
  const p = decimalScaled(rules.proportion);
  const e = decimalScaled(marginFor(households, rules));
  // n0 = z²·p·(1 − p) / e² = (Z²·P·(S − P)/S⁴) / (E²/S²)
  const n0Numerator = z * z * p * (scale - p);
  const n0Denominator = scale * scale * e * e;
  const n = BigInt(households);
  const numerator = n0Numerator * n;
  const denominator = n0Denominator * n + n0Numerator - n0Denominator;
  if (denominator <= 0n || numerator < 0n) return exactRequiredResponses(households, rules);
  return Number((numerator + denominator - 1n) / denominator);
}

/** The same minimum computed in fractions, step by step as SPEC writes it (and failing as it does on a degenerate rule set). */
function exactRequiredResponses(households: number, rules: SurveyRules): number {
  const z = fromDecimal(rules.z);
  const p = fromDecimal(rules.proportion);
  const e = fromDecimal(marginFor(households, rules));
  const n0 = z.mul(z).mul(p).mul(ONE.sub(p)).div(e.mul(e));
  const n = n0.div(ONE.add(n0.sub(ONE).div(exact(households))));
  return roundByMode(n, 'ceil');
}
