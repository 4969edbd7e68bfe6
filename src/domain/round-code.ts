/**
 * Round codes (SPEC §3): `YYYY-H1` (first half year), `YYYY-H2` (second half year) and `YYYY-Y` (the
 * year-end round made of the two halves). The one reader of a code: its year, half and kind, the
 * dates it covers, the names a clerk reads, and the rounds it is made of or follows.
 */
import { DomainError } from './errors';
import type { RoundKind } from './types';

export type Half = 'H1' | 'H2';

export interface RoundCode {
  year: number;
  /** null for a year-end round. */
  half: Half | null;
  kind: RoundKind;
}

/** The code's shape (also the API's parameter pattern). */
export const ROUND_CODE_PATTERN = /^\d{4}-(H1|H2|Y)$/;

/** The code read, or null when it is not a round code. */
export function readRoundCode(code: string): RoundCode | null {
  const m = ROUND_CODE_PATTERN.exec(code);
  if (!m) return null;
  const part = m[1] as Half | 'Y';
  return { year: Number(code.slice(0, 4)), half: part === 'Y' ? null : part, kind: part === 'Y' ? 'annual' : 'half' };
}

/** The code read; a bad code is refused with the accepted forms named. */
export function parseRoundCode(code: string): RoundCode {
  const parsed = readRoundCode(code);
  if (!parsed) throw new DomainError('ROUND_CODE_INVALID', `评价周期编号「${code}」无效：应为 YYYY-H1（上半年）、YYYY-H2（下半年）或 YYYY-Y（年度综合评价），例如 2025-H1。`);
  return parsed;
}

/** A round's period: inclusive ISO dates and the name a clerk gives it (2025年上半年). */
export interface RoundPeriod {
  from: string;
  to: string;
  label: string;
}

/** 2025-H1 = 2025-01-01..2025-06-30 (2025年上半年), 2025-H2 = 2025-07-01..2025-12-31, 2025-Y = the whole year (2025年度). */
export function roundPeriod(code: string): RoundPeriod {
  const { year, half } = parseRoundCode(code);
  const y = String(year);
  if (half === 'H1') return { from: `${y}-01-01`, to: `${y}-06-30`, label: `${y}年上半年` };
  if (half === 'H2') return { from: `${y}-07-01`, to: `${y}-12-31`, label: `${y}年下半年` };
  return { from: `${y}-01-01`, to: `${y}-12-31`, label: `${y}年度` };
}

/** The name of the evaluation period on reports and notices: 2025年上半年度, 2025年下半年度, 2025年年度. */
export function periodTitle(round: RoundCode): string {
  const part = round.half === 'H1' ? '上半年度' : round.half === 'H2' ? '下半年度' : '年度';
  return `${round.year}年${part}`;
}

/** The two half-year rounds of the code's year, first half first (what a year-end round is made of). */
export function halfYearCodes(code: string): [string, string] {
  const { year } = parseRoundCode(code);
  return [`${year}-H1`, `${year}-H2`];
}

/** The round a round is compared with: the previous half year, or the previous year's year-end round. */
export function previousRoundCode(code: string): string {
  const { year, half } = parseRoundCode(code);
  if (half === 'H2') return `${year}-H1`;
  if (half === 'H1') return `${year - 1}-H2`;
  return `${year - 1}-Y`;
}

/** The half-year round before `code` ('2025-H1' → '2024-H2'); null for a code that is not a half year. */
export function previousHalfYear(code: string): string | null {
  const parsed = readRoundCode(code);
  if (parsed === null || parsed.half === null) return null;
  return parsed.half === 'H2' ? `${parsed.year}-H1` : `${parsed.year - 1}-H2`;
}
