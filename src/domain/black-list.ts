/**
 * SPEC §5.7 black list (黑榜): the bottom slice (same size and tie rule as the red slice); a candidate
 * is listed if its published composite is below the threshold (60.00 is not), or it has an
 * unrectified (failed or overdue) rectification, or a serious violation. A veto event (一票否决)
 * black-lists a firm wherever it ranks (`vetoForcesBlack`). With grades, the black grades (plus
 * vetoes) are black. Black beats red: this rule is decided first.
 */
import { type Rules } from './rules';
import { type PlacedFirm } from './standing';
import { decimalToHundredths } from './exact';
import { formatHundredths } from './rounding';
import { fire, percentLabel, pointsLabel } from './explanation';
import { say } from './wording';

export function decideBlackList(
  firms: PlacedFirm[],
  bottomSlice: { members: Set<PlacedFirm>; straddling: Set<PlacedFirm> },
  rules: Rules,
): void {
  const share = percentLabel(rules.black.share);
  const threshold = decimalToHundredths(rules.black.belowComposite);
  const byGrades = rules.grades !== null && rules.grades.listsFrom === 'grades';
  for (const f of firms) {
    const score = f.published === null ? '' : `综合得分 ${formatHundredths(f.published)}，`;
    if (f.vetoEvents.length > 0 && rules.black.vetoForcesBlack) {
      f.list = 'black';
      f.rules.push(fire('5.7', 'veto_forces_black', say('veto_black', f.vetoEvents)));
      f.reasons.push(`存在一票否决事件（${f.vetoEvents.join('、')}），不论排名，列入黑榜`);
      continue;
    }
    if (f.published === null) continue;
    // without vetoForcesBlack a veto still counts as a serious violation
    const serious = [...f.seriousEvents, ...f.vetoEvents];
    if (byGrades && rules.grades !== null) {
      if (f.grade !== null && rules.grades.blackGrades.includes(f.grade)) {
        f.list = 'black';
        f.rules.push(fire('5.11', 'black_listed', say('black_listed_grade', f.grade)));
        f.reasons.push(`${score}评定为 ${f.grade} 级，列入黑榜`);
      }
      continue;
    }
    if (bottomSlice.straddling.has(f)) {
      const included = rules.tieAtCutoff === 'include';
      f.rules.push(fire('5.7', included ? 'black_tie_included' : 'black_tie_excluded', say('black_tie', share, included)));
      if (rules.tieAtCutoff === 'exclude') f.reasons.push(`${score}与其他企业完全并列于倒数${share}的分界处，按并列处理规则不纳入黑榜候选`);
    }
    if (!bottomSlice.members.has(f)) continue;
    const conditions: string[] = [];
    if (f.published < threshold) conditions.push(`低于${pointsLabel(rules.black.belowComposite)}`);
    if (f.flags.has('unrectified')) conditions.push('整改未通过或逾期');
    if (serious.length > 0) conditions.push(`存在严重违规（${serious.join('、')}）`);
    if (conditions.length === 0) {
      f.rules.push(fire('5.7', 'black_condition_not_met', say('black_not_met', share, pointsLabel(rules.black.belowComposite))));
      continue;
    }
    f.list = 'black';
    f.rules.push(fire('5.7', 'black_listed', say('black_listed', share, conditions)));
    f.reasons.push(`${score}位列倒数${share}且${conditions.join('、')}，列入黑榜`);
  }
}
