import { columnLetter } from '../../../src/domain/column-letter';
import { addDays } from '../../../src/domain/dates';
import { countLists } from '../../../src/domain/list-counts';
import { compareComputations } from '../../../src/domain/result-changes';
import type { FirmResult, ListKind } from '../../../src/domain/types';

describe('columnLetter', () => {
  it.each([
    [1, 'A'],
    [2, 'B'],
    [26, 'Z'],
    [27, 'AA'],
    [52, 'AZ'],
    [53, 'BA'],
    [702, 'ZZ'],
    [703, 'AAA'],
    [16384, 'XFD'], // Excel's last column
    [0, ''],
  ])('column %i is %s', (n, letters) => {
    expect(columnLetter(n)).toBe(letters);
  });
});

describe('addDays', () => {
  it.each([
    ['2025-07-20', 30, '2025-08-19'],
    ['2025-12-25', 7, '2026-01-01'],
    ['2024-02-28', 1, '2024-02-29'],
    ['2025-02-28', 1, '2025-03-01'],
    ['2025-03-01', -1, '2025-02-28'],
    ['2025-01-01', 0, '2025-01-01'],
  ])('%s + %i days = %s', (from, days, to) => {
    expect(addDays(from, days)).toBe(to);
  });

  it.each([['2025-02-30'], ['2025-7-1'], ['']])('refuses %j', (date) => {
    expect(() => addDays(date, 1)).toThrow(`日期 ${date} 无效`);
  });
});

describe('countLists', () => {
  it('counts each list and ignores firms on none', () => {
    const lists: (ListKind | null)[] = ['red', 'red', 'black', null, 'watch', 'black', 'black', null];
    expect(countLists(lists.map((list) => ({ list })))).toEqual({ red: 2, black: 3, watch: 1 });
  });

  it('gives zeros for no firm', () => {
    expect(countLists([])).toEqual({ red: 0, black: 0, watch: 0 });
  });
});

describe('compareComputations', () => {
  const firm = (uscc: string, rank: number | null, composite: number | null, list: ListKind | null): FirmResult => ({ uscc, name: `企业${uscc}`, rank, composite, list }) as unknown as FirmResult;
  const words = { score: (h: number | null) => (h === null ? '—' : (h / 100).toFixed(2)), list: (l: ListKind | null) => l ?? '—' };

  it('names only the firms whose rank, composite or list moved, with what moved', () => {
    const before = [firm('A', 1, 9000, 'red'), firm('B', 2, 8000, null), firm('C', 3, 7000, 'black')];
    const after = [firm('A', 1, 9000, 'red'), firm('C', 2, 8050, null), firm('B', 3, 7990, 'black'), firm('D', null, null, null)];
    expect(compareComputations(before, after, words)).toEqual([
      { uscc: 'C', name: '企业C', rankBefore: 3, rankAfter: 2, compositeBefore: 7000, compositeAfter: 8050, listBefore: 'black', listAfter: null, text: '企业C：综合得分 70.00 → 80.50，排名 3 → 2，榜单 black → —' },
      { uscc: 'B', name: '企业B', rankBefore: 2, rankAfter: 3, compositeBefore: 8000, compositeAfter: 7990, listBefore: null, listAfter: 'black', text: '企业B：综合得分 80.00 → 79.90，排名 2 → 3，榜单 — → black' },
    ]);
  });

  it('reports a firm new to the computation', () => {
    const changes = compareComputations([], [firm('E', 4, 6000, null)], words);
    expect(changes.map((c) => c.text)).toEqual(['企业E：综合得分 — → 60.00，排名 — → 4']);
  });

  it('is empty when nothing moved', () => {
    const same = [firm('A', 1, 9000, 'red'), firm('B', 2, 8000, null)];
    expect(compareComputations(same, same, words)).toEqual([]);
  });
});
