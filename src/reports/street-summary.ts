/**
 * 街道汇总: per street, its projects and households, the household-weighted mean resident and street
 * scores of its projects (exact: integer sums, rounded half-up to hundredths once), and how many of
 * the firms working there are on each list. Shared by the workbook and the per-street chart.
 */
import { type FirmResult, type Hundredths } from '../domain/types';
import { type ReportProject } from './report-data';

export interface StreetSummary {
  street: string;
  projects: number;
  households: number;
  firms: number;
  /** Household-weighted mean over the projects that have the score; null when none has. */
  resident: Hundredths | null;
  streetScore: Hundredths | null;
  redFirms: number;
  blackFirms: number;
  watchFirms: number;
}

/**
 * Σ(households × score) / Σ households, half-up to hundredths. The sums are integers far below 2^53
 * (10^4 households × 10^4 hundredths × 10^5 projects = 10^13), so they are exact as numbers; the
 * division is done in BigInt, never in floating point.
 */
function weightedMean(weighted: number, weight: number): Hundredths | null {
  if (weight === 0) return null;
  if (!Number.isSafeInteger(weighted) || !Number.isSafeInteger(weight)) {
    throw new RangeError(`household-weighted sum out of exact range: ${weighted} / ${weight}`);
  }
  const [w, d] = [BigInt(weighted), BigInt(weight)];
  return Number((2n * w + d) / (2n * d));
}

interface Accumulator {
  street: string;
  projects: number;
  households: number;
  residentSum: number;
  residentWeight: number;
  streetSum: number;
  streetWeight: number;
  /** Indices (into `firms`, or past its end for an unknown USCC) of the firms working in the street. */
  firms: Set<number>;
}

/** Streets in the order of their first project in `projects`. */
export function summarizeStreets(projects: readonly ReportProject[], firms: readonly FirmResult[]): StreetSummary[] {
  const indexOf = new Map<string, number>();
  firms.forEach((firm, i) => indexOf.set(firm.uscc, i));
  const unknown = new Map<string, number>();
  const byStreet = new Map<string, Accumulator>();
  for (const project of projects) {
    let acc = byStreet.get(project.street);
    if (!acc) {
      acc = { street: project.street, projects: 0, households: 0, residentSum: 0, residentWeight: 0, streetSum: 0, streetWeight: 0, firms: new Set() };
      byStreet.set(project.street, acc);
    }
    const households = project.households;
    acc.projects += 1;
    acc.households += households;
    let firm = indexOf.get(project.firmUscc);
    if (firm === undefined) {
      firm = unknown.get(project.firmUscc) ?? firms.length + unknown.size;
      unknown.set(project.firmUscc, firm);
    }
    acc.firms.add(firm);
    if (project.resident !== null) {
      acc.residentSum += households * project.resident;
      acc.residentWeight += households;
    }
    if (project.streetScore !== null) {
      acc.streetSum += households * project.streetScore;
      acc.streetWeight += households;
    }
  }
  const summaries: StreetSummary[] = [];
  for (const acc of byStreet.values()) {
    let red = 0;
    let black = 0;
    let watch = 0;
    for (const i of acc.firms) {
      const list = firms[i]?.list ?? null;
      if (list === 'red') red += 1;
      else if (list === 'black') black += 1;
      else if (list === 'watch') watch += 1;
    }
    summaries.push({
      street: acc.street,
      projects: acc.projects,
      households: acc.households,
      firms: acc.firms.size,
      resident: weightedMean(acc.residentSum, acc.residentWeight),
      streetScore: weightedMean(acc.streetSum, acc.streetWeight),
      redFirms: red,
      blackFirms: black,
      watchFirms: watch,
    });
  }
  return summaries;
}
