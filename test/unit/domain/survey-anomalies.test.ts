import { type OnlineAnswerFact, flaggedHouseholds, surveyAnomalies } from '../../../src/domain/survey-anomalies';

const T0 = Date.parse('2025-03-01T02:00:00Z');
const MIN = 60_000;
const PATTERNS = ['满意|满意|满意|满意|满意', '非常满意|满意|一般|满意|满意', '一般|一般|满意|不满意|满意', '满意|一般|一般|满意|非常满意'];

/** `n` answers of a project, spread `gap` ms apart, patterns and addresses varied unless given. */
function answers(project: string, n: number, over: { gap?: number; start?: number; pattern?: string; address?: string } = {}): OnlineAnswerFact[] {
  return Array.from({ length: n }, (_, i) => ({
    projectCode: project,
    at: (over.start ?? T0) + i * (over.gap ?? 60 * MIN),
    pattern: over.pattern ?? (PATTERNS[i % PATTERNS.length] as string),
    addressHash: over.address ?? `addr-${project}-${i}`,
  }));
}

describe('survey anomalies', () => {
  it('flags nothing in ordinary answers: spread over days, varied, from different addresses', () => {
    expect(surveyAnomalies([...answers('A', 40), ...answers('B', 30)])).toEqual([]);
  });

  it('flags 20 answers within 10 minutes as a burst, and not 19, nor 20 spread over 10 minutes exactly', () => {
    const twenty = answers('A', 20, { gap: 29_000 });
    expect(surveyAnomalies(twenty)[0]?.anomalies).toEqual([expect.objectContaining({ kind: 'burst', value: 20 })]);
    expect(surveyAnomalies(twenty)[0]?.anomalies[0]?.reason).toBe('2025-03-01 10:00 起 10 分钟内集中提交 20 份（≥ 20 份）');
    expect(surveyAnomalies(answers('A', 19, { gap: 1000 }))).toEqual([]);
    // The 20th answer 10 minutes after the first falls outside the first's window.
    expect(surveyAnomalies(answers('A', 20, { gap: (10 * MIN) / 19 + 1 }))).toEqual([]);
  });

  it("flags a project whose answers are mostly one pattern, three times the city's share", () => {
    const stuffed = answers('S', 12, { pattern: '非常满意|非常满意|非常满意|非常满意|非常满意' });
    const city = [...answers('A', 40), ...answers('B', 40)];
    const [s] = surveyAnomalies([...stuffed, ...city]);
    expect(s?.projectCode).toBe('S');
    expect(s?.anomalies).toEqual([expect.objectContaining({ kind: 'identical_patterns', value: 100 })]);
    expect(s?.anomalies[0]?.reason).toContain('12 / 12 份（100%）答案完全相同（非常满意、非常满意、非常满意、非常满意、非常满意），全市同样答案占 13%');
    // The same pattern everywhere in the city is no sign against one project.
    const allAlike = [...answers('A', 20, { pattern: PATTERNS[0] }), ...answers('B', 20, { pattern: PATTERNS[0] })];
    expect(surveyAnomalies(allAlike)).toEqual([]);
    // Fewer than 10 answers are too few to judge.
    expect(surveyAnomalies([...answers('S', 9, { pattern: 'x|x|x|x|x' }), ...city])).toEqual([]);
  });

  it('flags 5 households answering from one address, not 4', () => {
    const five = [...answers('A', 5, { address: 'same' }), ...answers('B', 5)];
    expect(surveyAnomalies(five)).toEqual([{ projectCode: 'A', answers: 5, anomalies: [{ kind: 'same_address', value: 5, reason: '5 户从同一网络地址作答（≥ 5 户）' }] }]);
    expect(surveyAnomalies(answers('A', 4, { address: 'same' }))).toEqual([]);
  });

  it('names the flagged households of a project: those inside the burst, with the common pattern, from the shared address', () => {
    const withHouseholds = (facts: OnlineAnswerFact[]) => facts.map((f, i) => ({ ...f, household: `${f.projectCode}-${i + 1}` }));
    // 20 in a burst, then 5 ordinary answers hours later.
    const burst = withHouseholds([...answers('A', 20, { gap: 1000 }), ...answers('A', 5, { start: T0 + 600 * MIN })]);
    expect([...flaggedHouseholds(burst, 'A')].sort()).toEqual(Array.from({ length: 20 }, (_, i) => `A-${i + 1}`).sort());
    const shared = withHouseholds([...answers('B', 5, { address: 'same' }), ...answers('B', 3, { start: T0 + 900 * MIN })]);
    expect([...flaggedHouseholds(shared, 'B')].sort()).toEqual(['B-1', 'B-2', 'B-3', 'B-4', 'B-5']);
    expect(flaggedHouseholds(withHouseholds(answers('C', 30)), 'C').size).toBe(0);
  });
});
