import { DomainError } from '../../../src/domain/errors';
import {
  ROUND_CODE_PATTERN,
  halfYearCodes,
  parseRoundCode,
  periodTitle,
  previousHalfYear,
  previousRoundCode,
  readRoundCode,
  roundPeriod,
} from '../../../src/domain/round-code';

describe('round codes (SPEC §3)', () => {
  it.each([
    ['2025-H1', { year: 2025, half: 'H1', kind: 'half' }],
    ['2025-H2', { year: 2025, half: 'H2', kind: 'half' }],
    ['2025-Y', { year: 2025, half: null, kind: 'annual' }],
    ['1999-H2', { year: 1999, half: 'H2', kind: 'half' }],
  ])('reads %s', (code, expected) => {
    expect(readRoundCode(code)).toEqual(expected);
    expect(parseRoundCode(code)).toEqual(expected);
    expect(ROUND_CODE_PATTERN.test(code)).toBe(true);
  });

  it.each([['2025-H3'], ['2025-h1'], ['25-H1'], ['2025H1'], ['2025-H1 '], [' 2025-Y'], ['2025-YY'], ['２０２５-H1'], [''], ['2025-']])('refuses %j', (code) => {
    expect(readRoundCode(code)).toBeNull();
    expect(ROUND_CODE_PATTERN.test(code)).toBe(false);
    let error: unknown;
    try {
      parseRoundCode(code);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('ROUND_CODE_INVALID');
    expect((error as DomainError).message).toBe(`评价周期编号「${code}」无效：应为 YYYY-H1（上半年）、YYYY-H2（下半年）或 YYYY-Y（年度综合评价），例如 2025-H1。`);
  });

  it.each([
    ['2025-H1', { from: '2025-01-01', to: '2025-06-30', label: '2025年上半年' }],
    ['2025-H2', { from: '2025-07-01', to: '2025-12-31', label: '2025年下半年' }],
    ['2025-Y', { from: '2025-01-01', to: '2025-12-31', label: '2025年度' }],
    ['2024-H1', { from: '2024-01-01', to: '2024-06-30', label: '2024年上半年' }],
  ])('gives %s the period %j', (code, period) => {
    expect(roundPeriod(code)).toEqual(period);
  });

  it.each([
    ['2025-H1', '2025年上半年度'],
    ['2025-H2', '2025年下半年度'],
    ['2025-Y', '2025年年度'], // as annual reports are titled: 2025年年度报告
  ])('titles %s as %s', (code, title) => {
    expect(periodTitle(parseRoundCode(code))).toBe(title);
  });

  it.each([
    ['2025-Y', ['2025-H1', '2025-H2']],
    ['2025-H1', ['2025-H1', '2025-H2']],
    ['2031-H2', ['2031-H1', '2031-H2']],
  ])('names the half years of %s', (code, halves) => {
    expect(halfYearCodes(code)).toEqual(halves);
  });

  it.each([
    ['2025-H2', '2025-H1'],
    ['2025-H1', '2024-H2'],
    ['2025-Y', '2024-Y'],
    ['2000-H1', '1999-H2'],
  ])('compares %s with %s', (code, previous) => {
    expect(previousRoundCode(code)).toBe(previous);
  });

  it.each([
    ['2025-H2', '2025-H1'],
    ['2025-H1', '2024-H2'],
    ['2025-Y', null],
    ['not a code', null],
  ])('takes the half year before %s to be %s', (code, previous) => {
    expect(previousHalfYear(code)).toBe(previous);
  });

  it('refuses a bad code where it needs the year', () => {
    expect(() => halfYearCodes('2025')).toThrow(DomainError);
    expect(() => previousRoundCode('H1-2025')).toThrow(DomainError);
    expect(() => roundPeriod('2025-H3')).toThrow(DomainError);
  });
});
