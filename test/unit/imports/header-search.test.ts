/**
 * Where the data starts (SPEC §4): the header is the first row with the required columns among the
 * first 10 rows, in the first sheet that has one; problems name the sheet, the row and the column
 * letter as the spreadsheet shows them. And the checks a row gets against the round.
 */
import ExcelJS from 'exceljs';
import { readImport, readImportFrom } from '../../../src/imports';
import { FILE_TYPE_PROBLEM, ODS_PROBLEM, XLS_PROBLEM } from '../../../src/imports/read-import';
import { locatedProblemsOf, problemsOf, tempDir, writeCsv } from './helpers';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
let n = 0;
const file = (rows: (string | number)[][]): string => writeCsv(tmp.path(`h${(n += 1)}.csv`), rows);

async function workbook(sheets: { name: string; rows: (string | number | null)[][]; merge?: string; hidden?: boolean }[]): Promise<string> {
  const wb = new ExcelJS.Workbook();
  for (const s of sheets) {
    const ws = wb.addWorksheet(s.name, s.hidden ? { state: 'hidden' } : {});
    s.rows.forEach((r, i) => {
      ws.getRow(i + 1).values = r;
    });
    if (s.merge) ws.mergeCells(s.merge);
  }
  const path = tmp.path(`w${(n += 1)}.xlsx`);
  await wb.xlsx.writeFile(path);
  return path;
}

describe('the header row', () => {
  it('skips title rows above the header in a CSV, numbering rows as the file shows them', async () => {
    const path = file([['2025年上半年街道评分'], ['填报单位：东城街道', ''], ['项目编号', '得分'], ['P001', '85'], ['P002', '90.5']]);
    expect((await readImport('street-scores', path)).rows).toEqual([
      { row: 4, projectCode: 'P001', score: 8500, note: null },
      { row: 5, projectCode: 'P002', score: 9050, note: null },
    ]);
  });

  it('finds a header on row 10 but not on row 11', async () => {
    const notes = (k: number) => Array.from({ length: k }, (_, i) => [`说明${i + 1}`]);
    expect((await readImport('complaints', file([...notes(9), ['项目编号', '投诉数'], ['P001', '2']]))).rows).toEqual([{ row: 11, projectCode: 'P001', count: 2 }]);
    expect(await problemsOf(readImport('complaints', file([...notes(10), ['项目编号', '投诉数'], ['P001', '2']])))).toEqual([
      { row: null, column: null, message: '前 10 行中没有列名行（缺少必填列：项目编号/project_code、投诉数/count）：列名行须写在数据上方' },
    ]);
  });

  it('reports a header with a misspelt column where it stands, not as a missing header', async () => {
    expect(await problemsOf(readImport('complaints', file([['标题'], ['项目编号', '投诉次数'], ['P001', '2']])))).toEqual([
      { row: 2, column: '投诉次数', message: '未知的列：投诉次数' },
      { row: 2, column: null, message: '缺少必填列：投诉数/count' },
    ]);
  });

  it('reads the first sheet with a header under a merged title, after a 填表说明 sheet and a hidden one', async () => {
    const path = await workbook([
      { name: '填表说明', rows: [['填表说明'], ['1. 得分为 0–100 的数字']] },
      { name: '隐藏数据', rows: [['项目编号', '得分'], ['P009', '1']], hidden: true },
      { name: '东城街道', rows: [['2025年上半年街道评分表', null, null], [], ['项目编号', '得分', '备注'], ['P001', 88, '良好']], merge: 'A1:C1' },
    ]);
    expect((await readImport('street-scores', path)).rows).toEqual([{ row: 4, projectCode: 'P001', score: 8800, note: '良好' }]);
  });

  it('names the sheet, the row and the column letter of every problem', async () => {
    const path = await workbook([
      { name: '说明', rows: [['见第二页']] },
      { name: '评分表', rows: [['标题'], [null, '项目编号', '得分'], [null, 'P001', '八十'], [null, 'P002', 101]] },
    ]);
    const error = readImport('street-scores', path);
    await expect(error).rejects.toThrow('文件（工作表「评分表」）有 2 处错误');
    expect(await locatedProblemsOf(readImport('street-scores', path))).toEqual([
      { sheet: '评分表', row: 3, column: '得分', letter: 'C', message: '得分必须是 0–100 之间的数字，读到的是「八十」' },
      { sheet: '评分表', row: 4, column: '得分', letter: 'C', message: '得分必须是 0–100 之间的数字，读到的是「101」' },
    ]);
  });

  it('says so when no sheet of a workbook has a header', async () => {
    const path = await workbook([
      { name: '说明', rows: [['见第二页']] },
      { name: '数据', rows: [['P001', 88]] },
    ]);
    expect(await locatedProblemsOf(readImport('street-scores', path))).toEqual([
      { sheet: '说明', row: null, column: null, message: '任何一个工作表的前 10 行中没有列名行（缺少必填列：项目编号/project_code、得分/score）：列名行须写在数据上方' },
    ]);
  });
});

describe('checks against the round', () => {
  const projects = new Map([
    ['P001', { street: 'S1', firmUscc: '91350100M000100Y43', households: 120 }],
    ['P002', { street: 'S1', firmUscc: '91350100M000100Y43', households: 80 }],
  ]);

  it('refuses summary responses above the households, with both numbers', async () => {
    const path = file([['项目编号', '有效样本数', '平均分'], ['P001', '120', '80'], ['P002', '81', '78.6666666666667']]);
    expect(await problemsOf(readImport('survey-summary', path, { projects }))).toEqual([{ row: 3, column: '有效样本数', message: '有效样本数 81 超过项目 P002 的户数 80' }]);
    const ok = await readImport('survey-summary', file([['项目编号', '有效样本数', '平均分'], ['P002', '80', '78.6666666666667']]), { projects });
    expect(ok.rows).toEqual([{ row: 2, projectCode: 'P002', responses: 80, mean: { hundredths: 7867, decimal: '78.6666666666667' } }]);
  });

  it('refuses event dates outside the period, naming the date and the period', async () => {
    const period = { from: '2025-01-01', to: '2025-06-30', label: '2025年上半年' };
    const path = file([
      ['统一社会信用代码', '日期', '类型', '一票否决'],
      ['91350100M000100Y43', '2025-01-01', '消防', '否'],
      ['91350100M000100Y43', '2025/6/30', '消防', '否'],
      ['91350100M000100Y43', '2024-12-31', '消防', '是'],
      ['91350100M000100Y43', '2025年7月1日', '消防', '否'],
    ]);
    expect(await problemsOf(readImport('events', path, { period }))).toEqual([
      { row: 4, column: '日期', message: '日期 2024-12-31 不在本评价周期（2025年上半年，2025-01-01 至 2025-06-30）内' },
      { row: 5, column: '日期', message: '日期 2025-07-01 不在本评价周期（2025年上半年，2025-01-01 至 2025-06-30）内' },
    ]);
  });
});

describe('files given by mistake', () => {
  it.each([
    ['scores.xls', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), XLS_PROBLEM],
    ['scores.xls', Buffer.from('项目编号\t得分\n'), XLS_PROBLEM],
    ['scores.et', Buffer.from('x'), XLS_PROBLEM],
    ['scores.ods', Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0]), ODS_PROBLEM],
    ['upload', Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(26), Buffer.from('mimetypeapplication/vnd.oasis.opendocument.spreadsheet')]), ODS_PROBLEM],
    ['scores.numbers', Buffer.from('x'), FILE_TYPE_PROBLEM],
  ])('refuses %s with how to save it', async (name, buffer, message) => {
    expect(await problemsOf(readImportFrom({ name, buffer }, 'street-scores'))).toEqual([{ row: null, column: null, message }]);
  });
});
