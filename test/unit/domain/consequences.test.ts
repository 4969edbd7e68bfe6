/** SPEC §5.9: certificates, rectification notices, interviews, disqualification and exit proposals. */
import { computeRound } from '../../../src/domain/compute-round';
import { addDays, decideConsequences, previousHalfYear } from '../../../src/domain/consequences';
import { type FirmHistoryEntry, type RoundResult } from '../../../src/domain/types';
import { defaultRules, parseRules, rulesHash } from '../../../src/rules';
import { aCity, aRound } from './builders';

const rules = defaultRules();
// 95 … 61, C34 at 59 and C35 at 58 (black); C35 with 25 complaints per 1,000 households
const result: RoundResult = computeRound(aRound(aCity(35, 95, 1, { 34: { score: 59 }, 35: { score: 58, complaints: 25 } })), rules, {
  rulesHash: rulesHash(rules),
});
const decide = (history: Record<string, FirmHistoryEntry[]> = {}, halfYear = true, r = rules) =>
  decideConsequences(result, r, { publishedOn: '2025-07-15', history, halfYear });

describe('consequences (SPEC §5.9)', () => {
  it('numbers certificates in rank order', () => {
    expect(decide().certificates).toEqual([
      { uscc: 'C01', number: '2025-H1-HB-001' },
      { uscc: 'C02', number: '2025-H1-HB-002' },
      { uscc: 'C03', number: '2025-H1-HB-003' },
    ]);
  });

  it('issues rectification notices with a 30-day deadline and a re-inspection 15 days later, and interviews', () => {
    const c = decide();
    expect(c.rectifications).toEqual([
      { uscc: 'C34', issuedOn: '2025-07-15', deadline: '2025-08-14', reinspectBy: '2025-08-29' },
      { uscc: 'C35', issuedOn: '2025-07-15', deadline: '2025-08-14', reinspectBy: '2025-08-29' },
    ]);
    expect(c.interviews).toEqual(['C34', 'C35']);
  });

  it('uses the configured days', () => {
    const c = decide({}, true, parseRules({ consequences: { deadlineDays: 10, reinspectDays: 5 } }));
    expect(c.rectifications[0]).toMatchObject({ deadline: '2025-07-25', reinspectBy: '2025-07-30' });
  });

  it('proposes disqualification after black in 2 consecutive half years with the latest rectification not passed', () => {
    const c = decide({
      C34: [{ roundCode: '2024-H2', list: 'black', rectification: 'failed' }],
      C35: [{ roundCode: '2024-H2', list: 'black', rectification: 'passed' }],
    });
    const proposals = c.proposals.filter((p) => p.kind === 'disqualification');
    expect(proposals).toEqual([{ uscc: 'C34', kind: 'disqualification', reason: '连续 2 个半年度评价期列入黑榜，且最近一次整改未通过，建议取消从业资格' }]);
  });

  it('does not count a black round that is not immediately preceding, nor a year-end round', () => {
    const history = { C34: [{ roundCode: '2024-H1', list: 'black' as const, rectification: 'failed' as const }] };
    expect(decide(history).proposals.filter((p) => p.kind === 'disqualification')).toEqual([]);
    const consecutive = { C34: [{ roundCode: '2024-H2', list: 'black' as const, rectification: 'overdue' as const }] };
    expect(decide(consecutive, false).proposals.filter((p) => p.kind === 'disqualification')).toEqual([]);
    expect(decide(consecutive).proposals.filter((p) => p.kind === 'disqualification').map((p) => p.uscc)).toEqual(['C34']);
  });

  it('needs k consecutive rounds when k = 3', () => {
    const r = parseRules({ consequences: { consecutiveBlack: 3 } });
    const two = { C34: [{ roundCode: '2024-H2', list: 'black' as const, rectification: 'failed' as const }] };
    expect(decide(two, true, r).proposals.filter((p) => p.kind === 'disqualification')).toEqual([]);
    const three = { C34: [{ roundCode: '2024-H1', list: 'black' as const, rectification: 'failed' as const }, ...two.C34] };
    expect(decide(three, true, r).proposals.filter((p) => p.kind === 'disqualification').map((p) => p.uscc)).toEqual(['C34']);
  });

  it('proposes exit for the last-ranked firm at or above 20 complaints per 1,000 households', () => {
    expect(decide().proposals.filter((p) => p.kind === 'exit')).toEqual([
      { uscc: 'C35', kind: 'exit', reason: '排名末位，且每千户投诉 25.00 件，达到 20 件的清退标准，建议清退其服务项目' },
    ]);
    expect(decideConsequences(result, parseRules({ consequences: { exitComplaintsPer1000: 25.01 } }), { publishedOn: '2025-07-15', history: {}, halfYear: true }).proposals).toEqual([]);
  });
});

describe('date arithmetic', () => {
  it.each([
    ['2025-07-15', 30, '2025-08-14'],
    ['2024-02-15', 30, '2024-03-16'],
    ['2025-02-15', 30, '2025-03-17'],
    ['2025-12-20', 15, '2026-01-04'],
  ])('%s + %i days = %s', (date, days, expected) => {
    expect(addDays(date, days)).toBe(expected);
  });

  it('rejects an impossible date', () => {
    expect(() => addDays('2025-02-30', 1)).toThrow('日期 2025-02-30 无效');
  });

  it('knows the half year before a half year', () => {
    expect(previousHalfYear('2025-H1')).toBe('2024-H2');
    expect(previousHalfYear('2025-H2')).toBe('2025-H1');
    expect(previousHalfYear('2025-Y')).toBeNull();
  });
});
