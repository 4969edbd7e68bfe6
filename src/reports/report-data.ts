/**
 * Everything a round's report needs (workbook, charts, score cards), assembled by the caller from
 * the database. The builders of src/reports read only this: no database, no clock, no files.
 *
 * Units: every score is integer hundredths (`Hundredths`, 8540 = 85.40), as published.
 */
import {
  type Certificate,
  type FirmResult,
  type Hundredths,
  type ListKind,
  type RoundKind,
  type RoundResult,
  type RoundStatus,
} from '../domain/types';

export interface ReportRound {
  /** e.g. '2025-H1', '2025-Y' */
  code: string;
  kind: RoundKind;
  status: RoundStatus;
  /** ISO timestamp of publication; null while not published. Printed as a China date and time. */
  publishedAt: string | null;
  /** The round's rule document, canonical JSON (the text that was hashed). */
  rulesJson: string;
  /** sha256 of `rulesJson`, hex. */
  rulesHash: string;
  /** 评价方法: lines of Chinese explanation, printed as they are. */
  method: string[];
}

/** One project (物业服务项目) of the round, with its own inputs. */
export interface ReportProject {
  code: string;
  name: string;
  /** 街道 name. */
  street: string;
  /** 社区, if known. */
  community: string | null;
  firmUscc: string;
  firmName: string;
  /** 户数 (> 0). */
  households: number;
  /** 居民评分 of the project; null when no valid survey. */
  resident: Hundredths | null;
  /** 有效问卷数. */
  residentResponses: number;
  /** 街道评分 of the project; null when the street has not scored it. (Named `streetScore` because `street` is the street's name.) */
  streetScore: Hundredths | null;
  /** 投诉数 in the round. */
  complaints: number;
}

/** How a firm's regulator score (行管评分) was obtained, in words (departments averaged, deductions…). */
export interface ReportRegulatorDetail {
  firmUscc: string;
  detail: string;
}

export interface StreetCompleteness {
  street: string;
  projects: number;
  /** Projects with a street score. */
  withStreetScore: number;
  /** Projects with a resident score. */
  withResident: number;
}

/** A firm short of the survey minimum (it may not be red-listed). */
export interface InsufficientSample {
  uscc: string;
  name: string;
  responses: number;
  required: number;
}

export interface ReportCompleteness {
  byStreet: StreetCompleteness[];
  /** Firms with no regulator score. */
  firmsWithoutRegulator: number;
  insufficientSample: InsufficientSample[];
  /** Online answers the bureau excluded as ballot stuffing (SPEC §10); absent or empty when none. */
  surveyExclusions?: ReportSurveyExclusion[];
}

export interface ReportSurveyExclusion {
  projectCode: string;
  projectName: string;
  firmUscc: string;
  firmName: string;
  households: number;
  reason: string;
  by: string;
  /** yyyy-mm-dd */
  day: string;
}

export interface PreviousFirm {
  uscc: string;
  /** Known when the firm no longer takes part; otherwise the current name is shown. */
  name?: string;
  rank: number | null;
  composite: Hundredths | null;
  list: ListKind | null;
}

/** The previous round of the same kind, for 与上期对比. */
export interface PreviousRound {
  code: string;
  /** A list imported from before the system (SPEC §11), not a round run here. */
  imported?: boolean;
  firms: PreviousFirm[];
}

/** One earlier (or this) round of a firm, for the trend on its score card. */
export interface FirmHistoryPoint {
  roundCode: string;
  rank: number | null;
  composite: Hundredths | null;
  list: ListKind | null;
}

/** A black-listed firm's rectification notice and its re-inspection (回头看). */
export interface ReportRectification {
  uscc: string;
  /** ISO dates. */
  deadline: string;
  reinspectBy: string;
  /** null: not yet re-inspected. */
  result: 'passed' | 'failed' | null;
}

/** One half year of a year-end round, with its own detail, so the year-end workbook can show it. */
export interface ReportHalf {
  /** e.g. '2025-H1' */
  code: string;
  /** The half year's firm results in its rank order (its own source scores). */
  firms: FirmResult[];
  projects: ReportProject[];
  regulator: ReportRegulatorDetail[];
  completeness: ReportCompleteness;
}

export interface ReportData {
  round: ReportRound;
  /** Firms in rank order with published scores, lists, flags and reasons (not their explanations). */
  result: RoundResult;
  /** Half year: its projects. Year-end round: empty (see `halves`). */
  projects: ReportProject[];
  regulator: ReportRegulatorDetail[];
  completeness: ReportCompleteness;
  /** null: no previous round ("无上期数据"). */
  previous: PreviousRound | null;
  /**
   * Year-end round: its half years that have a computation (H1 then H2), whose projects, street
   * summary and completeness the workbook shows. Half-year round: empty (its own detail is above).
   */
  halves: ReportHalf[];
  /** 荣誉证书 numbers of the red-listed firms. */
  certificates: Certificate[];
  /** 整改通知 of the black-listed firms (issued at publication; empty before). */
  rectifications: ReportRectification[];
  /** Per USCC, oldest round first (this round included, if the caller wants it on the trend). */
  history: Record<string, FirmHistoryPoint[]>;
  /** ISO timestamp, given by the caller (the builders read no clock). */
  generatedAt: string;
}
