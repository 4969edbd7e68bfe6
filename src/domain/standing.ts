/**
 * A firm's standing while a round is computed: its scores (exact and published), the facts the list
 * rules look at, and its explanation as it grows. Built by compute-round (half year) or annual
 * (year end), then ranked and placed on the lists by place-lists.
 */
import { type Exact, type Flag, type Hundredths, type InputFact, type ListKind, type RuleFact, type SourceScores } from './types';

export interface ScoredFirm {
  uscc: string;
  name: string;
  /** Exact composite; null: the firm is not ranked. */
  composite: Exact | null;
  /** Half-up hundredths of `composite`. */
  published: Hundredths | null;
  scores: SourceScores;
  complaintsPer1000: Exact | null;
  households: number;
  complaints: number;
  responses: number;
  requiredResponses: number | null;
  flags: Set<Flag>;
  /** Types of the veto (一票否决) events. */
  vetoEvents: string[];
  /** Types of the serious (non-veto) violations. */
  seriousEvents: string[];
  inputs: InputFact[];
  rules: RuleFact[];
  reasons: string[];
  /** Secondary remarks shown after the list reasons (renormalized sources, single half…). */
  notes: string[];
}

/** A firm after ranking; the list rules fill in `list`. */
export interface PlacedFirm extends ScoredFirm {
  rank: number | null;
  position: number | null;
  grade: string | null;
  list: ListKind | null;
  /** Headline reasons that must come first (e.g. why a red-slice firm is black instead). */
  headline: string[];
}

export function publishedOrThrow(f: PlacedFirm): Hundredths {
  if (f.published === null) throw new Error(`internal: firm ${f.uscc} has no published composite`);
  return f.published;
}
