/**
 * Chinese labels for the CLI and the pages. The words themselves live in src/reports/labels.ts, so
 * a terminal, a page and a workbook say the same thing; this adds the terminal's forms ("—" for none).
 */
import { formatHundredths } from '../domain/rounding';
import type { ChangeWords } from '../domain/result-changes';
import type { Flag, ListKind, RoundStatus, Source } from '../domain/types';
import { FLAG_LABELS, LIST_LABELS, ROUND_STATUS_LABELS } from '../reports/labels';

export { FLAG_LABELS, LIST_LABELS };
export const STATUS_LABELS: Record<RoundStatus, string> = ROUND_STATUS_LABELS;
export const SOURCE_LABELS: Record<Source, string> = { resident: '居民群众', regulator: '行管部门', street: '街道社区' };

export function statusLabel(status: RoundStatus): string {
  return STATUS_LABELS[status];
}

export function listLabel(list: ListKind | null): string {
  return list ? LIST_LABELS[list] : '—';
}

export function flagLabel(flag: string): string {
  return (FLAG_LABELS as Record<string, string>)[flag as Flag] ?? flag;
}

/** Hundredths → "85.40"; null → "—". Display only. */
export function formatScore(h: number | null): string {
  return h === null ? '—' : formatHundredths(h);
}

/** How the CLI, the API and the pages write a recompute's changes (src/domain/result-changes.ts). */
export const CHANGE_WORDS: ChangeWords = { score: formatScore, list: listLabel };
