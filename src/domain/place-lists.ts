/**
 * Ranks scored firms and places them on the lists, in the order the rules need: rank (§5.4), grade
 * (§5.11), black (§5.7, beats red), red (§5.6), key supervision (§5.8); then the firm results with
 * their reasons. Shared by the half-year and the year-end rounds ("the same list rules apply").
 */
import { type FirmResult, type Flag } from './types';
import { type Rules } from './rules';
import { type PlacedFirm, type ScoredFirm } from './standing';
import { rankFirms, sliceMembers } from './ranking';
import { sliceSize as sliceSizeOf, formatHundredths } from './rounding';
import { gradeFor } from './grades';
import { decideBlackList } from './black-list';
import { decideRedList } from './red-list';
import { decideWatchList, flagHighComplaints } from './watch-list';
import { exactString } from './exact';
import { compareText, fire } from './explanation';
import { say } from './wording';

export interface Placement {
  firms: FirmResult[];
  ranked: number;
  sliceSize: number;
  blackSliceSize: number;
}

const FLAG_ORDER: Flag[] = [
  'insufficient_sample',
  'renormalized',
  'excluded',
  'forced',
  'veto',
  'serious_violation',
  'open_rectification',
  'unrectified',
  'high_complaints',
  'single_half',
  'incomplete_resident',
  'incomplete_street',
];

export function placeLists(scored: ScoredFirm[], rules: Rules): Placement {
  // Every field written out (not a spread): one object shape for all firms keeps the list rules' property access fast.
  const firms: PlacedFirm[] = scored.map((f) => ({
    uscc: f.uscc,
    name: f.name,
    composite: f.composite,
    published: f.published,
    scores: f.scores,
    complaintsPer1000: f.complaintsPer1000,
    households: f.households,
    complaints: f.complaints,
    responses: f.responses,
    requiredResponses: f.requiredResponses,
    flags: f.flags,
    vetoEvents: f.vetoEvents,
    seriousEvents: f.seriousEvents,
    inputs: f.inputs,
    rules: f.rules,
    reasons: f.reasons,
    notes: f.notes,
    rank: null,
    position: null,
    grade: null,
    list: null,
    headline: [],
  }));
  const rankable = firms.flatMap((f) =>
    f.published === null ? [] : [{ uscc: f.uscc, composite: f.published, scores: f.scores, complaintsPer1000: f.complaintsPer1000, firm: f }],
  );
  const ranking = rankFirms(rankable, rules.tieBreak);
  const ordered = ranking.map((e) => {
    e.item.firm.rank = e.rank;
    e.item.firm.position = e.position;
    return e.item.firm;
  });
  const n = ordered.length;
  for (const f of ordered) {
    f.rules.push(fire('5.4', 'ranked', say('ranked', f.rank ?? 0, n)));
    if (rules.grades !== null && f.published !== null) {
      f.grade = gradeFor(f.published, rules.grades);
      if (f.grade !== null) f.rules.push(fire('5.11', 'graded', say('graded', formatHundredths(f.published), f.grade)));
    }
  }

  const redSize = sliceSizeOf(n, rules.red.share, rules.rounding);
  const blackSize = sliceSizeOf(n, rules.black.share, rules.rounding);
  const ranks = ordered.map((f) => f.rank ?? 0);
  const toFirms = (s: { members: Set<number>; straddling: Set<number> }) => ({
    members: new Set([...s.members].map((i) => ordered[i] as PlacedFirm)),
    straddling: new Set([...s.straddling].map((i) => ordered[i] as PlacedFirm)),
  });
  const top = toFirms(sliceMembers(ranks, redSize, 'top', rules.tieAtCutoff));
  const bottom = toFirms(sliceMembers(ranks, blackSize, 'bottom', rules.tieAtCutoff));

  flagHighComplaints(firms, rules);
  decideBlackList(firms, bottom, rules);
  decideRedList(ordered, top, redSize, rules);
  decideWatchList(firms, bottom.members, rules);

  for (const f of ordered) {
    if (f.list === null && f.reasons.length === 0 && f.headline.length === 0) {
      f.reasons.push(`综合得分 ${formatHundredths(f.published ?? 0)}，排名第 ${f.rank} 名（共 ${n} 家），未列入红榜、黑榜或重点监管`);
    }
  }

  const unranked = firms.filter((f) => f.rank === null).sort((a, b) => compareText(a.uscc, b.uscc));
  const results = [...ordered, ...unranked].map(toResult);
  return { firms: results, ranked: n, sliceSize: redSize, blackSliceSize: blackSize };
}

function toResult(f: PlacedFirm): FirmResult {
  return {
    uscc: f.uscc,
    name: f.name,
    rank: f.rank,
    composite: f.published,
    compositeExact: f.composite === null ? null : exactString(f.composite),
    scores: f.scores,
    households: f.households,
    complaints: f.complaints,
    complaintsPer1000: f.complaintsPer1000,
    responses: f.responses,
    requiredResponses: f.requiredResponses,
    grade: f.grade,
    list: f.list,
    flags: FLAG_ORDER.filter((flag) => f.flags.has(flag)),
    reasons: [...f.headline, ...f.reasons, ...f.notes],
    explanation: { inputs: f.inputs, rules: f.rules },
  };
}
