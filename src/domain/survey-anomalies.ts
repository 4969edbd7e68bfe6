/**
 * Signs of ballot stuffing in a round's online answers, per project (SPEC §10):
 * - burst: at least 20 answers within 10 minutes;
 * - identical patterns: the project's commonest answer pattern (the five levels in order) makes up
 *   at least half of its answers (10 answers or more) and at least three times that pattern's
 *   share among the city's answers;
 * - one address: at least 5 households answered from the same address (compared as keyed hashes);
 * - fast answers: at least 5 answers submitted under 10 seconds after the page showed the
 *   questionnaire (five items and a comment take a person longer; a script or a stack of letters
 *   filled in by one hand does not).
 * Pure: the answers come in, the flags with their figures and Chinese reasons go out.
 */

export const BURST_ANSWERS = 20;
export const BURST_WINDOW_MS = 10 * 60_000;
export const PATTERN_MIN_ANSWERS = 10;
export const PATTERN_MIN_SHARE = 0.5;
export const PATTERN_CITY_FACTOR = 3;
export const SAME_ADDRESS_HOUSEHOLDS = 5;
export const FAST_ANSWER_MS = 10_000;
export const FAST_MIN_ANSWERS = 5;

export interface OnlineAnswerFact {
  projectCode: string;
  /** Milliseconds since the epoch of the (latest) answer. */
  at: number;
  /** The levels in questionnaire order, joined: one string per distinct way of answering. */
  pattern: string;
  addressHash: string | null;
  /** Milliseconds since the epoch when the page showed the questionnaire; null or absent when it did not (an API answer). */
  openedAt?: number | null;
  /** Which household answered (to name the flagged answers for an exclusion); not shown. */
  household?: string;
}

export type AnomalyKind = 'burst' | 'identical_patterns' | 'same_address' | 'fast_answers';

export interface ProjectAnomaly {
  kind: AnomalyKind;
  /** The figure behind the flag: answers in the window, share in percent (integer), households, fast answers. */
  value: number;
  reason: string;
}

export interface ProjectAnomalies {
  projectCode: string;
  answers: number;
  anomalies: ProjectAnomaly[];
}

/** Most answers inside any window of BURST_WINDOW_MS, and when that window starts. */
function largestBurst(times: number[]): { count: number; start: number } {
  const sorted = [...times].sort((a, b) => a - b);
  let best = { count: 0, start: 0 };
  let lo = 0;
  for (let hi = 0; hi < sorted.length; hi += 1) {
    while ((sorted[hi] as number) - (sorted[lo] as number) >= BURST_WINDOW_MS) lo += 1;
    if (hi - lo + 1 > best.count) best = { count: hi - lo + 1, start: sorted[lo] as number };
  }
  return best;
}

/** China time of an instant, for the reasons: 2025-03-01 10:05. */
function chinaTime(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
}

const percent = (share: number): number => Math.round(share * 100);

/** Submitted under FAST_ANSWER_MS after the questionnaire was shown. */
function isFast(f: OnlineAnswerFact): boolean {
  if (f.openedAt === undefined || f.openedAt === null) return false;
  const took = f.at - f.openedAt;
  return took >= 0 && took < FAST_ANSWER_MS;
}

/** The projects with at least one sign, in project code order; the others are left out. */
export function surveyAnomalies(facts: readonly OnlineAnswerFact[]): ProjectAnomalies[] {
  const cityPatterns = new Map<string, number>();
  const byProject = new Map<string, OnlineAnswerFact[]>();
  for (const f of facts) {
    cityPatterns.set(f.pattern, (cityPatterns.get(f.pattern) ?? 0) + 1);
    const list = byProject.get(f.projectCode) ?? [];
    list.push(f);
    byProject.set(f.projectCode, list);
  }
  const out: ProjectAnomalies[] = [];
  for (const code of [...byProject.keys()].sort()) {
    const list = byProject.get(code) as OnlineAnswerFact[];
    const anomalies: ProjectAnomaly[] = [];

    const burst = largestBurst(list.map((f) => f.at));
    if (burst.count >= BURST_ANSWERS) {
      anomalies.push({ kind: 'burst', value: burst.count, reason: `${chinaTime(burst.start)} 起 10 分钟内集中提交 ${burst.count} 份（≥ ${BURST_ANSWERS} 份）` });
    }

    if (list.length >= PATTERN_MIN_ANSWERS) {
      const counts = new Map<string, number>();
      for (const f of list) counts.set(f.pattern, (counts.get(f.pattern) ?? 0) + 1);
      const [pattern, count] = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0] as [string, number];
      const share = count / list.length;
      const cityShare = (cityPatterns.get(pattern) as number) / facts.length;
      if (share >= PATTERN_MIN_SHARE && share >= PATTERN_CITY_FACTOR * cityShare) {
        anomalies.push({
          kind: 'identical_patterns',
          value: percent(share),
          reason: `${count} / ${list.length} 份（${percent(share)}%）答案完全相同（${pattern.replace(/\|/g, '、')}），全市同样答案占 ${percent(cityShare)}%`,
        });
      }
    }

    const addresses = new Map<string, number>();
    for (const f of list) if (f.addressHash) addresses.set(f.addressHash, (addresses.get(f.addressHash) ?? 0) + 1);
    const most = Math.max(0, ...addresses.values());
    if (most >= SAME_ADDRESS_HOUSEHOLDS) anomalies.push({ kind: 'same_address', value: most, reason: `${most} 户从同一网络地址作答（≥ ${SAME_ADDRESS_HOUSEHOLDS} 户）` });

    const fast = list.filter(isFast).length;
    if (fast >= FAST_MIN_ANSWERS) anomalies.push({ kind: 'fast_answers', value: fast, reason: `${fast} 份从打开问卷到提交不足 ${FAST_ANSWER_MS / 1000} 秒（≥ ${FAST_MIN_ANSWERS} 份）` });

    if (anomalies.length > 0) out.push({ projectCode: code, answers: list.length, anomalies });
  }
  return out;
}

/**
 * The households of a project whose answers carry a flag: those inside its largest burst, those
 * with its over-represented pattern, those from an address shared by 5 households or more.
 * Empty when the project has no flag.
 */
export function flaggedHouseholds(facts: readonly OnlineAnswerFact[], projectCode: string): Set<string> {
  const report = surveyAnomalies(facts).find((p) => p.projectCode === projectCode);
  const out = new Set<string>();
  if (!report) return out;
  const list = facts.filter((f) => f.projectCode === projectCode && f.household !== undefined);
  for (const a of report.anomalies) {
    if (a.kind === 'burst') {
      const { start } = largestBurst(list.map((f) => f.at));
      for (const f of list) if (f.at >= start && f.at - start < BURST_WINDOW_MS) out.add(f.household as string);
    } else if (a.kind === 'identical_patterns') {
      const counts = new Map<string, number>();
      for (const f of list) counts.set(f.pattern, (counts.get(f.pattern) ?? 0) + 1);
      const [pattern] = [...counts.entries()].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0]))[0] as [string, number];
      for (const f of list) if (f.pattern === pattern) out.add(f.household as string);
    } else if (a.kind === 'fast_answers') {
      for (const f of list) if (isFast(f)) out.add(f.household as string);
    } else {
      const counts = new Map<string, number>();
      for (const f of list) if (f.addressHash) counts.set(f.addressHash, (counts.get(f.addressHash) ?? 0) + 1);
      for (const f of list) if (f.addressHash && (counts.get(f.addressHash) ?? 0) >= SAME_ADDRESS_HOUSEHOLDS) out.add(f.household as string);
    }
  }
  return out;
}
