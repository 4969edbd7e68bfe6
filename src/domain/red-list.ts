/**
 * SPEC §5.6 red list (红榜): the top slice of `rounding(N × share)` ranked firms are the candidates
 * (a complete tie straddling the cut-off: all out with `exclude`, all in with `include`); a candidate
 * is listed only if its published composite ≥ the threshold, it has no veto event, no
 * `insufficient_sample`, no open or failed rectification, no serious violation, and it is not black.
 * The list is not refilled from below unless `refill` (then down the ranking until the slice size is
 * reached, never below the threshold). With grades, the red grades replace the slice.
 */
import { type Rules } from './rules';
import { type PlacedFirm, publishedOrThrow } from './standing';
import { decimalToHundredths } from './exact';
import { formatHundredths } from './rounding';
import { fire, percentLabel, pointsLabel } from './explanation';
import { renderPhrase, say } from './wording';

/** Why a firm may not be red-listed, in Chinese phrases; empty when it may. */
export function redBlockers(f: PlacedFirm, rules: Rules, checkThreshold: boolean): string[] {
  const blockers: string[] = [];
  if (f.vetoEvents.length > 0) blockers.push(`存在一票否决事件（${f.vetoEvents.join('、')}）`);
  if (checkThreshold && f.published !== null && f.published < decimalToHundredths(rules.red.minComposite)) {
    blockers.push(`低于${pointsLabel(rules.red.minComposite)}`);
  }
  if (f.flags.has('insufficient_sample')) {
    blockers.push(
      f.requiredResponses === null
        ? '居民调查样本量不足'
        : `居民调查样本量不足（有效问卷 ${f.responses} 份，至少需 ${f.requiredResponses} 份）`,
    );
  }
  if (f.flags.has('open_rectification')) blockers.push('存在未完成的整改');
  if (f.flags.has('unrectified')) blockers.push('整改未通过或逾期');
  if (f.seriousEvents.length > 0) blockers.push(`存在严重违规（${f.seriousEvents.join('、')}）`);
  if (f.list === 'black' && blockers.length === 0) blockers.push('已列入黑榜');
  return blockers;
}

export function decideRedList(
  ordered: PlacedFirm[],
  topSlice: { members: Set<PlacedFirm>; straddling: Set<PlacedFirm> },
  sliceSize: number,
  rules: Rules,
): void {
  if (rules.grades !== null && rules.grades.listsFrom === 'grades') {
    decideRedByGrades(ordered, rules);
    return;
  }
  const share = percentLabel(rules.red.share);
  let listed = 0;
  for (const f of ordered) {
    const score = `综合得分 ${formatHundredths(publishedOrThrow(f))}，`;
    if (topSlice.straddling.has(f)) {
      const included = rules.tieAtCutoff === 'include';
      f.rules.push(fire('5.6', included ? 'red_tie_included' : 'red_tie_excluded', say('red_tie', share, included)));
      if (!included) f.reasons.push(`${score}与其他企业完全并列于前${share}的分界处，按并列处理规则不列入红榜`);
    }
    if (!topSlice.members.has(f)) continue;
    const blockers = redBlockers(f, rules, true);
    if (blockers.length === 0) {
      f.list = 'red';
      listed++;
      f.rules.push(fire('5.6', 'red_listed', say('red_listed', share, pointsLabel(rules.red.minComposite))));
      f.reasons.push(`${score}位列前${share}，列入红榜`);
      continue;
    }
    const fact = say('red_blocked', share, blockers);
    const text = renderPhrase(fact);
    f.rules.push(fire('5.6', 'red_blocked', fact));
    if (f.list === 'black') f.headline.push(`${text}，列入黑榜`);
    else f.reasons.push(`${score}${text}`);
  }
  if (rules.red.refill) refill(ordered, topSlice.members, sliceSize, listed, rules);
}

/** Continue down the ranking, tie group by tie group, until `size` firms are listed. */
function refill(ordered: PlacedFirm[], slice: Set<PlacedFirm>, size: number, alreadyListed: number, rules: Rules): void {
  let listed = alreadyListed;
  const threshold = decimalToHundredths(rules.red.minComposite);
  const rest = ordered.filter((f) => !slice.has(f));
  let i = 0;
  while (listed < size && i < rest.length) {
    const head = rest[i];
    if (head === undefined || publishedOrThrow(head) < threshold) break;
    const group = rest.filter((f) => f.rank === head.rank);
    i += group.length;
    const eligible = group.filter((f) => f.list === null && redBlockers(f, rules, true).length === 0);
    if (listed + eligible.length > size && rules.tieAtCutoff === 'exclude') break;
    for (const f of eligible) {
      f.list = 'red';
      listed++;
      f.rules.push(fire('5.6', 'red_listed', say('red_refill', percentLabel(rules.red.share))));
      f.reasons.push(`综合得分 ${formatHundredths(publishedOrThrow(f))}，排名第 ${f.rank} 名，按递补规则列入红榜`);
    }
  }
}

function decideRedByGrades(ordered: PlacedFirm[], rules: Rules): void {
  const grades = rules.grades;
  if (grades === null) return;
  for (const f of ordered) {
    if (f.grade === null || !grades.redGrades.includes(f.grade)) continue;
    const score = `综合得分 ${formatHundredths(publishedOrThrow(f))}，`;
    const blockers = redBlockers(f, rules, false);
    if (blockers.length === 0) {
      f.list = 'red';
      f.rules.push(fire('5.11', 'red_listed', say('red_listed_grade', f.grade)));
      f.reasons.push(`${score}评定为 ${f.grade} 级，列入红榜`);
      continue;
    }
    const fact = say('red_blocked_grade', f.grade, blockers);
    const text = renderPhrase(fact);
    f.rules.push(fire('5.11', 'red_blocked', fact));
    if (f.list === 'black') f.headline.push(`${text}，列入黑榜`);
    else f.reasons.push(`${score}${text}`);
  }
}
