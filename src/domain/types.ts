/**
 * The shared vocabulary of the functional core: what a round's computation takes in and gives out.
 * Every other layer (db, app, http, reports, cli) speaks these types.
 *
 * Units: a score is an exact rational (fraction.js) while it is computed; a published score is an
 * integer number of hundredths (`Hundredths`, 8540 = 85.40) rounded half-up once, where SPEC §5.4 says.
 */
import type FractionModule from 'fraction.js';

/** An exact rational number (fraction.js: BigInt numerator/denominator). Never a binary float for a sum that decides a rank. */
export type Exact = InstanceType<typeof FractionModule>;
/** A published score: integer hundredths, 0..10000. */
export type Hundredths = number;

export type FirmStatus = 'active' | 'suspended' | 'disqualified';
export type ProjectKind = 'commodity' | 'old' | 'affordable';
export type Source = 'resident' | 'regulator' | 'street';
export const SOURCES: readonly Source[] = ['resident', 'regulator', 'street'];
export type ListKind = 'red' | 'black' | 'watch';
export type RoundKind = 'half' | 'annual';
export type RoundStatus = 'draft' | 'open' | 'closed' | 'computed' | 'publicized' | 'published';

/** 居民满意度五级答案 → score. */
export type SurveyAnswer = '非常满意' | '满意' | '一般' | '不满意' | '非常不满意';

/** One survey response, as entered. `seq` orders entries: a later one for the same household replaces the earlier. */
export interface SurveyResponse {
  household: string;
  /** Hundredths 0..10000 (a five-level answer is converted before it gets here). */
  score: Hundredths;
  seq: number;
}

/**
 * A project's resident input: individual responses already reduced to one per household (count, sum),
 * or a survey contractor's summary (valid responses, mean).
 */
export type ResidentInput =
  | { form: 'responses'; count: number; /** Σ of hundredths */ sum: bigint }
  | {
      form: 'summary';
      count: number;
      /** mean in hundredths (rounded half-up when the contractor gave more decimals) */
      mean: Hundredths;
      /**
       * The mean exactly as the contractor gave it, a decimal in points ("78.6666666666667"), when it
       * has more than 2 decimals; the engine uses it in place of `mean`.
       */
      exactMean?: string;
    };

export interface ProjectInput {
  code: string;
  name: string;
  street: string;
  community: string | null;
  households: number;
  kind: ProjectKind;
  resident: ResidentInput | null;
  /** 街道评分, hundredths; null when the street has not scored it. */
  streetScore: Hundredths | null;
  /** 投诉数 (e.g. 12345 hotline) in the round. */
  complaints: number;
  /** Online answers the bureau excluded as ballot stuffing (SPEC §10); absent when none. */
  surveyExclusions?: SurveyExclusionInput[];
}

/** An exclusion of a project's flagged online answers: how many, why, on which day (China time). */
export interface SurveyExclusionInput {
  households: number;
  reason: string;
  /** yyyy-mm-dd */
  day: string;
}

/** One row of a deduction sheet (扣分表). */
export interface DeductionInput {
  item: string;
  /** null: counted at firm level. */
  projectCode: string | null;
  /** Hundredths > 0. For a bonus item, the bonus. */
  points: Hundredths;
}

/** A firm's regulator input: per-department scores (averaged) or a deduction sheet. */
export type RegulatorInput =
  | { form: 'departments'; scores: { department: string; score: Hundredths }[] }
  | { form: 'deductions'; rows: DeductionInput[] };

export type EventSeverity = 'minor' | 'serious';

/** 违规事件 / 荣誉 with their effect on the lists. */
export interface EventInput {
  type: string;
  date: string; // ISO yyyy-mm-dd
  projectCode: string | null;
  /** 一票否决 */
  veto: boolean;
  severity: EventSeverity;
  note: string | null;
}

/** A firm's follow-up state from earlier rounds, as it stands when this round is computed. */
export interface RectificationState {
  /** 有未结束的整改 (notice issued, not yet re-inspected, deadline not passed). */
  open: boolean;
  /** 整改未通过或逾期 (failed or overdue). */
  unrectified: boolean;
}

export interface FirmInput {
  uscc: string;
  name: string;
  status: FirmStatus;
  projects: ProjectInput[];
  regulator: RegulatorInput | null;
  events: EventInput[];
  rectification: RectificationState;
}

/** Everything the engine needs to compute a half-year round. */
export interface RoundInput {
  roundCode: string;
  firms: FirmInput[];
}

/** A firm's published result of one half, the input of a year-end round (SPEC §5.10). */
export interface HalfResultInput {
  uscc: string;
  name: string;
  composite: Hundredths;
  scores: SourceScores;
  complaintsPer1000: Exact | null;
  flags: Flag[];
  /** Carried into the year-end result for display; 0 when not given. */
  households?: number;
  complaints?: number;
  responses?: number;
  requiredResponses?: number | null;
}

export interface AnnualRoundInput {
  roundCode: string;
  /** 上半年 / 下半年 published results; a firm may appear in one half only. */
  h1: HalfResultInput[];
  h2: HalfResultInput[];
  /** Firms' current follow-up state (open or failed rectification blocks red, as in a half year). */
  rectification: Record<string, RectificationState>;
}

export interface SourceScores {
  resident: Hundredths | null;
  regulator: Hundredths | null;
  street: Hundredths | null;
}

/** Machine-readable flags on a firm's result. */
export type Flag =
  | 'insufficient_sample' // 样本量不足
  | 'renormalized' // 缺少来源，权重已重新归一
  | 'excluded' // 缺少来源，未参与排名
  | 'forced' // 缺少来源，强制计算
  | 'veto' // 一票否决
  | 'serious_violation' // 严重违规
  | 'open_rectification' // 整改中
  | 'unrectified' // 整改未通过或逾期
  | 'high_complaints' // 投诉率超过阈值
  | 'single_half' // 年度评价仅有一个半年度成绩
  | 'incomplete_resident' // 部分项目缺少居民评分
  | 'incomplete_street'; // 部分项目缺少街道评分

/**
 * A piece of explanation text: literal Chinese, or a wording key with its arguments rendered when
 * the explanation is read (src/domain/wording.ts). Results store phrases, not the rendered text.
 */
export type Phrase = string | WordingFact;
/** A wording key and its arguments, e.g. ['survey_responses', 312, '86.12']. */
export type WordingFact = readonly [key: string, ...args: WordingArg[]];
export type WordingArg = string | number | boolean | null | readonly string[];

/** One input that went into a firm's result, for the explanation (rendered: P = string). */
export interface ExplainedInput<P extends Phrase = string> {
  source: Source | 'complaints' | 'event' | 'rectification' | 'half';
  /** e.g. a project code, a department, a deduction item. */
  subject: P;
  /** Human-readable value, e.g. "85.40" or "312 份有效问卷，均分 86.12". */
  value: P;
}

/** One rule that fired, with its SPEC §5 number, in plain Chinese (rendered: P = string). */
export interface RuleFiring<P extends Phrase = string> {
  rule: string; // e.g. '5.1', '5.6'
  code: string; // e.g. 'household_weighted_mean', 'red_listed'
  text: P; // Chinese
}

/** An input and a firing as the engine records them. */
export type InputFact = ExplainedInput<Phrase>;
export type RuleFact = RuleFiring<Phrase>;

/** A firm's explanation as a person reads it: inputs in a fixed order, rules in the order they fired. */
export interface Explanation {
  inputs: ExplainedInput[];
  rules: RuleFiring[];
}

/** A firm's explanation as the engine gives it and a result stores it: phrases, inputs unordered. */
export interface ExplanationFacts {
  inputs: InputFact[];
  rules: RuleFact[];
}

export interface FirmResult {
  uscc: string;
  name: string;
  /** Shared ranks 1, 2, 2, 4; null when the firm is not ranked (excluded). */
  rank: number | null;
  composite: Hundredths | null;
  /** Exact composite as "n/d" for audit and bit-for-bit recomputation. */
  compositeExact: string | null;
  scores: SourceScores;
  households: number;
  complaints: number;
  complaintsPer1000: Exact | null;
  /** Valid survey responses and the minimum of SPEC §5.5 (null when the firm has no households to survey). */
  responses: number;
  requiredResponses: number | null;
  grade: string | null;
  list: ListKind | null;
  flags: Flag[];
  /** Why the firm is (or is not) on a list, in Chinese; the first one is the headline. */
  reasons: string[];
  /** Rendered when read: renderExplanation (src/domain/explanation.ts). */
  explanation: ExplanationFacts;
}

/** What blocks a compute under the `block` missing-source policy. */
export interface MissingSource {
  uscc: string;
  name: string;
  sources: Source[];
}

export interface RoundResult {
  roundCode: string;
  kind: RoundKind;
  rulesHash: string;
  /** Ranked firms in rank order, then unranked firms by USCC. */
  firms: FirmResult[];
  /** Ranked firm count N and the red/black slice size from it. */
  ranked: number;
  sliceSize: number;
  /** Size of the bottom (black) slice; equals sliceSize unless the rules give the lists different shares. */
  blackSliceSize: number;
}

/** Consequences decided at publication (SPEC §5.9), pure decisions the app layer stores. */
export interface Certificate {
  uscc: string;
  number: string;
}
export interface RectificationNotice {
  uscc: string;
  /** ISO dates. */
  issuedOn: string;
  deadline: string;
  reinspectBy: string;
}
export interface Proposal {
  uscc: string;
  kind: 'disqualification' | 'exit';
  reason: string;
}
export interface Consequences {
  certificates: Certificate[];
  rectifications: RectificationNotice[];
  interviews: string[];
  proposals: Proposal[];
}

/** A firm's list placement in an earlier half-year round, for the consecutive-black rule. */
export interface FirmHistoryEntry {
  roundCode: string;
  list: ListKind | null;
  /** Result of that round's rectification, if one was issued. */
  rectification: 'passed' | 'failed' | 'overdue' | 'pending' | null;
}
