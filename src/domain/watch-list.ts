/**
 * SPEC §5.8 key supervision (重点监管, optional tier, on by default): bottom-slice firms that did not
 * meet a black condition, and any firm on neither list whose complaints per 1,000 households exceed
 * the threshold (default 20). With grades, the watch grades replace the bottom slice.
 */
import { type Rules } from './rules';
import { type PlacedFirm } from './standing';
import { fromDecimal } from './exact';
import { formatExact, formatHundredths } from './rounding';
import { fire, percentLabel } from './explanation';
import { renderPhrase, say } from './wording';

/** Flags firms above the complaint threshold (whatever their list). */
export function flagHighComplaints(firms: PlacedFirm[], rules: Rules): void {
  const threshold = fromDecimal(rules.watch.complaintsPer1000Above, 2);
  for (const f of firms) {
    if (f.complaintsPer1000 !== null && f.complaintsPer1000.compare(threshold) > 0) f.flags.add('high_complaints');
  }
}

export function decideWatchList(firms: PlacedFirm[], bottomSlice: Set<PlacedFirm>, rules: Rules): void {
  if (!rules.watch.enabled) return;
  const byGrades = rules.grades !== null && rules.grades.listsFrom === 'grades';
  for (const f of firms) {
    if (f.list !== null) continue;
    const score = f.published === null ? '' : `综合得分 ${formatHundredths(f.published)}，`;
    if (byGrades && rules.grades !== null && f.grade !== null && rules.grades.watchGrades.includes(f.grade)) {
      f.list = 'watch';
      f.rules.push(fire('5.11', 'watch_listed', say('watch_grade', f.grade)));
      f.reasons.push(`${score}评定为 ${f.grade} 级，列入重点监管`);
    } else if (!byGrades && bottomSlice.has(f)) {
      const share = percentLabel(rules.black.share);
      f.list = 'watch';
      f.rules.push(fire('5.8', 'watch_listed', say('watch_slice', share)));
      f.reasons.push(`${score}位列倒数${share}，未达到黑榜条件，列入重点监管`);
    }
    if (f.flags.has('high_complaints') && f.complaintsPer1000 !== null) {
      const per1000 = formatExact(f.complaintsPer1000);
      const above = String(rules.watch.complaintsPer1000Above);
      const high = say('high_complaints', per1000, above);
      const text = renderPhrase(high);
      if (f.list === null) {
        f.list = 'watch';
        f.rules.push(fire('5.8', 'watch_listed', say('watch_complaints', per1000, above)));
        f.reasons.push(`${text}，列入重点监管`);
      } else {
        f.rules.push(fire('5.8', 'high_complaints', high));
        f.reasons.push(text);
      }
    }
  }
}
