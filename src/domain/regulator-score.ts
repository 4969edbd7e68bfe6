/**
 * 行管部门评分 (SPEC §4): per-department scores averaged exactly, or a deduction sheet — base 100,
 * each catalogue item counted once per (item, project) (NSPIRE's rule: a duplicate keeps the largest
 * points), firm-level rows once per item, bonus items capped (default +5), clamped to [0, 100].
 */
import { type DeductionInput, type Exact, type InputFact, type RegulatorInput } from './types';
import { type DeductionItem, type DeductionRules } from './rules';
import { DomainError } from './errors';
import { HUNDRED, ZERO, decimalToHundredths, exact, fromDecimal, fromHundredths, maxExact, minExact } from './exact';
import { formatExact, formatHundredths } from './rounding';
import { input } from './explanation';
import { say } from './wording';

export interface RegulatorScore {
  score: Exact | null;
  inputs: InputFact[];
}

export function regulatorScore(regulator: RegulatorInput | null, rules: DeductionRules, uscc: string): RegulatorScore {
  if (regulator === null) return { score: null, inputs: [] };
  if (regulator.form === 'departments') return departmentsScore(regulator.scores);
  return deductionsScore(regulator.rows, rules, uscc);
}

function departmentsScore(scores: { department: string; score: number }[]): RegulatorScore {
  if (scores.length === 0) return { score: null, inputs: [] };
  // Σ hundredths / (100 × departments), one fraction
  const total = scores.reduce((acc, s) => acc + BigInt(s.score), 0n);
  return {
    score: exact(total, 100n * BigInt(scores.length)),
    inputs: scores.map((s) => input('regulator', s.department, formatHundredths(s.score))),
  };
}

function deductionsScore(rows: DeductionInput[], rules: DeductionRules, uscc: string): RegulatorScore {
  if (rows.length === 0) return { score: null, inputs: [] };
  const catalogue = new Map<string, DeductionItem>(rules.catalogue.map((i) => [i.code, i]));
  // (item, project) → the largest points among its rows, and how many rows it had
  const counted = new Map<string, { row: DeductionInput; item: DeductionItem; rows: number }>();
  for (const row of rows) {
    const item = catalogue.get(row.item);
    const where = row.projectCode === null ? '企业层面' : `项目 ${row.projectCode}`;
    if (item === undefined) {
      throw new DomainError('INPUT_INVALID', `企业 ${uscc} 的扣分项 ${row.item}（${where}）不在扣分项目录中`, {
        uscc,
        field: 'item',
        item: row.item,
        projectCode: row.projectCode,
      });
    }
    if (!Number.isInteger(row.points) || row.points < 0 || row.points > decimalToHundredths(item.points)) {
      throw new DomainError(
        'INPUT_INVALID',
        `企业 ${uscc} 的扣分项 ${row.item}（${where}）分值 ${formatHundredths(row.points)} 无效：须在 0 到目录规定的 ${item.points} 分之间`,
        { uscc, field: 'points', item: row.item, projectCode: row.projectCode },
      );
    }
    const key = `${row.projectCode ?? ''}\u0000${row.item}`;
    const seen = counted.get(key);
    if (seen === undefined) counted.set(key, { row, item, rows: 1 });
    else counted.set(key, { row: row.points > seen.row.points ? row : seen.row, item, rows: seen.rows + 1 });
  }

  const inputs: InputFact[] = [];
  let deductions = ZERO;
  let bonus = ZERO;
  for (const { row, item, rows: n } of counted.values()) {
    const points = fromHundredths(row.points);
    if (item.kind === 'bonus') bonus = bonus.add(points);
    else deductions = deductions.add(points);
    inputs.push(
      input('regulator', say('deduction_item', item.code, item.description, row.projectCode), say('deduction_points', item.kind === 'bonus', formatHundredths(row.points), n)),
    );
  }
  const cap = fromDecimal(rules.bonusCap, 2);
  const bonusCounted = minExact(bonus, cap);
  if (bonus.compare(cap) > 0) {
    inputs.push(input('regulator', '加分封顶', say('bonus_capped', formatExact(bonus), formatExact(cap))));
  }
  const raw = HUNDRED.sub(deductions).add(bonusCounted);
  const score = minExact(HUNDRED, maxExact(ZERO, raw));
  inputs.push(
    input('regulator', '扣分表合计', say('deduction_total', formatExact(deductions), formatExact(bonusCounted), formatExact(score))),
  );
  return { score, inputs };
}
