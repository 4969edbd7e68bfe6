/**
 * A city like SPEC §8 (Panshi): 35 firms, about 120 projects over 8 streets, individual survey
 * answers, department scores, street scores, a few complaints. With the default rules the first
 * half year gives 3 red (10% of 35 is a cap: floor(3.5) = 3, though 5 firms pass 85) and 2 black
 * (the third bottom-slice firm is above 60: key supervision).
 */
import { computeRound } from '../../../src/domain/compute-round';
import { residentFromResponses } from '../../../src/domain/resident-score';
import { type FirmInput, type SurveyResponse } from '../../../src/domain/types';
import { defaultRules, rulesHash } from '../../../src/rules';
import { aFirm, aProject, aRound, h } from './builders';

const STREETS = ['东宁街道', '福安街道', '河北街道', '新城街道', '明城街道', '宏日街道', '吉昌街道', '石嘴街道'];

/** A small deterministic generator (LCG), so the city is the same on every run. */
function generator(seed: number) {
  let state = seed >>> 0;
  return (n: number): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % n;
  };
}

/** Underlying quality per firm, best first: 5 firms above 85, two below 60 at the bottom. */
const QUALITY = [
  93, 91.5, 90, 88, 86.5, 84, 83, 82, 81, 80, 79, 78, 77, 76, 75, 74, 73.5, 73, 72, 71, 70, 69.5, 69, 68, 67, 66.5, 66, 65, 64.5,
  64, 63.5, 63, 62, 57, 54,
];

function sampleCity(): FirmInput[] {
  const next = generator(20250630);
  let projectNo = 0;
  return QUALITY.map((q, i) => {
    const projectCount = 3 + (i % 2) + (i % 5 === 0 ? 1 : 0);
    const projects = Array.from({ length: projectCount }, () => {
      projectNo += 1;
      const households = 200 + next(700);
      const responses: SurveyResponse[] = [];
      const answered = Math.ceil(households * 0.45);
      for (let k = 0; k < answered; k++) {
        const score = Math.min(10000, Math.max(0, h(q) + next(401) - 200));
        responses.push({ household: `${projectNo}-${k}`, score, seq: k });
      }
      // a few households answer twice: the later answer counts
      responses.push({ household: `${projectNo}-0`, score: h(q), seq: answered + 1 });
      return aProject({
        code: `P${String(projectNo).padStart(3, '0')}`,
        street: STREETS[projectNo % STREETS.length],
        households,
        residentInput: residentFromResponses(responses),
        streetScore: q + (next(201) - 100) / 100,
        complaints: next(4),
      });
    });
    return aFirm({
      uscc: `9122028400000${String(i + 1).padStart(4, '0')}X`,
      name: `示例物业${i + 1}`,
      projects,
      regulatorInput: {
        form: 'departments',
        scores: [
          { department: '住建局', score: h(q + 0.5) },
          { department: '执法局', score: h(q - 0.5) },
        ],
      },
    });
  });
}

describe('a 35-firm city like SPEC §8', () => {
  const city = sampleCity();
  const rules = defaultRules();
  const result = computeRound(aRound(city), rules, { rulesHash: rulesHash(rules) });
  const byList = (list: 'red' | 'black' | 'watch') => result.firms.filter((f) => f.list === list);

  it('is built like Panshi: 35 firms, about 120 projects over 8 streets', () => {
    const projects = city.flatMap((f) => f.projects);
    expect(city).toHaveLength(35);
    expect(projects.length).toBeGreaterThanOrEqual(110);
    expect(projects.length).toBeLessThanOrEqual(130);
    expect(new Set(projects.map((p) => p.street)).size).toBe(8);
  });

  it('gives 3 red and 2 black with the default rules', () => {
    expect(result.ranked).toBe(35);
    expect(result.sliceSize).toBe(3);
    expect(byList('red').map((f) => f.name)).toEqual(['示例物业1', '示例物业2', '示例物业3']);
    expect(byList('black').map((f) => f.name)).toEqual(['示例物业34', '示例物业35']);
    expect(byList('watch').map((f) => f.name)).toEqual(['示例物业33']);
  });

  it('leaves the 4th and 5th firms off the red list though they pass 85', () => {
    const [fourth, fifth] = [result.firms[3], result.firms[4]];
    expect(fourth?.composite).toBeGreaterThanOrEqual(8500);
    expect(fifth?.composite).toBeGreaterThanOrEqual(8500);
    expect(fourth?.list).toBeNull();
    expect(fifth?.list).toBeNull();
  });

  it('publishes every firm with a sufficient sample and reasons in Chinese', () => {
    for (const f of result.firms) {
      expect(f.flags).not.toContain('insufficient_sample');
      expect(f.reasons[0]).toMatch(/^综合得分 \d+\.\d\d，/);
    }
    expect(byList('black')[1]?.reasons[0]).toMatch(/^综合得分 5\d\.\d\d，位列倒数10%且低于60分，列入黑榜$/);
  });
});
