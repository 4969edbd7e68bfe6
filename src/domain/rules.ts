/**
 * The rule document of a round (SPEC §5), as the engine reads it. It is plain data: validated and
 * given its defaults by src/rules/schema.ts (whose zod output is checked to be exactly this type),
 * frozen with the round and identified by the sha256 of its canonical JSON.
 *
 * Units: scores and thresholds are on the 0–100 scale with at most 2 decimals (85 = 85.00);
 * shares are percentages (10 = 10%); complaint thresholds are per 1,000 households.
 * The engine converts every number to an exact rational before it uses it.
 */

/** How a share of the ranked firms becomes a count of firms (floor(35 × 10%) = 3). */
export type SliceRounding = 'floor' | 'round' | 'ceil';
/** A complete tie straddling a slice's cut-off: all of the tied firms out, or all in. */
export type TieAtCutoff = 'exclude' | 'include';
/** SPEC §5.3: what happens to a firm missing a whole source. */
export type MissingSourcePolicy = 'block' | 'renormalize' | 'exclude';
/** Tie-break keys after the published composite (SPEC §5.4). Scores: higher first; complaints: fewer first. */
export type TieBreakKey = 'resident' | 'regulator' | 'street' | 'complaints';
export const TIE_BREAK_KEYS: readonly TieBreakKey[] = ['resident', 'regulator', 'street', 'complaints'];

export interface SourceWeights {
  /** 居民群众 */
  resident: number;
  /** 行管部门 */
  regulator: number;
  /** 街道社区 */
  street: number;
}

export interface RedListRules {
  /** Percent of the ranked firms forming the top slice. */
  share: number;
  /** A candidate needs a published composite ≥ this. */
  minComposite: number;
  /** Continue down the ranking when slice firms are not listed (never below minComposite). */
  refill: boolean;
}

export interface BlackListRules {
  /** Percent of the ranked firms forming the bottom slice. */
  share: number;
  /** A bottom-slice firm with a published composite strictly below this is black-listed. */
  belowComposite: number;
  /** 一票否决: a veto event black-lists the firm wherever it ranks. */
  vetoForcesBlack: boolean;
}

/** 重点监管 (SPEC §5.8). */
export interface WatchRules {
  enabled: boolean;
  /** Complaints per 1,000 households strictly above this put a firm under key supervision. */
  complaintsPer1000Above: number;
}

/** One precision band of SPEC §5.5: firms with fewer households than `belowHouseholds` (null: any). */
export interface SurveyBand {
  belowHouseholds: number | null;
  /** Margin of error e, e.g. 0.05 for ±5%. */
  margin: number;
}

export interface SurveyRules {
  /** z of the confidence level (1.96 for 95%). */
  z: number;
  /** Assumed proportion p (0.5 is the most conservative). */
  proportion: number;
  /** Ascending by belowHouseholds; the last band has belowHouseholds null. */
  bands: SurveyBand[];
  /**
   * The online questionnaire (SPEC §10): its items with integer weights, each answered with the five
   * levels. Absent: the default five items with equal weights (so rules written without it keep their hash).
   */
  questionnaire?: { items: { name: string; weight: number }[] };
}

/** SPEC §5.9 follow-up. */
export interface ConsequenceRules {
  /** 整改期限, days after publication. */
  deadlineDays: number;
  /** 回头看: re-inspection within this many days after the deadline. */
  reinspectDays: number;
  /** Black in this many consecutive half-year rounds (latest rectification not passed) → disqualification proposal. */
  consecutiveBlack: number;
  /** Last rank and complaints per 1,000 households ≥ this → exit proposal (清退建议). */
  exitComplaintsPer1000: number;
}

/** SPEC §5.10: weights of the two halves in the year-end composite. */
export interface AnnualRules {
  h1: number;
  h2: number;
}

export interface GradeBand {
  /** e.g. 'AAA' */
  grade: string;
  /** Lowest published composite of the band (inclusive). */
  min: number;
}

/** SPEC §5.11: optional grade bands, and optionally lists derived from them instead of shares. */
export interface GradeRules {
  bands: GradeBand[];
  listsFrom: 'shares' | 'grades';
  redGrades: string[];
  blackGrades: string[];
  watchGrades: string[];
}

export type DeductionKind = 'deduction' | 'bonus';

/** One item of the regulator's deduction catalogue (扣分项目录). */
export interface DeductionItem {
  code: string;
  description: string;
  kind: DeductionKind;
  /** Most points one occurrence (per item and project) may deduct or add. 0 for 'NONE' (检查无扣分). */
  points: number;
}

export interface DeductionRules {
  catalogue: DeductionItem[];
  /** Bonus items together add at most this many points (default +5). */
  bonusCap: number;
}

export interface Rules {
  weights: SourceWeights;
  rounding: SliceRounding;
  tieAtCutoff: TieAtCutoff;
  tieBreak: TieBreakKey[];
  missingSource: MissingSourcePolicy;
  red: RedListRules;
  black: BlackListRules;
  watch: WatchRules;
  survey: SurveyRules;
  consequences: ConsequenceRules;
  annual: AnnualRules;
  /** null: no grades. */
  grades: GradeRules | null;
  deductions: DeductionRules;
}
