/**
 * The engine's integer shortcuts (sums over a common BigInt denominator reduced once, the closed form
 * of the survey minimum, rounding an unreduced ratio) give exactly what the step-by-step fraction
 * arithmetic of SPEC §5 gives, for any input (fast-check against fraction.js done term by term).
 */
import fc from 'fast-check';
import { householdWeightedMean } from '../../../src/domain/household-mean';
import { compositeScore } from '../../../src/domain/composite';
import { requiredResponses } from '../../../src/domain/survey-sufficiency';
import { roundHalfUpToHundredths, roundRatioHalfUpToHundredths, roundByMode } from '../../../src/domain/rounding';
import { ONE, ZERO, exact, exactString, fromDecimal, sum } from '../../../src/domain/exact';
import { type Exact } from '../../../src/domain/types';
import { type SurveyRules } from '../../../src/domain/rules';
import { defaultRules } from '../../../src/rules';

const project = fc.record({
  households: fc.integer({ min: 1, max: 100_000 }),
  count: fc.integer({ min: 1, max: 5_000 }),
  perResponse: fc.integer({ min: 0, max: 10_000 }),
  extra: fc.integer({ min: 0, max: 10_000 }),
});

describe('exact shortcuts equal the fraction arithmetic term by term', () => {
  it('the household-weighted mean over a common denominator', () => {
    fc.assert(
      fc.property(fc.array(project, { minLength: 0, maxLength: 40 }), (projects) => {
        const items = projects.map((p) => {
          // a response sum within count × 10000
          const total = BigInt(Math.min(p.count * 10_000, p.count * p.perResponse + p.extra));
          return { households: p.households, numerator: total, denominator: BigInt(p.count) * 100n };
        });
        const fast = householdWeightedMean(items);
        const weights = items.reduce((acc, i) => acc + BigInt(i.households), 0n);
        const slow =
          items.length === 0 ? null : sum(items.map((i) => exact(i.numerator, i.denominator).mul(exact(i.households)))).div(exact(weights));
        expect(fast === null ? null : exactString(fast)).toBe(slow === null ? null : exactString(slow));
      }),
      { numRuns: 300 },
    );
  });

  it('the composite under any weights and missing sources', () => {
    const scoreArb = fc.option(fc.tuple(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 1, max: 100_000 })), { nil: null });
    const weight = fc.integer({ min: 1, max: 100_000_000 }).map((n) => n / 1_000_000);
    fc.assert(
      fc.property(scoreArb, scoreArb, scoreArb, weight, weight, weight, (r, g, s, wr, wg, ws) => {
        const asExact = (x: [number, number] | null): Exact | null => (x === null ? null : exact(x[0], x[1] * 100));
        const scores = { resident: asExact(r), regulator: asExact(g), street: asExact(s) };
        const weights = { resident: wr, regulator: wg, street: ws };
        let weighted = ZERO;
        let total = ZERO;
        for (const source of ['resident', 'regulator', 'street'] as const) {
          const v = scores[source];
          if (v === null) continue;
          weighted = weighted.add(fromDecimal(weights[source]).mul(v));
          total = total.add(fromDecimal(weights[source]));
        }
        const slow = total.equals(ZERO) ? null : weighted.div(total);
        const fast = compositeScore(scores, weights);
        expect(fast === null ? null : exactString(fast)).toBe(slow === null ? null : exactString(slow));
      }),
      { numRuns: 500 },
    );
  });

  it('the survey minimum in closed form, for any households and rule numbers', () => {
    const rulesArb = fc.record({
      z: fc.integer({ min: 1, max: 10_000_000 }).map((n) => n / 1_000_000),
      proportion: fc.integer({ min: 1, max: 1_000_000 }).map((n) => n / 1_000_000),
      margin: fc.integer({ min: 1, max: 1_000_000 }).map((n) => n / 1_000_000),
    });
    fc.assert(
      fc.property(rulesArb, fc.integer({ min: 1, max: 10_000_000 }), ({ z, proportion, margin }, households) => {
        const rules: SurveyRules = { ...defaultRules().survey, z, proportion, bands: [{ belowHouseholds: null, margin }] };
        const zf = fromDecimal(z);
        const p = fromDecimal(proportion);
        const e = fromDecimal(margin);
        const n0 = zf.mul(zf).mul(p).mul(ONE.sub(p)).div(e.mul(e));
        const denominator = ONE.add(n0.sub(ONE).div(exact(households)));
        if (denominator.equals(ZERO)) {
          expect(() => requiredResponses(households, rules)).toThrow();
          return;
        }
        expect(requiredResponses(households, rules)).toBe(roundByMode(n0.div(denominator), 'ceil'));
      }),
      { numRuns: 1000 },
    );
  });

  it('rounds an unreduced ratio half-up as it rounds the reduced fraction', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), fc.bigInt({ min: 1n, max: 10n ** 9n }), fc.bigInt({ min: 1n, max: 1000n }), (n, d, k) => {
        expect(roundRatioHalfUpToHundredths(n * k, d * k)).toBe(roundHalfUpToHundredths(exact(n, d)));
      }),
      { numRuns: 500 },
    );
  });
});
