import { computeRound } from '../../../src/domain/compute-round';
import { compareWhatIf } from '../../../src/domain/what-if';
import type { FirmResult, ListKind } from '../../../src/domain/types';
import { parseRules } from '../../../src/rules';
import { aCity, aRound } from './builders';

const words = { score: (h: number | null) => (h === null ? '—' : (h / 100).toFixed(2)), list: (l: ListKind | null) => l ?? '—' };

describe('compareWhatIf', () => {
  // 20 firms at 95, 94, … 76 in every source, except firm 2: residents 100, regulator 94, street 80
  // (94.20 under 5:3:2, 92.20 under 4:3:3: it falls from 2nd to 3rd, behind firm 3's 93.00).
  const firms = aCity(20, 95, 1, { 2: { resident: 100, regulator: 94, street: 80 } });
  const compute = (rules: unknown) => computeRound(aRound(firms), parseRules(rules), { rulesHash: 'x' }).firms;

  it('lists the firms whose rank or list moves, with both sides reasons and the firings that differ', () => {
    const { changes, compositeOnly } = compareWhatIf(compute({}), compute({ weights: { resident: 4, regulator: 3, street: 3 } }), words);
    expect(changes.map((c) => [c.uscc, c.rankBefore, c.rankAfter, c.listBefore, c.listAfter])).toEqual([
      ['C03', 3, 2, null, 'red'],
      ['C02', 2, 3, 'red', null],
    ]);
    expect(compositeOnly).toBe(0);
    const c02 = changes[1];
    expect(c02?.text).toBe('第2物业：综合得分 94.20 → 92.20，排名 2 → 3，榜单 red → —');
    expect(c02?.before.reasons).toEqual(compute({}).find((f) => f.uscc === 'C02')?.reasons);
    expect(c02?.firedOnlyBefore.map((r) => r.code)).toContain('red_listed');
    expect(c02?.firedOnlyAfter.map((r) => r.text).join('')).toContain('4:3:3');
    expect(c02?.firedOnlyAfter.map((r) => r.code)).not.toContain('red_listed');
    // A firing both sides share is in neither difference.
    const shared = c02?.after.rules.filter((r) => c02.before.rules.some((b) => b.text === r.text)) ?? [];
    expect(shared.length).toBeGreaterThan(0);
    for (const r of shared) expect(c02?.firedOnlyAfter).not.toContainEqual(r);
  });

  it('counts, without listing, a firm whose composite moves while its rank and list stay', () => {
    const { changes, compositeOnly } = compareWhatIf(compute({}), compute({ weights: { resident: 6, regulator: 3, street: 2 } }), words);
    // 6:3:2 moves firm 2 to 94.73 (still 2nd): only its composite changes.
    expect(changes).toEqual([]);
    expect(compositeOnly).toBe(1);
  });

  it('is empty under the same rules', () => {
    expect(compareWhatIf(compute({}), compute({}), words)).toEqual({ changes: [], compositeOnly: 0 });
  });

  it('takes a firm the simulation no longer ranks as a change, with its empty side', () => {
    const firm = (uscc: string, rank: number | null, list: ListKind | null): FirmResult =>
      ({ uscc, name: uscc, rank, composite: 9000, list, reasons: [`${uscc}理由`], explanation: { inputs: [], rules: [] } }) as unknown as FirmResult;
    const { changes } = compareWhatIf([firm('A', 1, 'red')], [firm('A', null, null)], words);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ rankBefore: 1, rankAfter: null, listBefore: 'red', listAfter: null, before: { reasons: ['A理由'] }, after: { reasons: ['A理由'] } });
  });
});
