/** SPEC §5.10: the year-end comprehensive round from the two halves. */
import { computeAnnualRound } from '../../../src/domain/annual';
import { type HalfResultInput } from '../../../src/domain/types';
import { defaultRules, parseRules, rulesHash } from '../../../src/rules';
import { aHalf } from './builders';

const rules = defaultRules();
const annual = (h1: HalfResultInput[], h2: HalfResultInput[], r = rules, rectification = {}) =>
  computeAnnualRound({ roundCode: '2025-Y', h1, h2, rectification }, r, { rulesHash: rulesHash(r) });

describe('year-end round (SPEC §5.10)', () => {
  it('averages the two published composites 1:1 and rounds half-up: 85.01 and 85.00 → 85.01', () => {
    const result = annual([aHalf({ uscc: 'A', composite: 85.01 })], [aHalf({ uscc: 'A', composite: 85 })]);
    const a = result.firms[0];
    expect(result.kind).toBe('annual');
    expect(a?.compositeExact).toBe('17001/200');
    expect(a?.composite).toBe(8501);
    expect(a?.scores.resident).toBe(8501);
  });

  it('uses configured weights: 1:3 of 80 and 90 → 87.50', () => {
    const result = annual([aHalf({ uscc: 'A', composite: 80 })], [aHalf({ uscc: 'A', composite: 90 })], parseRules({ annual: { h1: 1, h2: 3 } }));
    expect(result.firms[0]?.composite).toBe(8750);
  });

  it('uses the one half of a firm present in one half only and flags it', () => {
    const result = annual([aHalf({ uscc: 'A', composite: 80 }), aHalf({ uscc: 'B', composite: 70 })], [aHalf({ uscc: 'A', composite: 90 })]);
    const b = result.firms.find((f) => f.uscc === 'B');
    expect(b?.composite).toBe(7000);
    expect(b?.flags).toContain('single_half');
    expect(b?.explanation.rules.map((r) => r.code)).toContain('single_half');
    expect(result.firms.find((f) => f.uscc === 'A')?.flags).not.toContain('single_half');
  });

  it('carries a veto from either half: black wherever it ranks', () => {
    const h1 = Array.from({ length: 10 }, (_, i) => aHalf({ uscc: `F${i}`, composite: 95 - i }));
    const h2 = Array.from({ length: 10 }, (_, i) => aHalf({ uscc: `F${i}`, composite: 95 - i, flags: i === 0 ? ['veto'] : [] }));
    const result = annual(h1, h2);
    const f0 = result.firms.find((f) => f.uscc === 'F0');
    expect(f0?.rank).toBe(1);
    expect(f0?.list).toBe('black');
    expect(f0?.reasons[0]).toBe('位列前10%，但存在一票否决事件（下半年），不列入红榜，列入黑榜');
  });

  it('applies the same list rules: top 10% red, bottom 10% black below 60, insufficient sample carried', () => {
    const h1 = Array.from({ length: 20 }, (_, i) => aHalf({ uscc: `F${String(i).padStart(2, '0')}`, composite: 95 - i * 2, flags: i === 1 ? ['insufficient_sample'] : [] }));
    const h2 = Array.from({ length: 20 }, (_, i) => aHalf({ uscc: `F${String(i).padStart(2, '0')}`, composite: 95 - i * 2 }));
    const result = annual(h1, h2);
    expect(result.sliceSize).toBe(2);
    expect(result.firms.filter((f) => f.list === 'red').map((f) => f.uscc)).toEqual(['F00']);
    // F18 = 59, F19 = 57
    expect(result.firms.filter((f) => f.list === 'black').map((f) => f.uscc)).toEqual(['F18', 'F19']);
  });

  it('blocks red for a firm with an open rectification now', () => {
    const h = Array.from({ length: 10 }, (_, i) => aHalf({ uscc: `F${i}`, composite: 95 - i }));
    const result = annual(h, h, rules, { F0: { open: true, unrectified: false } });
    expect(result.firms[0]?.list).toBeNull();
    expect(result.firms[0]?.flags).toContain('open_rectification');
  });
});
