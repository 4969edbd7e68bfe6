import { readFileSync, writeFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { type RawRow, type XlsxSheet, excelSerialToIso, isPercentFormatCode, numberText, openXlsxWorkbook } from '../../../src/imports/xlsx-reader';
import { ZipError, fileSource } from '../../../src/imports/zip';
import { readImport } from '../../../src/imports';
import { problemsOf, tempDir } from './helpers';
import { chineseText, readXlsxBytes, rowsOf, zip } from './xlsx-files';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('readXlsxRows', () => {
  it('turns date-formatted cells into ISO dates and numbers into their shortest decimal', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('S');
    sheet.addRow(['日期', '数', '布尔', '公式']);
    const row = sheet.addRow([new Date(Date.UTC(2025, 2, 1)), 85.5, true, { formula: 'B2*2', result: 171 }]);
    row.getCell(1).numFmt = 'yyyy"年"m"月"d"日"';
    sheet.addRow([45717, 0.1 + 0.2, false, null]);
    const path = tmp.path('types.xlsx');
    await workbook.xlsx.writeFile(path);
    expect(await rowsOf(path)).toEqual([
      { row: 1, cells: ['日期', '数', '布尔', '公式'] },
      { row: 2, cells: ['2025-03-01', '85.5', 'TRUE', '171'] },
      { row: 3, cells: ['45717', '0.3', 'FALSE'] },
    ]);
  });

  it('converts Excel serial days in both date systems', () => {
    expect(excelSerialToIso(45717, false)).toBe('2025-03-01');
    expect(excelSerialToIso(1, false)).toBe('1900-01-01');
    expect(excelSerialToIso(61, false)).toBe('1900-03-01');
    expect(excelSerialToIso(45717.75, false)).toBe('2025-03-01');
    expect(excelSerialToIso(0, true)).toBeNull();
    expect(excelSerialToIso(44255, true)).toBe('2025-03-01');
  });
});

describe('damaged XLSX files', () => {
  const goodPath = tmp.path('good.xlsx');
  beforeAll(async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('街道评分');
    sheet.addRow(['项目编号', '得分']);
    for (let i = 0; i < 2000; i += 1) sheet.addRow([`P${i}`, chineseText(i + 1, 20)]);
    await workbook.xlsx.writeFile(goodPath);
  });

  it.each([0.1, 0.5, 0.9, 0.999])('refuses a file truncated to %f of its length with a ZipError', async (share) => {
    const good = readFileSync(goodPath);
    await expect(readXlsxBytes(good.subarray(0, Math.floor(good.length * share)))).rejects.toBeInstanceOf(ZipError);
  });

  it('refuses a file with damaged compressed data', async () => {
    const bytes = Buffer.from(readFileSync(goodPath));
    // overwrite 200 bytes in the middle of the data with garbage
    for (let i = 0; i < 200; i += 1) bytes[Math.floor(bytes.length / 3) + i] = (i * 37) & 0xff;
    await expect(readXlsxBytes(bytes)).rejects.toBeInstanceOf(ZipError);
  });

  it('refuses a zip bomb: a part whose directory lies about its size', async () => {
    const bomb = zip({
      'xl/workbook.xml': '<workbook><sheets><sheet name="a" sheetId="1" r:id="rId1"/></sheets></workbook>',
      'xl/worksheets/sheet1.xml': `<worksheet><sheetData>${'<row><c t="inlineStr"><is><t>炸</t></is></c></row>'.repeat(200_000)}</sheetData></worksheet>`,
    }, { 'xl/worksheets/sheet1.xml': 1000 });
    await expect(readXlsxBytes(bomb)).rejects.toThrow('inflated size over limit');
  });

  it('refuses a ZIP that is not a workbook, and a file that is not a ZIP', async () => {
    await expect(readXlsxBytes(zip({ 'word/document.xml': '<w/>' }))).rejects.toThrow('xl/workbook.xml missing');
    await expect(readXlsxBytes(Buffer.from('项目编号,得分\nP001,90\n'))).rejects.toBeInstanceOf(ZipError);
  });

  it('gives the person one clean Chinese problem for a truncated upload', async () => {
    const path = tmp.path('truncated.xlsx');
    const good = readFileSync(goodPath);
    writeFileSync(path, good.subarray(0, good.length - 100));
    expect(await problemsOf(readImport('street-scores', path))).toEqual([{ row: null, column: null, message: 'XLSX 文件损坏或无法读取' }]);
  });
});

describe('values as a person sees them', () => {
  it.each([
    ['89.99999999999999', '90'],
    ['70.00000000000001', '70'],
    ['90.00000000000001', '90'],
    ['78.66666666666667', '78.6666666666667'],
    ['0.30000000000000004', '0.3'],
    ['85.5', '85.5'],
    ['913301000070001400', '913301000070001000'],
    ['9.13301E+17', '913301000000000000'],
  ])('reads the number %s at 15 significant digits as %s', (raw, shown) => {
    expect(numberText(raw)).toBe(shown);
  });

  it.each([
    ['0%', true],
    ['0.00%', true],
    ['0.0%;[Red]-0.0%', true],
    ['"%"0', false],
    ['0\\%', false],
    ['[$%-804]0', false],
    ['yyyy-mm-dd', false],
  ])('knows whether the format code %j shows a percentage (%s)', (code, percent) => {
    expect(isPercentFormatCode(code)).toBe(percent);
  });

  it('surfaces percent-formatted numbers (built-in 0%, 0.00% and a custom code) as the text shown', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('评分');
    sheet.addRow(['得分', '得分2', '得分3', '普通']);
    sheet.addRow([0.85, 0.9, 0.925, 0.85]);
    sheet.getCell('A2').numFmt = '0%';
    sheet.getCell('B2').numFmt = '0.00%';
    sheet.getCell('C2').numFmt = '0.0%;[Red]-0.0%';
    const path = tmp.path('percent.xlsx');
    await workbook.xlsx.writeFile(path);
    expect((await rowsOf(path))[1]).toEqual({ row: 2, cells: ['85%', '90%', '92.5%', '0.85'] });
  });

  it('lists the visible sheets in tab order and reads any of them', async () => {
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('填表说明').addRow(['请按模板填写']);
    workbook.addWorksheet('隐藏', { state: 'hidden' }).addRow(['项目编号']);
    workbook.addWorksheet('数据').addRow(['项目编号', '得分']);
    const path = tmp.path('sheets.xlsx');
    await workbook.xlsx.writeFile(path);
    const source = await fileSource(path);
    try {
      const book = await openXlsxWorkbook(source);
      expect(book.sheets.map((s) => s.name)).toEqual(['填表说明', '数据']);
      const rows: RawRow[] = [];
      for await (const row of book.rows(book.sheets[1] as XlsxSheet)) rows.push(row);
      expect(rows).toEqual([{ row: 1, cells: ['项目编号', '得分'] }]);
    } finally {
      await source.close();
    }
  });
});
