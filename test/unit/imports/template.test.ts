import { createWriteStream, readFileSync } from 'node:fs';
import { once } from 'node:events';
import ExcelJS from 'exceljs';
import { readImport, readImportFrom, writeTemplate } from '../../../src/imports';
import { bufferSource, entryBytes, readCentralDirectory } from '../../../src/imports/zip';
import { problemsOf, tempDir } from './helpers';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

async function template(name: string, ...args: Parameters<typeof writeTemplate> extends [infer K, infer R, unknown] ? [K, R] : never): Promise<string> {
  const path = tmp.path(name);
  const out = createWriteStream(path);
  await writeTemplate(args[0], args[1], out);
  if (!out.writableFinished) await once(out, 'finish');
  return path;
}

async function sheetXml(path: string): Promise<string> {
  const source = bufferSource(readFileSync(path));
  const entries = await readCentralDirectory(source);
  const entry = entries.get('xl/worksheets/sheet1.xml');
  if (!entry) throw new Error('no sheet1.xml');
  const chunks: Buffer[] = [];
  for await (const chunk of entryBytes(source, entry, 64 * 1024 * 1024)) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

describe('writeTemplate', () => {
  const projects = [
    { projectCode: 'P001', projectName: '幸福家园' },
    { projectCode: '0012', projectName: '锦绣花园二期' },
  ];

  it('writes the Chinese headers and the pre-filled rows, and exceljs opens it', async () => {
    const path = await template('street.xlsx', 'street-scores', projects);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(path);
    const sheet = workbook.getWorksheet('街道评分');
    expect(sheet).toBeDefined();
    const values = (r: number): unknown[] => ((sheet as ExcelJS.Worksheet).getRow(r).values as unknown[]).slice(1);
    expect(values(1)).toEqual(['项目编号', '项目名称', '得分', '备注']);
    expect(values(2)).toEqual(['P001', '幸福家园']);
    expect(values(3)).toEqual(['0012', '锦绣花园二期']); // kept as text, leading zeros and all
    expect((sheet as ExcelJS.Worksheet).getRow(1).getCell(1).font?.bold).toBe(true);
  });

  it('puts decimal 0–100 validation on the score cells (pre-filled rows and 5,000 more), where Excel expects it', async () => {
    const path = await template('street-dv.xlsx', 'street-scores', projects);
    const xml = await sheetXml(path);
    const validation = /<dataValidation [^>]*sqref="C2:C5003"[^>]*>[\s\S]*?<\/dataValidation>/.exec(xml)?.[0] ?? '';
    expect(validation).toContain('type="decimal"');
    expect(validation).not.toContain('operator='); // "between" is the schema's default
    expect(validation).toMatch(/<formula1>0<\/formula1>\s*<formula2>100<\/formula2>/);
    // the order the sheet schema requires: sheetData < dataValidations < pageMargins; no hyperlinks or protection to misplace
    const at = (tag: string): number => xml.indexOf(`<${tag}`);
    expect(at('sheetData')).toBeGreaterThan(0);
    expect(at('dataValidations')).toBeGreaterThan(at('sheetData'));
    expect(at('pageMargins')).toBeGreaterThan(at('dataValidations'));
    expect(at('hyperlinks')).toBe(-1);
    expect(at('sheetProtection')).toBe(-1);

    // and exceljs reads the validation back
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(path);
    const cell = (workbook.getWorksheet('街道评分') as ExcelJS.Worksheet).getCell('C500');
    expect(cell.dataValidation).toMatchObject({ type: 'decimal', operator: 'between', formulae: [0, 100] });
  });

  it('tells a contractor the summary mean may keep its decimals, and a clerk that a score has two', async () => {
    const summary = new ExcelJS.Workbook();
    await summary.xlsx.readFile(await template('summary-dv.xlsx', 'survey-summary', projects));
    const mean = (summary.worksheets[0] as ExcelJS.Worksheet).getCell('D2').dataValidation;
    expect(mean).toMatchObject({ type: 'decimal', formulae: [0, 100], prompt: '请输入 0–100 之间的数字，可带小数（如调查机构用平均值函数算出的 78.6666666666667）；不要设为百分比格式' });
    const street = new ExcelJS.Workbook();
    await street.xlsx.readFile(await template('street-prompt.xlsx', 'street-scores', projects));
    expect((street.worksheets[0] as ExcelJS.Worksheet).getCell('C2').dataValidation).toMatchObject({ prompt: '请输入 0–100 之间的数字，最多两位小数；不要设为百分比格式' });
  });

  it('gives list validations to answers and to yes/no columns', async () => {
    const survey = await sheetXml(await template('survey.xlsx', 'survey-responses', []));
    expect(survey).toMatch(/<dataValidation type="decimal"[^>]*sqref="C2:C5001"/);
    expect(survey).toContain('<formula1>&quot;非常满意,满意,一般,不满意,非常不满意&quot;</formula1>');
    const events = await sheetXml(await template('events.xlsx', 'events', []));
    expect(events).toContain('<formula1>&quot;是,否&quot;</formula1>');
    expect(events).toContain('<formula1>&quot;一般,严重&quot;</formula1>');
  });

  it('reads back a filled-in template: scored rows imported, unscored ones skipped', async () => {
    const path = await template('filled.xlsx', 'street-scores', projects);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(path);
    const sheet = workbook.getWorksheet('街道评分') as ExcelJS.Worksheet;
    sheet.getCell('C2').value = 91.25;
    sheet.getCell('D2').value = '楼道整洁';
    const filled = tmp.path('filled-by-hand.xlsx');
    await workbook.xlsx.writeFile(filled);
    const result = await readImport('street-scores', filled);
    expect(result.rows).toEqual([{ row: 2, projectCode: 'P001', score: 9125, note: '楼道整洁' }]);
  });

  it('an untouched template imports as nothing to do, and an empty one with only headers too', async () => {
    expect((await readImport('street-scores', await template('untouched.xlsx', 'street-scores', projects))).rows).toEqual([]);
    const buffer = readFileSync(await template('firms.xlsx', 'firms', []));
    expect((await readImportFrom({ name: 'firms.xlsx', buffer }, 'firms')).rows).toEqual([]);
  });

  it('refuses a note written in a score cell when the template comes back', async () => {
    const path = await template('bad.xlsx', 'street-scores', projects);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(path);
    (workbook.getWorksheet('街道评分') as ExcelJS.Worksheet).getCell('C3').value = '良好';
    const bad = tmp.path('bad-by-hand.xlsx');
    await workbook.xlsx.writeFile(bad);
    expect(await problemsOf(readImport('street-scores', bad))).toEqual([{ row: 3, column: '得分', message: '得分必须是 0–100 之间的数字，读到的是「良好」' }]);
  });
});
