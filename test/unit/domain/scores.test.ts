/** SPEC §4 and §5.1–5.5: source scores, composite, half-up rounding, survey sufficiency — hand-computed. */
import { residentFromResponses, firmResidentScore } from '../../../src/domain/resident-score';
import { firmStreetScore } from '../../../src/domain/street-score';
import { regulatorScore } from '../../../src/domain/regulator-score';
import { compositeScore, weightsLabel } from '../../../src/domain/composite';
import { roundHalfUpToHundredths, sliceSize, formatHundredths } from '../../../src/domain/rounding';
import { requiredResponses } from '../../../src/domain/survey-sufficiency';
import { exact, exactString, fromHundredths } from '../../../src/domain/exact';
import { DomainError } from '../../../src/domain/errors';
import { defaultRules, parseRules } from '../../../src/rules';
import { type DeductionInput } from '../../../src/domain/types';
import { aProject, h } from './builders';

const rules = defaultRules();

describe('resident score (SPEC §4, §5.1)', () => {
  it('counts a household that answered twice once, with its later answer', () => {
    const input = residentFromResponses([
      { household: '1-101', score: h(100), seq: 1 },
      { household: '1-102', score: h(60), seq: 2 },
      { household: '1-101', score: h(40), seq: 3 },
    ]);
    expect(input).toEqual({ form: 'responses', count: 2, sum: 10000n });
  });

  it('keeps the answer with the highest seq whatever the order given', () => {
    const input = residentFromResponses([
      { household: 'A', score: h(40), seq: 9 },
      { household: 'A', score: h(100), seq: 3 },
    ]);
    expect(input).toEqual({ form: 'responses', count: 1, sum: 4000n });
  });

  it('rejects a score outside 0–100 naming the household', () => {
    expect(() => residentFromResponses([{ household: '3-302', score: 10001, seq: 1 }])).toThrow(/户号 3-302/);
  });

  it('weights projects in different streets by households: 300×90 + 700×80 over 1000 = 83', () => {
    const projects = [
      aProject({ street: '东宁街道', households: 300, resident: 90, streetScore: 80 }),
      aProject({ street: '福安街道', households: 700, resident: 80, streetScore: 90 }),
    ];
    const resident = firmResidentScore(projects);
    expect(resident.score?.equals(exact(83))).toBe(true);
    expect(resident.responses).toBe(1000);
    // street: 300×80 + 700×90 = 87 (an unweighted mean would say 85)
    expect(firmStreetScore(projects).score?.equals(exact(87))).toBe(true);
  });

  it('averages responses exactly (sum/count) and flags a project without a score as incomplete', () => {
    const projects = [
      aProject({ households: 100, residentInput: { form: 'responses', count: 3, sum: 25000n } }),
      aProject({ households: 200, resident: null }),
    ];
    const resident = firmResidentScore(projects);
    // 250/3 exactly, from the one project that has it
    expect(exactString(resident.score ?? exact(0))).toBe('250/3');
    expect(resident.incomplete).toBe(true);
    expect(resident.responses).toBe(3);
  });

  it('has no resident score when no project has one', () => {
    expect(firmResidentScore([aProject({ resident: null })]).score).toBeNull();
  });
});

describe('regulator score (SPEC §4)', () => {
  const deductions = (rows: DeductionInput[], r = rules) => regulatorScore({ form: 'deductions', rows }, r.deductions, 'F1').score;
  const row = (item: string, projectCode: string | null, points: number): DeductionInput => ({ item, projectCode, points: h(points) });

  it('averages department scores exactly: (90 + 85 + 81) / 3', () => {
    const score = regulatorScore(
      { form: 'departments', scores: [{ department: '住建局', score: h(90) }, { department: '执法局', score: h(85) }, { department: '消防', score: h(81) }] },
      rules.deductions,
      'F1',
    ).score;
    expect(exactString(score ?? exact(0))).toBe('256/3');
  });

  it('counts an item twice in one project once, keeping the larger points', () => {
    // D01 twice in P1 (2 and 1.5) → 2; D01 in P2 → 1; D04 at firm level → 5: 100 − 8 = 92
    const score = deductions([row('D01', 'P1', 1.5), row('D01', 'P1', 2), row('D01', 'P2', 1), row('D04', null, 5)]);
    expect(score?.equals(exact(92))).toBe(true);
  });

  it('counts a firm-level item once', () => {
    expect(deductions([row('D07', null, 2), row('D07', null, 2)])?.equals(exact(98))).toBe(true);
  });

  it('caps the bonus at +5: 100 − 13 + min(8, 5) = 92', () => {
    const rows = [row('D03', null, 3), row('D04', null, 5), row('D05', null, 5), row('B01', 'P1', 3), row('B01', 'P2', 3), row('B02', null, 2)];
    expect(deductions(rows)?.equals(exact(92))).toBe(true);
    expect(deductions(rows, parseRules({ deductions: { bonusCap: 10 } }))?.equals(exact(95))).toBe(true);
  });

  it('clamps to [0, 100]', () => {
    expect(deductions([row('B01', null, 3)])?.equals(exact(100))).toBe(true);
    const many = Array.from({ length: 25 }, (_, i) => row('D04', `P${i}`, 5));
    expect(deductions(many)?.equals(exact(0))).toBe(true);
  });

  it('scores an inspection without deductions (NONE) 100', () => {
    expect(deductions([row('NONE', null, 0)])?.equals(exact(100))).toBe(true);
  });

  it('rejects an item not in the catalogue, naming it', () => {
    let error: unknown = null;
    try {
      deductions([row('X99', 'P7', 1)]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('INPUT_INVALID');
    expect((error as DomainError).message).toContain('X99');
    expect((error as DomainError).message).toContain('P7');
  });

  it('rejects points above the catalogue maximum of the item', () => {
    expect(() => deductions([row('D01', 'P1', 3)])).toThrow(/D01.*2 分/);
  });
});

describe('composite (SPEC §5.2) and half-up rounding (SPEC §5.4)', () => {
  it('weights 5:3:2: 90, 80, 70 → 83', () => {
    const c = compositeScore({ resident: exact(90), regulator: exact(80), street: exact(70) }, rules.weights);
    expect(c?.equals(exact(83))).toBe(true);
  });

  it('renormalizes over the present sources: (5×90 + 2×80) / 7 = 610/7', () => {
    const c = compositeScore({ resident: exact(90), regulator: null, street: exact(80) }, rules.weights);
    expect(exactString(c ?? exact(0))).toBe('610/7');
    expect(roundHalfUpToHundredths(c ?? exact(0))).toBe(8714);
  });

  it('rounds x.xx5 up from the exact value: 85.005 → 85.01 (a float would say 85.00)', () => {
    const c = compositeScore({ resident: fromHundredths(8501), regulator: exact(85), street: exact(85) }, rules.weights);
    expect(exactString(c ?? exact(0))).toBe('17001/200');
    expect(roundHalfUpToHundredths(c ?? exact(0))).toBe(8501);
    expect((85.005).toFixed(2)).toBe('85.00'); // why the engine never rounds binary floats
  });

  it.each([
    [exact(85345, 1000), 8535],
    [exact(85344, 1000), 8534],
    [exact(1, 3), 33],
    [exact(2, 3), 67],
    [exact(100), 10000],
    [exact(0), 0],
    [exact(-1005, 1000), -101],
  ])('rounds %s half-up to %i hundredths', (x, expected) => {
    expect(roundHalfUpToHundredths(x)).toBe(expected);
  });

  it('prints hundredths with two decimals', () => {
    expect(formatHundredths(8540)).toBe('85.40');
    expect(formatHundredths(6000)).toBe('60.00');
    expect(formatHundredths(5)).toBe('0.05');
  });

  it('labels equivalent weights identically', () => {
    expect(weightsLabel({ resident: 50, regulator: 30, street: 20 }, ['resident', 'regulator', 'street'])).toBe('5:3:2');
    expect(weightsLabel({ resident: 0.5, regulator: 0.3, street: 0.2 }, ['resident', 'street'])).toBe('5:2');
  });
});

describe('slice size (SPEC §5.6)', () => {
  it.each([
    [35, 'floor', 3],
    [40, 'floor', 4],
    [35, 'round', 4],
    [34, 'round', 3],
    [31, 'ceil', 4],
    [30, 'ceil', 3],
    [9, 'floor', 0],
  ] as const)('%i firms at 10%% with %s → %i', (n, mode, expected) => {
    expect(sliceSize(n, 10, mode)).toBe(expected);
  });

  it('reads a share like 12.5% exactly', () => {
    expect(sliceSize(8, 12.5, 'floor')).toBe(1);
    expect(sliceSize(40, 12.5, 'ceil')).toBe(5);
  });
});

describe('survey sufficiency (SPEC §5.5)', () => {
  it.each([
    // n0 = 1.96²·0.25/e²; required = ceil(n0 / (1 + (n0 − 1)/N))
    [1000, 278], // e = 5%: 384.16 / 1.38316 = 277.7
    [2499, 334], // e = 5%: 384.16 / 1.15333 = 333.09
    [2500, 485], // e = 4%: 600.25 / 1.2397 = 484.19
    [9999, 567], // e = 4%: 600.25 / 1.05993 = 566.31
    [10000, 965], // e = 3%: 1067.11 / 1.10661 = 964.3
    [100, 80], // e = 5%: 384.16 / 4.8316 = 79.5
  ])('%i households need %i valid responses', (households, expected) => {
    expect(requiredResponses(households, rules.survey)).toBe(expected);
  });
});
