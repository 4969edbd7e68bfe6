/**
 * Entry templates (SPEC §7): an XLSX with the Chinese headers of a kind, pre-filled with the rows of
 * the person's scope, and data validation on the cells they fill in.
 *
 * Written with exceljs's streaming writer (useStyles: true, each row committed). No hyperlinks and no
 * sheet protection: exceljs's streaming writer puts those elements out of the schema's order next to
 * data validation, which Excel reports as a corrupt file (exceljs issue 2784).
 */
import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { ANSWER_HUNDREDTHS } from '../domain/answers';
import { columnLetter } from '../domain/column-letter';
import { type ColumnSpec, type ImportKind, KINDS } from './kinds';

/** exceljs's worksheets (streaming too) accept a validation for a whole range; its typings only declare the per-cell one. */
interface RangeValidations {
  dataValidations: { add(range: string, validation: ExcelJS.DataValidation): void };
}

export type TemplateRow = Readonly<Record<string, string | number | null | undefined>>;

/**
 * Validation covers the pre-filled rows and this many more for rows a person adds. Not the whole
 * column: exceljs's (non-streaming) reader expands a validated range cell by cell, and a million-row
 * range made opening a template take tens of seconds. Rows past it are still checked on import.
 */
const SPARE_ROWS = 5_000;

/** Columns holding codes: stored as text so Excel keeps leading zeros and all 18 USCC characters. */
const TEXT_COLUMNS = new Set(['code', 'uscc', 'firmUscc', 'projectCode', 'household']);

function listValidation(values: string[], prompt: string): ExcelJS.DataValidation {
  return {
    type: 'list',
    allowBlank: true,
    formulae: [`"${values.join(',')}"`],
    showErrorMessage: true,
    errorStyle: 'stop',
    errorTitle: '输入有误',
    error: prompt,
  };
}

function validationFor(column: ColumnSpec): ExcelJS.DataValidation | null {
  if (column.score) {
    const decimals = column.exact ? '可带小数（如调查机构用平均值函数算出的 78.6666666666667）' : '最多两位小数';
    return {
      type: 'decimal',
      operator: 'between',
      allowBlank: true,
      formulae: [0, 100],
      showErrorMessage: true,
      errorStyle: 'stop',
      errorTitle: '输入有误',
      error: `${column.zh}必须是 0–100 之间的数字，${decimals}`,
      showInputMessage: true,
      promptTitle: column.zh,
      prompt: `请输入 0–100 之间的数字，${decimals}；不要设为百分比格式`,
    };
  }
  switch (column.key) {
    case 'answer':
      return listValidation(Object.keys(ANSWER_HUNDREDTHS), '满意度只能填写 非常满意、满意、一般、不满意、非常不满意');
    case 'veto':
      return listValidation(['是', '否'], '一票否决只能填写 是 或 否');
    case 'severity':
      return listValidation(['一般', '严重'], '严重程度只能填写 一般 或 严重');
    case 'kind':
      return listValidation(['商品房', '老旧小区', '保障性住房'], '类型只能填写 商品房、老旧小区、保障性住房');
    case 'households':
    case 'responses':
    case 'count':
      return {
        type: 'whole',
        operator: 'greaterThanOrEqual',
        allowBlank: true,
        formulae: [column.key === 'count' ? 0 : 1],
        showErrorMessage: true,
        errorStyle: 'stop',
        errorTitle: '输入有误',
        error: column.key === 'count' ? `${column.zh}必须是不小于 0 的整数` : `${column.zh}必须是大于 0 的整数`,
      };
    default:
      return null;
  }
}

/**
 * Writes the template of `kind` to `out`, with `prefillRows` (keyed by field name, e.g.
 * `{ projectCode: 'P001', projectName: '幸福家园' }`) under the header. Resolves when the file is complete.
 */
export async function writeTemplate(kind: ImportKind, prefillRows: Iterable<TemplateRow>, out: Writable): Promise<void> {
  const spec = KINDS[kind];
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  workbook.creator = 'hongheibang';
  const sheet = workbook.addWorksheet(spec.label, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = spec.columns.map((c) => ({
    key: c.key,
    width: Math.max(12, c.zh.length * 2 + 4, c.key === 'uscc' || c.key === 'firmUscc' ? 22 : 0, c.key === 'note' ? 30 : 0),
    style: TEXT_COLUMNS.has(c.key) ? { numFmt: '@' } : {},
  }));

  const header = sheet.addRow(spec.columns.map((c) => c.zh));
  header.eachCell((cell, n) => {
    const column = spec.columns[n - 1] as ColumnSpec;
    cell.font = { bold: true, color: { argb: column.required ? 'FFFFFFFF' : 'FF1F2937' } };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: column.required ? 'FF1D4ED8' : 'FFD1D5DB' } };
    cell.alignment = { vertical: 'middle', horizontal: 'center' };
  });
  header.commit();

  let prefilled = 0;
  for (const values of prefillRows) {
    prefilled += 1;
    const row = sheet.addRow(
      spec.columns.map((c) => {
        const v = values[c.key];
        return v === undefined || v === null ? null : TEXT_COLUMNS.has(c.key) ? String(v) : v;
      }),
    );
    row.commit();
  }

  spec.columns.forEach((column, i) => {
    const validation = validationFor(column);
    const range = `${columnLetter(i + 1)}2:${columnLetter(i + 1)}${prefilled + 1 + SPARE_ROWS}`;
    if (validation) (sheet as unknown as RangeValidations).dataValidations.add(range, validation);
  });
  sheet.commit();
  await workbook.commit();
}
