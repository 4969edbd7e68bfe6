import { createWriteStream, readFileSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { deflateRawSync } from 'node:zlib';
import ExcelJS from 'exceljs';
import { type RawRow, type XlsxSheet, excelSerialToIso, isPercentFormatCode, numberText, openXlsxWorkbook, readXlsxRows } from '../../../src/imports/xlsx-reader';
import { ZipError, bufferSource, fileSource } from '../../../src/imports/zip';
import { readImport } from '../../../src/imports';
import { problemsOf, tempDir } from './helpers';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const PUNCTUATION = '，。、（）·“”：；';

/** Deterministic Chinese text: CJK ideographs, CJK punctuation and a supplementary-plane character (4 UTF-8 bytes). */
function chineseText(seed: number, length: number): string {
  let x = seed >>> 0 || 1;
  let s = '';
  for (let i = 0; i < length; i += 1) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    const pick = x % 100;
    if (pick < 90) s += String.fromCodePoint(0x4e00 + (x % (0x9fa5 - 0x4e00)));
    else if (pick < 96) s += PUNCTUATION.charAt(x % PUNCTUATION.length);
    else s += '𠮷';
  }
  return s;
}

async function rowsOf(path: string): Promise<RawRow[]> {
  const source = await fileSource(path);
  try {
    const rows: RawRow[] = [];
    for await (const row of readXlsxRows(source)) rows.push(row);
    return rows;
  } finally {
    await source.close();
  }
}

async function writeChineseWorkbook(path: string, rows: number, useSharedStrings: boolean): Promise<(i: number) => string[]> {
  const expected = (i: number): string[] => [`P${String(i % 997).padStart(4, '0')}`, chineseText(i * 7 + 1, 4 + (i % 29)), chineseText(i * 13 + 5, 1 + (i % 11))];
  const out = createWriteStream(path);
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings });
  const sheet = workbook.addWorksheet('居民问卷');
  sheet.addRow(['项目编号', '户号', '满意度']).commit();
  for (let i = 0; i < rows; i += 1) sheet.addRow(expected(i)).commit();
  sheet.commit();
  await workbook.commit();
  if (!out.writableFinished) await once(out, 'finish');
  return expected;
}

describe('readXlsxRows', () => {
  it('reads back every character of a 100,000-row workbook full of Chinese text unchanged', async () => {
    const path = tmp.path('chinese-100k.xlsx');
    const expected = await writeChineseWorkbook(path, 100_000, false);
    expect(statSync(path).size).toBeGreaterThan(1_000_000);
    const rows = await rowsOf(path);
    expect(rows).toHaveLength(100_001);
    expect(rows[0]).toEqual({ row: 1, cells: ['项目编号', '户号', '满意度'] });
    let replaced = 0;
    let different = 0;
    for (let i = 0; i < 100_000; i += 1) {
      const row = rows[i + 1] as RawRow;
      if (row.row !== i + 2) different += 1;
      const want = expected(i);
      for (let c = 0; c < 3; c += 1) {
        if (row.cells[c] !== want[c]) different += 1;
        if ((row.cells[c] ?? '').includes('\uFFFD')) replaced += 1;
      }
    }
    expect(replaced).toBe(0);
    expect(different).toBe(0);
  }, 120_000);

  it('reads shared strings (as Excel writes them) without losing a character', async () => {
    const path = tmp.path('chinese-shared.xlsx');
    const expected = await writeChineseWorkbook(path, 20_000, true);
    const rows = await rowsOf(path);
    expect(rows).toHaveLength(20_001);
    const mismatches = rows.slice(1).filter((row, i) => JSON.stringify(row.cells) !== JSON.stringify(expected(i)));
    expect(mismatches).toEqual([]);
  }, 60_000);

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

  async function readBytes(bytes: Buffer): Promise<unknown> {
    const rows: RawRow[] = [];
    for await (const row of readXlsxRows(bufferSource(bytes))) rows.push(row);
    return rows;
  }

  it.each([0.1, 0.5, 0.9, 0.999])('refuses a file truncated to %f of its length with a ZipError', async (share) => {
    const good = readFileSync(goodPath);
    await expect(readBytes(good.subarray(0, Math.floor(good.length * share)))).rejects.toBeInstanceOf(ZipError);
  });

  it('refuses a file with damaged compressed data', async () => {
    const bytes = Buffer.from(readFileSync(goodPath));
    // overwrite 200 bytes in the middle of the data with garbage
    for (let i = 0; i < 200; i += 1) bytes[Math.floor(bytes.length / 3) + i] = (i * 37) & 0xff;
    await expect(readBytes(bytes)).rejects.toBeInstanceOf(ZipError);
  });

  it('refuses a zip bomb: a part whose directory lies about its size', async () => {
    const bomb = zip({
      'xl/workbook.xml': '<workbook><sheets><sheet name="a" sheetId="1" r:id="rId1"/></sheets></workbook>',
      'xl/worksheets/sheet1.xml': `<worksheet><sheetData>${'<row><c t="inlineStr"><is><t>炸</t></is></c></row>'.repeat(200_000)}</sheetData></worksheet>`,
    }, { 'xl/worksheets/sheet1.xml': 1000 });
    await expect(readBytes(bomb)).rejects.toThrow('inflated size over limit');
  });

  it('refuses a sheet whose one text node inflates to 64 MB, without buffering it', async () => {
    // 64 MB of one text node deflates to about 64 KB: the text-run cap (4 MB) stops it before saxes buffers it
    const chunk = Buffer.alloc(16 * 1024 * 1024, 0x41);
    const pieces = [Buffer.from('<worksheet><sheetData><row><c t="inlineStr"><is><t>'), ...Array.from({ length: 4 }, () => chunk)];
    const bomb = zip({
      'xl/workbook.xml': '<workbook><sheets><sheet name="a" sheetId="1" r:id="rId1"/></sheets></workbook>',
      'xl/worksheets/sheet1.xml': Buffer.concat(pieces),
    });
    const before = process.memoryUsage().rss;
    await expect(readBytes(bomb)).rejects.toThrow('text run over limit');
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
  });

  it('refuses a ZIP that is not a workbook, and a file that is not a ZIP', async () => {
    await expect(readBytes(zip({ 'word/document.xml': '<w/>' }))).rejects.toThrow('xl/workbook.xml missing');
    await expect(readBytes(Buffer.from('项目编号,得分\nP001,90\n'))).rejects.toBeInstanceOf(ZipError);
  });

  it('gives the person one clean Chinese problem for a truncated upload', async () => {
    const path = tmp.path('truncated.xlsx');
    const good = readFileSync(goodPath);
    writeFileSync(path, good.subarray(0, good.length - 100));
    expect(await problemsOf(readImport('street-scores', path))).toEqual([{ row: null, column: null, message: 'XLSX 文件损坏或无法读取' }]);
  });
});

/** A minimal ZIP (deflated entries); `declared` overrides an entry's uncompressed size in the directory. */
function zip(files: Record<string, string | Buffer>, declared: Record<string, number> = {}): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const data = typeof content === 'string' ? Buffer.from(content) : content;
    const compressed = deflateRawSync(data);
    const nameBytes = Buffer.from(name);
    const size = declared[name] ?? data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, compressed);
    centrals.push(central, nameBytes);
    offset += 30 + nameBytes.length + compressed.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

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
