/**
 * SPEC §5.4 ranking: by the published (2-decimal) composite, then the tie-break chain of the rules
 * (default: published resident, regulator, street score — a missing score sorts below any value —
 * then fewer complaints per 1,000 households, exact). Firms equal on all of these share a rank
 * (1, 2, 2, 4); within a shared rank they are listed by USCC so the order never depends on input order.
 */
import { type Exact, type Hundredths, type SourceScores } from './types';
import { type TieBreakKey } from './rules';
import { compareText } from './explanation';

export interface Rankable {
  uscc: string;
  composite: Hundredths;
  scores: SourceScores;
  complaintsPer1000: Exact | null;
}

/** Higher first; a missing value after any present one. */
function compareScoreDesc(a: Hundredths | null, b: Hundredths | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return b - a;
}

/** Fewer first; a missing rate after any present one. */
function compareRateAsc(a: Exact | null, b: Exact | null): number {
  if (a === null && b === null) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a.compare(b);
}

/** < 0 when a ranks above b, 0 when they share a rank. */
export function compareForRank(a: Rankable, b: Rankable, tieBreak: readonly TieBreakKey[]): number {
  const byComposite = b.composite - a.composite;
  if (byComposite !== 0) return byComposite;
  for (const key of tieBreak) {
    const c = key === 'complaints' ? compareRateAsc(a.complaintsPer1000, b.complaintsPer1000) : compareScoreDesc(a.scores[key], b.scores[key]);
    if (c !== 0) return c;
  }
  return 0;
}

export interface RankedEntry<T> {
  item: T;
  /** Shared competition rank: 1, 2, 2, 4. */
  rank: number;
  /** 1-based place in the ordered list (distinct even within a shared rank). */
  position: number;
}

export function rankFirms<T extends Rankable>(items: readonly T[], tieBreak: readonly TieBreakKey[]): RankedEntry<T>[] {
  const ordered = [...items].sort((a, b) => compareForRank(a, b, tieBreak) || compareText(a.uscc, b.uscc));
  const ranked: RankedEntry<T>[] = [];
  ordered.forEach((item, i) => {
    const previous = ranked[i - 1];
    const rank = previous !== undefined && compareForRank(previous.item, item, tieBreak) === 0 ? previous.rank : i + 1;
    ranked.push({ item, rank, position: i + 1 });
  });
  return ranked;
}

/**
 * The firms of a top or bottom slice of `size` positions. A complete tie group straddling the cut-off
 * is all out (`exclude`) or all in (`include`); its members are reported in `straddling` either way.
 * Input: the shared ranks in rank order.
 */
export function sliceMembers(
  ranks: readonly number[],
  size: number,
  from: 'top' | 'bottom',
  tie: 'exclude' | 'include',
): { members: Set<number>; straddling: Set<number> } {
  const n = ranks.length;
  const members = new Set<number>();
  const straddling = new Set<number>();
  if (size <= 0 || n === 0) return { members, straddling };
  const k = Math.min(size, n);
  // inside: [lo, hi) of positions (0-based)
  const lo = from === 'top' ? 0 : n - k;
  const hi = from === 'top' ? k : n;
  for (let i = lo; i < hi; i++) members.add(i);
  // the pair of positions either side of the cut
  const inner = from === 'top' ? k - 1 : n - k;
  const outer = from === 'top' ? k : n - k - 1;
  const innerRank = ranks[inner];
  if (outer >= 0 && outer < n && innerRank !== undefined && ranks[outer] === innerRank) {
    ranks.forEach((r, i) => {
      if (r !== innerRank) return;
      straddling.add(i);
      if (tie === 'include') members.add(i);
      else members.delete(i);
    });
  }
  return { members, straddling };
}
