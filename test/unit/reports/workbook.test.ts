import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import { DomainError } from '../../../src/domain/errors';
import { type ReportData } from '../../../src/reports/report-data';
import { writeRoundWorkbook } from '../../../src/reports/workbook';
import { aReportData, usccOf } from './builders';

async function writeToBuffer(data: ReportData): Promise<Buffer> {
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (chunk: Buffer) => chunks.push(chunk));
  await writeRoundWorkbook(data, sink);
  return Buffer.concat(chunks);
}

/** exceljs declares its own `Buffer` (an ArrayBuffer); hand it the bytes it reads. */
async function load(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
  return book;
}

async function readBack(data: ReportData): Promise<ExcelJS.Workbook> {
  return load(await writeToBuffer(data));
}

function sheet(book: ExcelJS.Workbook, name: string): ExcelJS.Worksheet {
  const found = book.getWorksheet(name);
  if (!found) throw new Error(`no sheet ${name}`);
  return found;
}

function rowValues(ws: ExcelJS.Worksheet, row: number): unknown[] {
  return (ws.getRow(row).values as unknown[]).slice(1);
}

/** Canonical JSON as the rules are hashed: keys sorted at every level, no whitespace. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

/** Puts the rule rows of 说明 back together ('a.b[2]' → doc.a.b[2]) and prints the canonical text. */
function rebuild(rows: readonly { path: string; json: string }[]): string {
  const doc: Record<string, unknown> = {};
  for (const { path, json } of rows) {
    const keys = path.split(/\.|\[|\]\.?/).filter((k) => k !== '');
    let at: Record<string, unknown> = doc;
    keys.forEach((key, i) => {
      if (i === keys.length - 1) at[key] = JSON.parse(json);
      else at = (at[key] ??= /^\d+$/.test(keys[i + 1] ?? '') ? [] : {}) as Record<string, unknown>;
    });
  }
  return canonical(doc);
}

function fillOf(cell: ExcelJS.Cell): string | undefined {
  const fill = cell.fill as ExcelJS.FillPattern | undefined;
  return fill?.pattern === 'solid' ? fill.fgColor?.argb : undefined;
}

describe('writeRoundWorkbook', () => {
  it('writes the nine sheets in the order of the spec', async () => {
    const book = await readBack(aReportData());
    expect(book.worksheets.map((ws) => ws.name)).toEqual(['说明', '综合排名', '红榜', '黑榜', '重点监管', '分项得分', '街道汇总', '数据完整性', '与上期对比']);
  });

  it('writes the ranking with Chinese headers, numbers formatted 0.00 and a red row filled light red', async () => {
    const ws = sheet(await readBack(aReportData()), '综合排名');
    expect(rowValues(ws, 1)).toEqual(['排名', '统一社会信用代码', '企业名称', '综合得分', '居民评分', '行管评分', '街道评分', '等级', '榜单', '标记', '说明']);
    const red = ws.getRow(2);
    expect(rowValues(ws, 2).slice(0, 9)).toEqual([1, usccOf(1), '第1物业服务有限公司', 95, 96, 94, 93, 'AAA', '红榜']);
    expect(red.getCell(4).type).toBe(ExcelJS.ValueType.Number);
    expect(red.getCell(4).numFmt).toBe('0.00');
    expect(fillOf(red.getCell(1))).toBe('FFFFC7CE');
    expect(fillOf(red.getCell(11))).toBe('FFFFC7CE');
    expect(fillOf(ws.getRow(3).getCell(1))).toBeUndefined();
    const black = ws.getRow(6);
    expect(black.getCell(9).value).toBe('黑榜');
    expect(fillOf(black.getCell(1))).toBe('FF595959');
  });

  it('freezes the header row, filters it, and prints every sheet on A4 fitted to the width with the header on every page', async () => {
    const book = await readBack(aReportData());
    for (const ws of book.worksheets) {
      expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      expect(ws.pageSetup).toMatchObject({ paperSize: 9, fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '1:1' });
    }
    expect(sheet(book, '综合排名').pageSetup.orientation).toBe('landscape');
    expect(sheet(book, '综合排名').autoFilter).toBe('A1:K6');
    expect(sheet(book, '分项得分').autoFilter).toBe('A1:O11');
  });

  it('writes a firm named =HYPERLINK("x") back as that exact text, with no formula', async () => {
    const data = aReportData();
    const firm = data.result.firms[1];
    if (!firm) throw new Error('fixture');
    firm.name = '=HYPERLINK("x")';
    const ws = sheet(await readBack(data), '综合排名');
    const cell = ws.getRow(3).getCell(3);
    expect(cell.value).toBe('=HYPERLINK("x")');
    expect(cell.type).toBe(ExcelJS.ValueType.String);
    expect(cell.formula).toBeUndefined();
    expect(cell.numFmt).toBe('@');
  });

  it.each(['+86 138 0000 0000', '-1+2', '@SUM(A1)', '\tTAB', '=1+1'])('keeps %j as text with the Text format', async (name) => {
    const data = aReportData();
    const firm = data.result.firms[2];
    if (!firm) throw new Error('fixture');
    firm.name = name;
    const cell = sheet(await readBack(data), '综合排名').getRow(4).getCell(3);
    expect(cell.value).toBe(name);
    expect(cell.type).toBe(ExcelJS.ValueType.String);
    expect(cell.numFmt).toBe('@');
  });

  it('writes a carriage return as a line break (XML cannot carry a bare CR) and keeps the cell text', async () => {
    const data = aReportData();
    const firm = data.result.firms[2];
    if (!firm) throw new Error('fixture');
    firm.name = '\r=A1';
    firm.reasons = ['第一行\r\n第二行\r第三行'];
    const row = sheet(await readBack(data), '综合排名').getRow(4);
    expect(row.getCell(3).value).toBe('\n=A1');
    expect(row.getCell(3).numFmt).toBe('@');
    expect(row.getCell(11).value).toBe('第一行\n第二行\n第三行');
  });

  it('keeps formula-like text as text on every sheet, not only the ranking', async () => {
    const data = aReportData();
    for (const project of data.projects) project.firmName = '=HYPERLINK("x")';
    const ws = sheet(await readBack(data), '分项得分');
    const cell = ws.getRow(2).getCell(6);
    expect(cell.value).toBe('=HYPERLINK("x")');
    expect(cell.type).toBe(ExcelJS.ValueType.String);
    expect(cell.formula).toBeUndefined();
  });

  it('drops characters XML cannot carry instead of writing a corrupt file', async () => {
    const data = aReportData();
    const firm = data.result.firms[0];
    if (!firm) throw new Error('fixture');
    firm.name = '安居\u0001物业\u001F公司';
    const ws = sheet(await readBack(data), '综合排名');
    expect(ws.getRow(2).getCell(3).value).toBe('安居物业公司');
  });

  it('fills the red, black and watch sheets with their firms and the certificate number', async () => {
    const book = await readBack(aReportData());
    const red = sheet(book, '红榜');
    expect(rowValues(red, 1)).toEqual(['序号', '排名', '统一社会信用代码', '企业名称', '综合得分', '居民评分', '行管评分', '街道评分', '证书编号', '上榜理由']);
    expect(rowValues(red, 2)).toEqual([1, 1, usccOf(1), '第1物业服务有限公司', 95, 96, 94, 93, 'HHB-2025-H1-001', '综合得分位列前10%且不低于85分']);
    expect(fillOf(red.getRow(2).getCell(1))).toBe('FFFFC7CE');
    const black = sheet(book, '黑榜');
    expect(black.getRow(2).getCell(3).value).toBe(usccOf(5));
    expect(black.getRow(2).getCell(11).value).toBe(5); // 6 complaints per 1,200 households
    expect(black.getRow(2).getCell(11).numFmt).toBe('0.00');
    expect(rowValues(black, 1).slice(12, 15)).toEqual(['整改期限', '复查期限', '复查结论']);
    expect(rowValues(black, 2).slice(12, 15)).toEqual(['2025年8月19日', '2025年9月3日', '待复查']);
    expect(sheet(book, '重点监管').getRow(2).getCell(3).value).toBe(usccOf(4));
  });

  it('says so when a list is empty', async () => {
    const book = await readBack(aReportData([null, null, null]));
    expect(sheet(book, '红榜').getRow(2).getCell(1).value).toBe('本期无红榜企业');
  });

  it('puts the method, the slice sizes stored with the computation, China times and its hash on 说明', async () => {
    const data = aReportData(undefined, { result: { ...aReportData().result, sliceSize: 3, blackSliceSize: 2 } });
    const ws = sheet(await readBack(data), '说明');
    const pairs = new Map<string, unknown>();
    ws.eachRow((row) => pairs.set(String(row.getCell(1).value ?? ''), row.getCell(2).value));
    expect(pairs.get('评价周期')).toBe('2025-H1');
    expect(pairs.get('评价方法')).toBe(data.round.method[0]);
    expect(pairs.get('规则哈希（SHA-256）')).toBe('a'.repeat(64));
    expect(pairs.get('参评企业')).toBe('5 家，其中参与排名 5 家；红榜候选段（前段）3 家，黑榜候选段（后段）2 家');
    // 02:00 and 08:00 UTC are 10:00 and 16:00 in China
    expect(pairs.get('发布时间')).toBe('2025年7月20日 10:00');
    expect(pairs.get('报告生成时间')).toBe('2025年7月20日 16:00');
  });

  it('prints the rules one row per rule, each row high enough for its wrapped text, and the rows give back the hashed text', async () => {
    const data = aReportData();
    const catalogue = Array.from({ length: 24 }, (_, i) => ({ code: `D${String(i).padStart(2, '0')}`, description: '公共区域保洁不到位、垃圾未及时清运'.repeat(2), points: 2 }));
    data.round.rulesJson = canonical({ deductions: { bonusCap: 5, catalogue }, red: { minComposite: 85, share: 10 }, weights: { regulator: 3, resident: 5, street: 2 } });
    expect(data.round.rulesJson.length).toBeGreaterThan(1700);
    const ws = sheet(await readBack(data), '说明');
    const rules: { path: string; json: string; height: number | undefined }[] = [];
    ws.eachRow((row) => {
      const label = String(row.getCell(1).value ?? '');
      const path = /^评价规则·.+（(.+)）$/.exec(label)?.[1];
      if (path !== undefined) rules.push({ path, json: String(row.getCell(2).value), height: row.height });
    });
    expect(rules.map((r) => r.path)).toEqual(['deductions.bonusCap', ...catalogue.map((_, i) => `deductions.catalogue[${i}]`), 'red', 'weights']);
    expect(Math.max(...rules.map((r) => r.json.length))).toBeLessThan(300);
    expect(rebuild(rules)).toBe(data.round.rulesJson);
    // a text longer than its column wraps, and its row is made tall enough for it (LibreOffice does not do it on opening)
    const method = ws.getRow(ws.actualRowCount).getCell(2);
    expect(String(method.value).length).toBeGreaterThan(60);
    expect(method.alignment).toMatchObject({ wrapText: true });
    expect(ws.getRow(ws.actualRowCount).height).toBeGreaterThanOrEqual(2 * 16);
  });

  it('keeps a rule longer than an Excel cell in pieces that join back to the hashed text', async () => {
    const data = aReportData();
    data.round.rulesJson = JSON.stringify({ note: '规'.repeat(70000) });
    const ws = sheet(await readBack(data), '说明');
    const pieces: string[] = [];
    ws.eachRow((row) => {
      if (String(row.getCell(1).value).startsWith('评价规则·note')) pieces.push(String(row.getCell(2).value));
    });
    expect(pieces).toHaveLength(3);
    expect(`{"note":${pieces.join('')}}`).toBe(data.round.rulesJson);
  });

  it('sizes columns to their content so a long firm name is not cut in print', async () => {
    const long = '磐石市东宁街道幸福里小区业主委员会委托物业服务有限责任公司';
    const base = aReportData();
    const data = aReportData(undefined, { completeness: { ...base.completeness, insufficientSample: [{ uscc: usccOf(1), name: long, responses: 120, required: 278 }] } });
    const book = await readBack(data);
    const ws = sheet(book, '数据完整性');
    let column = 0;
    ws.eachRow((row) => row.eachCell((cell, i) => (cell.value === long ? (column = i) : undefined)));
    expect(column).toBe(2);
    expect(ws.getColumn(2).width).toBeGreaterThanOrEqual(2 * long.length);
    const ranking = sheet(book, '综合排名');
    expect(ranking.getColumn(3).width).toBeGreaterThanOrEqual(2 * '第1物业服务有限公司'.length);
  });

  it('names no specification or issue in any cell a bureau reads', async () => {
    const book = await readBack(aReportData());
    for (const ws of book.worksheets) {
      ws.eachRow((row) => row.eachCell((cell) => expect(String(cell.value)).not.toMatch(/SPEC|§|issue/i)));
    }
  });

  it('lists projects grouped by firm in rank order with the firm source scores', async () => {
    const ws = sheet(await readBack(aReportData()), '分项得分');
    expect(rowValues(ws, 1)).toEqual([
      '项目编号', '项目名称', '街道', '社区', '统一社会信用代码', '企业名称', '户数', '居民评分', '有效问卷数', '街道评分', '投诉数',
      '企业居民评分', '企业行管评分', '企业街道评分', '行管评分说明',
    ]);
    expect(ws.getColumn(1).values.slice(2)).toEqual(['P1-1', 'P1-2', 'P2-1', 'P2-2', 'P3-1', 'P3-2', 'P4-1', 'P4-2', 'P5-1', 'P5-2']);
    const second = rowValues(ws, 3);
    expect(second[7]).toBeUndefined(); // no resident score: an empty cell, not 0
    expect(second.slice(11, 15)).toEqual([96, 94, 93, '执法局 84.00；市场监管局 86.00（平均）']);
  });

  it('averages streets weighted by households, rounded half-up', async () => {
    const data = aReportData([null, null], {});
    data.projects = [
      { code: 'A', name: 'a', street: '东宁街道', community: null, firmUscc: usccOf(1), firmName: 'x', households: 1, resident: 8001, residentResponses: 1, streetScore: null, complaints: 0 },
      { code: 'B', name: 'b', street: '东宁街道', community: null, firmUscc: usccOf(2), firmName: 'y', households: 2, resident: 8000, residentResponses: 1, streetScore: 7000, complaints: 0 },
    ];
    const ws = sheet(await readBack(data), '街道汇总');
    // (1 × 80.01 + 2 × 80.00) / 3 = 80.00333… → 80.00; street: only B → 70.00
    expect(rowValues(ws, 2)).toEqual(['东宁街道', 2, 3, 2, 80, 70, 0, 0, 0]);
  });

  it('reports completeness by street, missing regulator scores and short survey samples', async () => {
    const ws = sheet(await readBack(aReportData()), '数据完整性');
    expect(rowValues(ws, 2)).toEqual(['东宁街道', 8, 8, 1, 3, 0.375]);
    expect(ws.getRow(2).getCell(6).numFmt).toBe('0.00%');
    const texts: unknown[] = [];
    ws.eachRow((row) => texts.push(...rowValues(ws, row.number)));
    expect(texts).toContain('缺少行管评分的企业：0 家');
    expect(texts).toEqual(expect.arrayContaining([usccOf(1), 120, 278, 158]));
  });

  it('compares with the previous round, rank change positive when the firm went up', async () => {
    const ws = sheet(await readBack(aReportData()), '与上期对比');
    expect(rowValues(ws, 1)[3]).toBe('上期（2024-H2）排名');
    expect(rowValues(ws, 2)).toEqual([usccOf(1), '第1物业服务有限公司', 1, 3, 2, 95, 88, 7, '红榜', '未上榜']);
    expect(rowValues(ws, 3)).toEqual([usccOf(2), '第2物业服务有限公司', 2, '未参评', undefined, 86.5, undefined, undefined, '未上榜', '未参评']);
    expect(rowValues(ws, 7)).toEqual([usccOf(99), '已退出物业公司', '未参评', 2, undefined, undefined, 90, undefined, '未参评', '红榜']);
  });

  it('says there is no earlier round, in the header and below it, when there is none', async () => {
    const ws = sheet(await readBack(aReportData(undefined, { previous: null })), '与上期对比');
    expect(rowValues(ws, 1).slice(2, 4)).toEqual(['本期（2025-H1）排名', '上期排名（无上期）']);
    expect(rowValues(ws, 1).join()).not.toContain('上期（上期）');
    expect(ws.getRow(2).getCell(1).value).toBe('无上期数据：2025-H1 之前没有已计算的同类评价周期。');
  });

  it('fills the year-end workbook detail sheets from its two half years', async () => {
    const h1 = aReportData(['red', null, 'black']);
    const h2 = aReportData([null, 'red', 'black']);
    const year = aReportData(['red', null, 'black'], {
      round: { ...h1.round, code: '2025-Y', kind: 'annual' },
      projects: [],
      regulator: [],
      completeness: { byStreet: [], firmsWithoutRegulator: 0, insufficientSample: [] },
      halves: [
        { code: '2025-H1', firms: h1.result.firms, projects: h1.projects, regulator: h1.regulator, completeness: h1.completeness },
        { code: '2025-H2', firms: h2.result.firms, projects: h2.projects, regulator: h2.regulator, completeness: h2.completeness },
      ],
    });
    const book = await readBack(year);
    const scores = sheet(book, '分项得分');
    expect(rowValues(scores, 1).slice(0, 3)).toEqual(['半年度', '项目编号', '项目名称']);
    expect(scores.actualRowCount).toBe(1 + h1.projects.length + h2.projects.length);
    expect(rowValues(scores, 2).slice(0, 2)).toEqual(['2025-H1', 'P1-1']);
    expect(rowValues(scores, 1 + h1.projects.length + 1).slice(0, 2)).toEqual(['2025-H2', 'P1-1']);
    const streets = sheet(book, '街道汇总');
    expect(rowValues(streets, 2).slice(0, 3)).toEqual(['2025-H1', '东宁街道', 5]);
    expect(rowValues(streets, 4).slice(0, 2)).toEqual(['2025-H2', '东宁街道']);
    const completeness = sheet(book, '数据完整性');
    const cells: unknown[] = [];
    completeness.eachRow((row) => cells.push(...rowValues(completeness, row.number)));
    expect(cells).toEqual(expect.arrayContaining(['2025-H1', '2025-H2', '2025-H1 缺少行管评分的企业：0 家', '2025-H2 有效问卷数未达最低样本量的企业（不得列入红榜）：1 家']));
  });

  it('says where the detail is when a year-end round has no half-year detail', async () => {
    const year = aReportData(undefined, {
      round: { ...aReportData().round, code: '2025-Y', kind: 'annual' },
      projects: [],
      completeness: { byStreet: [], firmsWithoutRegulator: 0, insufficientSample: [] },
      halves: [],
    });
    const book = await readBack(year);
    for (const name of ['分项得分', '街道汇总', '数据完整性']) {
      expect(sheet(book, name).getRow(2).getCell(1).value).toBe('年度综合评价按两个半年度的公布成绩计算，分项明细见 2025-H1、2025-H2 报表。');
    }
  });

  it('writes to a file path the caller gives', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hhb-report-'));
    try {
      const file = path.join(dir, 'round.xlsx');
      await writeRoundWorkbook(aReportData(), file);
      const book = await load(readFileSync(file));
      expect(book.worksheets).toHaveLength(9);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a score that is not integer hundredths, naming it', async () => {
    const data = aReportData();
    const firm = data.result.firms[0];
    if (!firm) throw new Error('fixture');
    firm.composite = 85.4;
    await expect(writeToBuffer(data)).rejects.toThrow(DomainError);
    await expect(writeToBuffer(data)).rejects.toThrow('分数须为整数百分位（如 8540 表示 85.40），收到 85.4');
  });
});
