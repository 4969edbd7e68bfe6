/**
 * SPEC §5.9 consequences, decided at publication (pure: the publication date comes in):
 * - red: a certificate (荣誉证书) numbered `${roundCode}-HB-${NNN}` in rank order;
 * - black: a rectification notice (整改通知书) with a deadline (publishedOn + deadlineDays) and a
 *   re-inspection (回头看, deadline + reinspectDays), and an interview (约谈) of the legal representative;
 * - black in this and the k−1 immediately preceding half-year rounds, with the latest earlier
 *   rectification not passed → a disqualification proposal (取消从业资格建议);
 * - last rank and complaints per 1,000 households ≥ threshold → an exit proposal (清退建议).
 */
import { type Consequences, type FirmHistoryEntry, type RoundResult } from './types';
import { type Rules } from './rules';
import { addDays } from './dates';
import { previousHalfYear } from './round-code';
import { fromDecimal } from './exact';
import { formatExact } from './rounding';

export interface ConsequenceOptions {
  /** ISO date of publication. */
  publishedOn: string;
  /** Earlier half-year rounds, oldest first, per USCC. */
  history: Record<string, FirmHistoryEntry[]>;
  /** The round is a half-year round (the consecutive-black rule counts half-year rounds only). */
  halfYear: boolean;
}

export { addDays, previousHalfYear };

export function decideConsequences(result: RoundResult, rules: Rules, opts: ConsequenceOptions): Consequences {
  const deadline = addDays(opts.publishedOn, rules.consequences.deadlineDays);
  const reinspectBy = addDays(deadline, rules.consequences.reinspectDays);
  const red = result.firms.filter((f) => f.list === 'red');
  const black = result.firms.filter((f) => f.list === 'black');

  const consequences: Consequences = {
    certificates: red.map((f, i) => ({ uscc: f.uscc, number: `${result.roundCode}-HB-${String(i + 1).padStart(3, '0')}` })),
    rectifications: black.map((f) => ({ uscc: f.uscc, issuedOn: opts.publishedOn, deadline, reinspectBy })),
    interviews: black.map((f) => f.uscc),
    proposals: [],
  };

  const k = rules.consequences.consecutiveBlack;
  if (opts.halfYear) {
    for (const f of black) {
      const earlier = opts.history[f.uscc] ?? [];
      if (!blackInPrecedingRounds(result.roundCode, earlier, k - 1)) continue;
      const latest = [...earlier].reverse().find((e) => e.rectification !== null);
      const status = latest?.rectification ?? null;
      if (status === 'passed') continue;
      const statusText = status === null ? '未见整改结果' : { failed: '整改未通过', overdue: '整改逾期', pending: '整改尚未验收' }[status];
      consequences.proposals.push({
        uscc: f.uscc,
        kind: 'disqualification',
        reason: `连续 ${k} 个半年度评价期列入黑榜，且最近一次${statusText}，建议取消从业资格`,
      });
    }
  }

  const ranks = result.firms.flatMap((f) => (f.rank === null ? [] : [f.rank]));
  const lastRank = ranks.length === 0 ? null : Math.max(...ranks);
  const exitThreshold = fromDecimal(rules.consequences.exitComplaintsPer1000, 2);
  for (const f of result.firms) {
    if (lastRank === null || f.rank !== lastRank || f.complaintsPer1000 === null) continue;
    if (f.complaintsPer1000.compare(exitThreshold) < 0) continue;
    consequences.proposals.push({
      uscc: f.uscc,
      kind: 'exit',
      reason: `排名末位，且每千户投诉 ${formatExact(f.complaintsPer1000)} 件，达到 ${rules.consequences.exitComplaintsPer1000} 件的清退标准，建议清退其服务项目`,
    });
  }
  return consequences;
}

/** Black in each of the `count` half-year rounds immediately before `roundCode`. */
function blackInPrecedingRounds(roundCode: string, earlier: FirmHistoryEntry[], count: number): boolean {
  let code: string | null = roundCode;
  for (let i = 0; i < count; i++) {
    code = code === null ? null : previousHalfYear(code);
    const entry = earlier.find((e) => e.roundCode === code);
    if (code === null || entry === undefined || entry.list !== 'black') return false;
  }
  return true;
}
