/**
 * The Chinese words and numbers every report shows: list and flag names, round periods, dates,
 * scores. One place, so the workbook, the charts and the cards say the same thing.
 */
import { DomainError } from '../domain/errors';
import { readRoundCode, periodTitle } from '../domain/round-code';
import { formatHundredths } from '../domain/rounding';
import { type Flag, type Hundredths, type ListKind, type RoundKind, type RoundStatus } from '../domain/types';

export const LIST_LABELS: Record<ListKind, string> = { red: '红榜', black: '黑榜', watch: '重点监管' };

/** '红榜' / '黑榜' / '重点监管', or '未上榜'. */
export function listLabel(list: ListKind | null): string {
  return list === null ? '未上榜' : LIST_LABELS[list];
}

export const FLAG_LABELS: Record<Flag, string> = {
  insufficient_sample: '样本量不足',
  renormalized: '缺少来源，权重已重新归一',
  excluded: '缺少来源，未参与排名',
  forced: '缺少来源，强制计算',
  veto: '一票否决',
  serious_violation: '严重违规',
  open_rectification: '整改中',
  unrectified: '整改未通过或逾期',
  high_complaints: '投诉率超过阈值',
  single_half: '年度评价仅有一个半年度成绩',
  incomplete_resident: '部分项目缺少居民评分',
  incomplete_street: '部分项目缺少街道评分',
};

/** Flags in Chinese, joined with '；'. */
export function flagsText(flags: readonly Flag[]): string {
  return flags.map((flag) => FLAG_LABELS[flag] ?? flag).join('；');
}

export const ROUND_KIND_LABELS: Record<RoundKind, string> = { half: '半年度评价', annual: '年度综合评价' };

export const ROUND_STATUS_LABELS: Record<RoundStatus, string> = {
  draft: '草稿',
  open: '录入中',
  closed: '已截止',
  computed: '已计算',
  publicized: '公示中',
  published: '已发布',
};

/** Integer hundredths → "85.40"; null → "" (missing stays missing, never 0). */
export function scoreText(h: Hundredths | null): string {
  return h === null ? '' : formatHundredths(h);
}

/** '2025-H1' → '2025年上半年度', '2025-H2' → '2025年下半年度', '2025-Y' → '2025年年度'. */
export function periodLabel(roundCode: string): string {
  const round = readRoundCode(roundCode);
  if (!round) {
    throw new DomainError('ROUND_CODE_INVALID', `评价周期编号“${roundCode}”无效，应为 YYYY-H1、YYYY-H2 或 YYYY-Y`, { roundCode });
  }
  return periodTitle(round);
}

const DIGITS = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

function chineseNumber(n: number): string {
  // 1..31 as written on certificates: 十, 十五, 二十, 二十一
  if (n < 10) return DIGITS[n] ?? '';
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  return `${tens === 1 ? '' : DIGITS[tens]}十${ones === 0 ? '' : DIGITS[ones]}`;
}

function parseIsoDate(iso: string, field: string): [number, number, number] {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  const [year, month, day] = match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [0, 0, 0];
  if (!match || month < 1 || month > 12 || day < 1 || day > 31) {
    throw new DomainError('INPUT_INVALID', `${field}“${iso}”不是有效日期，应为 YYYY-MM-DD`, { field, value: iso });
  }
  return [year, month, day];
}

/** '2025-07-15' → '二〇二五年七月十五日', the way a certificate dates itself. */
export function chineseDate(iso: string, field = '日期'): string {
  const [year, month, day] = parseIsoDate(iso, field);
  const yearText = String(year)
    .split('')
    .map((d) => DIGITS[Number(d)])
    .join('');
  return `${yearText}年${chineseNumber(month)}月${chineseNumber(day)}日`;
}

/** '2025-07-15T08:00:00Z' → '2025年7月15日'. */
export function shortDate(iso: string, field = '日期'): string {
  const [year, month, day] = parseIsoDate(iso, field);
  return `${year}年${month}月${day}日`;
}

/** A time read by people: '2025-07-20T01:00:00Z' → '2025年7月20日 09:00' in China (UTC+8). */
export function chinaDateTime(iso: string, field = '时间'): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) throw new DomainError('INPUT_INVALID', `${field}“${iso}”不是有效的时间`, { field, value: iso });
  const china = new Date(at.getTime() + 8 * 3600_000).toISOString();
  return `${shortDate(china, field)} ${china.slice(11, 16)}`;
}

/** The red and black cut-offs drawn on the charts, in hundredths. */
export interface Cutoffs {
  red: Hundredths;
  black: Hundredths;
}

/**
 * Reads `red.minComposite` and `black.belowComposite` from the round's rule document; the SPEC's
 * defaults (85, 60) where the document does not carry them. Display only: nothing is decided here.
 */
export function cutoffsOf(rulesJson: string): Cutoffs {
  let doc: unknown;
  try {
    doc = JSON.parse(rulesJson);
  } catch {
    throw new DomainError('INPUT_INVALID', '评价规则（rulesJson）不是有效的 JSON', { field: 'round.rulesJson' });
  }
  const pick = (section: string, key: string, fallback: number): Hundredths => {
    const part = typeof doc === 'object' && doc !== null ? (doc as Record<string, unknown>)[section] : undefined;
    const value = typeof part === 'object' && part !== null ? (part as Record<string, unknown>)[key] : undefined;
    return Math.round((typeof value === 'number' && Number.isFinite(value) ? value : fallback) * 100);
  };
  return { red: pick('red', 'minComposite', 85), black: pick('black', 'belowComposite', 60) };
}
