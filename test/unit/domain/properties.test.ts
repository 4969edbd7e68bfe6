/**
 * Properties of the engine that must hold for any city (fast-check): order independence, weight
 * scaling, disjoint and capped lists, monotonicity, and explanations naming the listing rule.
 */
import fc from 'fast-check';
import { computeRound } from '../../../src/domain/compute-round';
import { renderExplanation } from '../../../src/domain/explanation';
import { type FirmInput, type RoundInput, type RoundResult } from '../../../src/domain/types';
import { type Rules } from '../../../src/domain/rules';
import { parseRules } from '../../../src/rules';

const score = fc.integer({ min: 4000, max: 10000 }); // hundredths

const projectArb = (firm: number, index: number) =>
  fc.record({
    households: fc.integer({ min: 20, max: 3000 }),
    responseShare: fc.integer({ min: 20, max: 100 }),
    resident: score,
    street: score,
    complaints: fc.integer({ min: 0, max: 60 }),
  }).map((p) => ({
    code: `P${firm}-${index}`,
    name: `小区${firm}-${index}`,
    street: `街道${index % 3}`,
    community: null,
    households: p.households,
    kind: 'commodity' as const,
    resident: { form: 'summary' as const, count: Math.ceil((p.households * p.responseShare) / 100), mean: p.resident },
    streetScore: p.street,
    complaints: p.complaints,
  }));

const firmArb = (i: number): fc.Arbitrary<FirmInput> =>
  fc
    .record({
      projectCount: fc.integer({ min: 1, max: 3 }),
      projects: fc.tuple(projectArb(i, 0), projectArb(i, 1), projectArb(i, 2)),
      departments: fc.array(score, { minLength: 1, maxLength: 3 }),
      veto: fc.integer({ min: 0, max: 14 }),
      serious: fc.integer({ min: 0, max: 9 }),
      open: fc.integer({ min: 0, max: 9 }),
      unrectified: fc.integer({ min: 0, max: 9 }),
    })
    .map((f) => ({
      uscc: `U${String(i).padStart(3, '0')}`,
      name: `企业${i}`,
      status: 'active' as const,
      projects: f.projects.slice(0, f.projectCount),
      regulator: { form: 'departments' as const, scores: f.departments.map((s, d) => ({ department: `部门${d}`, score: s })) },
      events: [
        ...(f.veto === 0 ? [{ type: '重大安全事故', date: '2025-03-01', projectCode: null, veto: true, severity: 'serious' as const, note: null }] : []),
        ...(f.serious === 0 ? [{ type: '违规收费', date: '2025-04-01', projectCode: null, veto: false, severity: 'serious' as const, note: null }] : []),
      ],
      rectification: { open: f.open === 0, unrectified: f.unrectified === 0 },
    }));

const cityArb: fc.Arbitrary<RoundInput> = fc
  .integer({ min: 1, max: 45 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => firmArb(i))))
  .map((firms) => ({ roundCode: '2025-H1', firms }));

/** A rounding of the scores that makes complete ties likely. */
const tiedCityArb: fc.Arbitrary<RoundInput> = cityArb.map((city) => ({
  ...city,
  firms: city.firms.map((f) => ({
    ...f,
    projects: f.projects.map((p) => ({ ...p, households: 1000, complaints: 0, streetScore: 8000, resident: { form: 'summary' as const, count: 1000, mean: Math.round((p.resident?.form === 'summary' ? p.resident.mean : 8000) / 500) * 500 } })),
    regulator: { form: 'departments' as const, scores: [{ department: '部门', score: 8000 }] },
  })),
}));

const defaults = parseRules({});
const run = (city: RoundInput, rules: Rules = defaults): RoundResult => computeRound(city, rules, { rulesHash: 'h' });

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

const RUNS = { numRuns: 60 };

describe('engine properties', () => {
  it('does not depend on the order of firms, projects, departments or events', () => {
    fc.assert(
      fc.property(fc.oneof(cityArb, tiedCityArb), fc.integer(), (city, seed) => {
        const reordered: RoundInput = {
          ...city,
          firms: shuffled(city.firms, seed).map((f, i) => ({
            ...f,
            projects: shuffled(f.projects, seed + i),
            events: shuffled(f.events, seed - i),
            regulator: f.regulator?.form === 'departments' ? { ...f.regulator, scores: shuffled(f.regulator.scores, seed ^ i) } : f.regulator,
          })),
        };
        // The explanation a person reads (its inputs ordered when worded) is part of the result.
        const read = (r: RoundResult) => ({ ...r, firms: r.firms.map((f) => ({ ...f, explanation: renderExplanation(f.explanation) })) });
        expect(read(run(reordered))).toEqual(read(run(city)));
      }),
      RUNS,
    );
  });

  it('gives identical results for weights 5:3:2 and 50:30:20', () => {
    const tens = parseRules({ weights: { resident: 50, regulator: 30, street: 20 } });
    fc.assert(
      fc.property(cityArb, (city) => {
        expect(run(city, tens)).toEqual(run(city));
      }),
      RUNS,
    );
  });

  it('keeps red, black and watch disjoint and within their caps (veto-forced black aside)', () => {
    fc.assert(
      fc.property(fc.oneof(cityArb, tiedCityArb), (city) => {
        const result = run(city);
        const red = result.firms.filter((f) => f.list === 'red');
        const black = result.firms.filter((f) => f.list === 'black');
        const watch = result.firms.filter((f) => f.list === 'watch');
        expect(new Set([...red, ...black, ...watch].map((f) => f.uscc)).size).toBe(red.length + black.length + watch.length);
        expect(red.length).toBeLessThanOrEqual(result.sliceSize);
        const notForced = black.filter((f) => !f.explanation.rules.some((r) => r.code === 'veto_forces_black'));
        expect(notForced.length).toBeLessThanOrEqual(result.blackSliceSize);
        for (const f of red) {
          expect(f.composite).toBeGreaterThanOrEqual(8500);
          expect(f.flags).not.toContain('insufficient_sample');
          expect(f.flags).not.toContain('veto');
        }
        for (const f of notForced) expect(f.rank).toBeGreaterThan(result.ranked - result.blackSliceSize);
      }),
      RUNS,
    );
  });

  it('never lowers a firm’s rank when one of its inputs is raised', () => {
    fc.assert(
      fc.property(
        cityArb,
        fc.nat(),
        fc.constantFrom('resident', 'street', 'regulator'),
        fc.integer({ min: 1, max: 3000 }),
        (city, pick, what, raise) => {
          const index = pick % city.firms.length;
          const target = city.firms[index] as FirmInput;
          const bump = (v: number) => Math.min(10000, v + raise);
          const raised: FirmInput = {
            ...target,
            projects: target.projects.map((p, i) =>
              i !== 0
                ? p
                : what === 'resident' && p.resident?.form === 'summary'
                  ? { ...p, resident: { ...p.resident, mean: bump(p.resident.mean) } }
                  : what === 'street' && p.streetScore !== null
                    ? { ...p, streetScore: bump(p.streetScore) }
                    : p,
            ),
            regulator:
              what === 'regulator' && target.regulator?.form === 'departments'
                ? { ...target.regulator, scores: target.regulator.scores.map((s, i) => (i === 0 ? { ...s, score: bump(s.score) } : s)) }
                : target.regulator,
          };
          const before = run(city).firms.find((f) => f.uscc === target.uscc)?.rank;
          const after = run({ ...city, firms: city.firms.map((f, i) => (i === index ? raised : f)) }).firms.find((f) => f.uscc === target.uscc)?.rank;
          expect(before).toEqual(expect.any(Number));
          expect(after).toBeLessThanOrEqual(before as number);
        },
      ),
      RUNS,
    );
  });

  it('names in every listed firm’s explanation the rule that listed it', () => {
    const listing: Record<string, string[]> = { red: ['red_listed'], black: ['black_listed', 'veto_forces_black'], watch: ['watch_listed'] };
    fc.assert(
      fc.property(cityArb, fc.constantFrom('shares', 'grades'), (city, mode) => {
        const rules =
          mode === 'shares'
            ? defaults
            : parseRules({
                grades: {
                  bands: [{ grade: 'AAA', min: 85 }, { grade: 'AA', min: 80 }, { grade: 'A', min: 70 }, { grade: 'B', min: 60 }, { grade: 'C', min: 0 }],
                  listsFrom: 'grades',
                  redGrades: ['AAA'],
                  blackGrades: ['C'],
                  watchGrades: ['B'],
                },
              });
        for (const f of run(city, rules).firms) {
          if (f.list === null) continue;
          const codes = f.explanation.rules.map((r) => r.code);
          expect(codes.some((c) => (listing[f.list as string] ?? []).includes(c))).toBe(true);
          expect(f.reasons[0]).toMatch(/列入(红榜|黑榜|重点监管)/);
        }
      }),
      RUNS,
    );
  });
});
