/**
 * The bad-input corpus: files a bureau, a street clerk or an attacker may hand to `hhb`,
 * each refused with a Chinese message and exit code 2 (3 where the workflow refuses), writing
 * nothing. `writeCorpus(dir)` writes every file and returns the cases; nothing here is committed
 * as data, so the 50 MB cell and the zip bombs exist only while a test runs.
 *
 *   npx tsx test/bad-inputs/generate.ts <dir>     writes the corpus and a manifest.json to look at
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { makeUscc } from '../../src/domain/uscc';
import { SHEET_HEAD, SHEET_TAIL, sheetXml, writeZip, xlsxWith } from './zip-writer';

/** The small city the corpus is aimed at (test/bad-inputs/world.ts builds it). */
export const WORLD = {
  round: '2025-H1',
  closedRound: '2024-H2',
  streets: [
    ['S1', '东城街道', '南关区'],
    ['S2', '西城街道', '朝阳区'],
  ],
  firms: [1, 2, 3].map((i) => makeUscc(`91220100MA000000${i}`)),
  /** code, street, firm index */
  projects: [
    ['P001', 'S1', 0],
    ['P002', 'S1', 0],
    ['P003', 'S2', 0],
    ['P004', 'S2', 1],
    ['P005', 'S1', 1],
    ['P006', 'S2', 2],
  ] as [string, string, number][],
  /** A registered-looking USCC with a valid check character that no firm has. */
  strangerUscc: makeUscc('91220100MA0000009'),
};

const [F1, F2] = WORLD.firms as [string, string, string];

export type ImportTarget = 'streets' | 'firms' | 'projects' | 'street' | 'regulator' | 'deductions' | 'resident' | 'resident-summary' | 'events' | 'complaints';

export interface BadCase {
  id: string;
  /** What is wrong, for the reader of a failure. */
  what: string;
  /** hhb arguments after `--db`. */
  args: string[];
  /** 2: bad input or usage; 3: refused by the round's state. */
  exit: 2 | 3;
  /** What the Chinese message must say. */
  message: RegExp;
  /** Bad only in this corpus's small city (e.g. a USCC no firm of it has): not replayed elsewhere. */
  worldSpecific?: boolean;
}

/** A valid file of each kind: header and rows. The corpus bends one thing in each. */
export const VALID: Record<ImportTarget, string[][]> = {
  streets: [['街道编码', '街道名称', '区县'], ['S9', '北湖街道', '北湖区']],
  firms: [['统一社会信用代码', '企业名称', '法定代表人', '联系电话'], [F1, '恒安物业服务有限公司', '张三', '0431-8888888']],
  projects: [['项目编号', '项目名称', '街道', '社区', '物业企业统一社会信用代码', '户数', '类型'], ['P001', '幸福家园', 'S1', '和平社区', F1, '600', '商品房']],
  street: [['项目编号', '得分', '备注'], ['P002', '88.5', '街道评议']],
  regulator: [['统一社会信用代码', '部门', '得分'], [F2, '市消防救援支队', '91']],
  deductions: [['统一社会信用代码', '项目编号', '扣分项', '扣分', '说明'], [F2, 'P004', 'D01', '1.5', '垃圾未清运']],
  resident: [['项目编号', '户号', '得分'], ['P002', '3-2-101', '95']],
  'resident-summary': [['项目编号', '有效样本数', '平均分'], ['P003', '120', '86.40']],
  events: [['统一社会信用代码', '项目编号', '日期', '类型', '一票否决', '严重程度', '说明'], [F1, 'P002', '2025-03-01', '消防通道堵塞', '否', '一般', '执法检查']],
  complaints: [['项目编号', '投诉数'], ['P004', '3']],
};

export const TARGETS = Object.keys(VALID) as ImportTarget[];

export function commandFor(target: ImportTarget, file: string, round = WORLD.round): string[] {
  switch (target) {
    case 'streets':
    case 'firms':
    case 'projects':
      return [target, 'import', file];
    case 'events':
    case 'complaints':
      return [target, 'import', round, file];
    default:
      return ['scores', 'import', round, '--source', target, file];
  }
}

const csvCell = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
export const csvText = (rows: string[][]): string => `${rows.map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;

async function xlsxOf(rows: string[][]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('数据');
  for (const r of rows) ws.addRow(r);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Replaces cell [row][col] of a copy of rows. */
function withCell(rows: string[][], row: number, col: number, value: string): string[][] {
  return rows.map((r, i) => (i === row ? r.map((c, j) => (j === col ? value : c)) : [...r]));
}

const ANY_PROBLEM = /第 \d+ 行|列|文件|编码|XLSX|CSV|格式/;

export async function writeCorpus(dir: string): Promise<BadCase[]> {
  mkdirSync(dir, { recursive: true });
  const cases: BadCase[] = [];
  const file = (name: string, content: string | Buffer): string => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };
  const add = (id: string, what: string, target: ImportTarget, name: string, content: string | Buffer, message: RegExp = ANY_PROBLEM, exit: 2 | 3 = 2): void => {
    cases.push({ id, what, args: commandFor(target, file(name, content)), exit, message });
  };

  // ---- Every kind of file, bent the same ways -------------------------------------------------
  for (const t of TARGETS) {
    const valid = VALID[t];
    const header = valid[0] as string[];
    const csv = (rows: string[][]): string => csvText(rows);
    add(`${t}-missing-column`, '缺少必填列', t, `${t}-missing-column.csv`, csv(valid.map((r) => r.slice(1))), /缺少必填列/);
    add(`${t}-unknown-column`, '未知的列', t, `${t}-unknown-column.csv`, csv(valid.map((r, i) => [...r, i === 0 ? '备注二' : 'x'])), /未知的列/);
    add(`${t}-duplicate-column`, '列重复', t, `${t}-duplicate-column.csv`, csv(valid.map((r) => [...r, r[0] as string])), /列重复/);
    add(`${t}-english-typo-header`, '英文列名拼错', t, `${t}-typo.csv`, csv([header.map((h, i) => (i === 0 ? 'cdoe' : h)), ...valid.slice(1)]), /未知的列|缺少必填列/);
    add(`${t}-empty-file`, '空文件（0 字节）', t, `${t}-empty.csv`, '', /文件是空的/);
    add(`${t}-blank-lines`, '只有空行', t, `${t}-blank.csv`, '\r\n\r\n   \r\n,,,\r\n', /文件是空的/);
    add(`${t}-no-header-row`, '没有列名行，直接是数据', t, `${t}-no-header.csv`, csv(valid.slice(1)), /未知的列|缺少必填列/);
    add(`${t}-utf16le`, 'UTF-16LE（带 BOM）编码', t, `${t}-utf16le.csv`, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(csv(valid), 'utf16le')]), ANY_PROBLEM);
    add(`${t}-utf16be`, 'UTF-16BE（带 BOM）编码', t, `${t}-utf16be.csv`, Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(csv(valid), 'utf16le').swap16()]), ANY_PROBLEM);
    add(`${t}-big5`, '繁体 Big5 编码', t, `${t}-big5.csv`, iconv.encode(csv(valid), 'big5'), ANY_PROBLEM);
    add(`${t}-shift-jis`, '日文 Shift_JIS 编码', t, `${t}-sjis.csv`, iconv.encode(csv(valid), 'shift_jis'), ANY_PROBLEM);
    add(
      `${t}-mixed-encoding`,
      'UTF-8 列名，GBK 数据行',
      t,
      `${t}-mixed.csv`,
      Buffer.concat([Buffer.from(csv([header])), iconv.encode(csv([(valid[1] as string[]).map((c, i) => (i === 1 ? `中文${c}` : c))]), 'gbk')]),
      /编码|第 \d+ 行/,
    );
    add(`${t}-binary`, '二进制垃圾（PNG 文件头）', t, `${t}-binary.csv`, Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.alloc(64, 0xff)]), ANY_PROBLEM);
    add(`${t}-nul-bytes`, '夹有 NUL 字节', t, `${t}-nul.csv`, Buffer.from(csv(valid).replace(/,/g, ',\u0000')), ANY_PROBLEM);
    add(`${t}-unclosed-quote`, '引号没有闭合', t, `${t}-quote.csv`, `${csv([header])}${(valid[1] as string[]).join(',')},"未闭合\r\n`, /引号|CSV|列/);
    add(`${t}-unnamed-column`, '没有列名的列里有内容', t, `${t}-unnamed.csv`, csv(valid.map((r, i) => [...r, i === 0 ? '' : '多出来的内容'])), /没有列名/);
    add(`${t}-formula-key`, '关键列是公式文本', t, `${t}-formula.csv`, csv(withCell(valid, 1, 0, '=HYPERLINK("http://evil.example/","P001")')), /第 2 行/);
    add(`${t}-sql-key`, '关键列是 SQL 注入', t, `${t}-sql.csv`, csv(withCell(valid, 1, 0, "P001'; drop table firms; --")), /第 2 行/);
    add(`${t}-script-key`, '关键列是脚本', t, `${t}-script.csv`, csv(withCell(valid, 1, 0, '<script>alert(1)</script>')), /第 2 行/);
    add(`${t}-xls`, '旧版 Excel（.xls）', t, `${t}.xls`, Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(512)]), /xls|文件类型/);
    add(`${t}-pdf`, 'PDF 文件', t, `${t}.pdf`, '%PDF-1.4\n1 0 obj\n<<>>\nendobj\n', /文件类型/);

    const good = await xlsxOf(valid);
    add(`${t}-xlsx-truncated-half`, 'XLSX 截断到一半', t, `${t}-trunc-half.xlsx`, good.subarray(0, Math.floor(good.length / 2)), /XLSX/);
    add(`${t}-xlsx-truncated-end`, 'XLSX 少了最后 10 字节（目录尾）', t, `${t}-trunc-end.xlsx`, good.subarray(0, good.length - 10), /XLSX/);
    const flipped = Buffer.from(good);
    for (let i = 200; i < Math.min(flipped.length - 200, 1200); i += 7) flipped[i] = (flipped[i] as number) ^ 0x5a;
    add(`${t}-xlsx-corrupted`, 'XLSX 中间字节被改坏', t, `${t}-corrupt.xlsx`, flipped, /XLSX/);
    add(`${t}-xlsx-formula-key`, 'XLSX 中关键列是公式', t, `${t}-formula.xlsx`, xlsxWith({ data: Buffer.from(sheetXml(withCell(valid, 1, 0, '=1+1'))) }), /第 2 行/);
  }

  // ---- Values that look like a score ---------------------------------------------------------
  const badScores: [string, string][] = [
    ['chinese-numeral', '九十'],
    ['negative', '-1'],
    ['over-100', '100.001'],
    ['nan', 'NaN'],
    ['infinity', 'Infinity'],
    ['exponent', '1e2'],
    ['with-unit', '90分'],
    ['three-decimals', '85.005'],
    ['hex', '0x5A'],
    ['comma-decimal', '90,5'],
    ['formula', '=90'],
    ['empty', ''],
    ['spaces', '   '],
    ['percent', '90%'],
    ['101', '101'],
    ['huge', '1'.repeat(400)],
  ];
  for (const [id, value] of badScores) {
    add(`street-score-${id}`, `街道评分为「${value.slice(0, 20)}」`, 'street', `street-score-${id}.csv`, csvText(withCell(VALID.street, 1, 1, value)), /第 2 行.*得分|得分/);
  }
  for (const [id, value] of badScores.slice(0, 6)) {
    add(`regulator-score-${id}`, `行管评分为「${value}」`, 'regulator', `regulator-score-${id}.csv`, csvText(withCell(VALID.regulator, 1, 2, value)), /得分/);
    add(`resident-score-${id}`, `问卷得分为「${value}」`, 'resident', `resident-score-${id}.csv`, csvText(withCell(VALID.resident, 1, 2, value)), /得分/);
    add(`summary-mean-${id}`, `问卷汇总均分为「${value}」`, 'resident-summary', `summary-mean-${id}.csv`, csvText(withCell(VALID['resident-summary'], 1, 2, value)), /平均分/);
  }

  // ---- Keys: USCC check characters, unknown and repeated keys --------------------------------
  const badUsccs: [string, string][] = [
    ['check-char', `${F1.slice(0, 17)}${F1.endsWith('0') ? '1' : '0'}`],
    ['length-17', F1.slice(0, 17)],
    ['length-19', `${F1}0`],
    ['letter-O', `${F1.slice(0, 10)}O${F1.slice(11)}`],
    ['letter-I', `${F1.slice(0, 10)}I${F1.slice(11)}`],
    ['empty', ''],
  ];
  for (const [id, value] of badUsccs) {
    add(`firms-uscc-${id}`, `企业统一社会信用代码「${value}」`, 'firms', `firms-uscc-${id}.csv`, csvText(withCell(VALID.firms, 1, 0, value)), /统一社会信用代码/);
    add(`regulator-uscc-${id}`, `行管评分的统一社会信用代码「${value}」`, 'regulator', `regulator-uscc-${id}.csv`, csvText(withCell(VALID.regulator, 1, 0, value)), /统一社会信用代码/);
  }
  add('regulator-unknown-firm', '校验码正确但未登记的企业', 'regulator', 'regulator-unknown-firm.csv', csvText(withCell(VALID.regulator, 1, 0, WORLD.strangerUscc)), /未知的企业/);
  add('projects-unknown-firm', '项目的物业企业未登记', 'projects', 'projects-unknown-firm.csv', csvText(withCell(VALID.projects, 1, 4, WORLD.strangerUscc)), /未知的企业/);
  for (const c of cases.slice(-2)) c.worldSpecific = true;
  add('street-unknown-project', '未知的项目编号', 'street', 'street-unknown-project.csv', csvText(withCell(VALID.street, 1, 0, 'P999')), /未知的项目编号 P999/);
  add('complaints-unknown-project', '投诉的项目不存在', 'complaints', 'complaints-unknown-project.csv', csvText(withCell(VALID.complaints, 1, 0, 'NOPE')), /未知的项目编号/);
  add('street-duplicate-project', '同一项目两行', 'street', 'street-dup.csv', csvText([...VALID.street, ['P002', '70', '']]), /两次|重复/);
  add('firms-duplicate-uscc', '同一企业两行', 'firms', 'firms-dup.csv', csvText([...VALID.firms, [F1, '另一个名字', '', '']]), /两次|重复/);
  add('projects-duplicate-code', '同一项目编号两行', 'projects', 'projects-dup.csv', csvText([...VALID.projects, ['P001', '别的小区', 'S1', '', F1, '100', '']]), /两次|重复/);
  add('streets-duplicate-code', '同一街道编码两行', 'streets', 'streets-dup.csv', csvText([...VALID.streets, ['S9', '重复街道', '']]), /两次|重复/);
  add('regulator-duplicate-department', '同一企业同一部门两行', 'regulator', 'regulator-dup.csv', csvText([...VALID.regulator, [F2, '市消防救援支队', '80']]), /两次|重复/);
  add('resident-duplicate-household', '同一户两条问卷', 'resident', 'resident-dup.csv', csvText([...VALID.resident, ['P002', '3-2-101', '60']]), /两次|重复/);
  add('resident-duplicate-household-spaces', '同一户两条问卷（户号前后有空格）', 'resident', 'resident-dup-space.csv', csvText([...VALID.resident, ['P002', ' 3-2-101 ', '60']]), /两次|重复/);
  add('deductions-project-of-other-firm', '扣分项目属于另一家企业', 'deductions', 'deductions-other-firm.csv', csvText(withCell(VALID.deductions, 1, 1, 'P001')), /不属于该企业/);
  add('deductions-unknown-item', '扣分项不在目录中', 'deductions', 'deductions-item.csv', csvText(withCell(VALID.deductions, 1, 2, 'X99')), /扣分目录/);
  add('deductions-over-max', '扣分超过该项上限', 'deductions', 'deductions-max.csv', csvText(withCell(VALID.deductions, 1, 3, '5')), /最多/);
  add('deductions-negative', '扣分为负', 'deductions', 'deductions-negative.csv', csvText(withCell(VALID.deductions, 1, 3, '-2')), /扣分/);

  // ---- Survey answers and counts ---------------------------------------------------------------
  add('resident-both-score-and-answer', '得分与满意度都填了', 'resident', 'resident-both.csv', csvText([['项目编号', '户号', '得分', '满意度'], ['P002', '1-1', '90', '满意']]), /只能填写一项/);
  add('resident-neither', '得分与满意度都没填', 'resident', 'resident-neither.csv', csvText([['项目编号', '户号', '得分', '满意度'], ['P002', '1-1', '', '']]), /必须填写一项/);
  add('resident-answer-unknown', '满意度「很满意」', 'resident', 'resident-answer.csv', csvText([['项目编号', '户号', '满意度'], ['P002', '1-1', '很满意']]), /满意度只能填写/);
  add('resident-answer-english', '满意度「satisfied」', 'resident', 'resident-answer-en.csv', csvText([['项目编号', '户号', '满意度'], ['P002', '1-1', 'satisfied']]), /满意度只能填写/);
  add('resident-empty-household', '户号为空', 'resident', 'resident-no-household.csv', csvText(withCell(VALID.resident, 1, 1, '')), /户号/);
  for (const [id, value] of [['zero', '0'], ['negative', '-3'], ['fraction', '1.5'], ['chinese', '一百二十']] as [string, string][]) {
    add(`summary-responses-${id}`, `有效样本数「${value}」`, 'resident-summary', `summary-responses-${id}.csv`, csvText(withCell(VALID['resident-summary'], 1, 1, value)), /有效样本数/);
    add(`projects-households-${id}`, `户数「${value}」`, 'projects', `projects-households-${id}.csv`, csvText(withCell(VALID.projects, 1, 5, value)), /户数/);
  }
  for (const [id, value] of [['negative', '-1'], ['fraction', '1.5'], ['word', '很多'], ['chinese', '三']] as [string, string][]) {
    add(`complaints-count-${id}`, `投诉数「${value}」`, 'complaints', `complaints-count-${id}.csv`, csvText(withCell(VALID.complaints, 1, 1, value)), /投诉数/);
  }
  add('projects-kind-unknown', '项目类型「别墅」', 'projects', 'projects-kind.csv', csvText(withCell(VALID.projects, 1, 6, '别墅')), /类型只能填写/);
  add('projects-empty-street', '街道为空', 'projects', 'projects-street.csv', csvText(withCell(VALID.projects, 1, 2, '')), /街道/);
  add('firms-empty-name', '企业名称为空', 'firms', 'firms-name.csv', csvText(withCell(VALID.firms, 1, 1, '')), /企业名称/);
  add('streets-empty-name', '街道名称为空', 'streets', 'streets-name.csv', csvText(withCell(VALID.streets, 1, 1, '')), /街道名称/);

  // ---- Dates in many formats, and other event fields --------------------------------------------
  const badDates: [string, string][] = [
    ['month-13', '2025/13/01'],
    ['feb-30', '2025-02-30'],
    ['chinese-feb-30', '2025年2月30日'],
    ['compact-month-13', '20251301'],
    ['us-format', '03/01/2025'],
    ['english', 'Mar 1, 2025'],
    ['excel-serial', '45717'],
    ['two-digit-year', '25-3-1'],
    ['year-1899', '1899-12-31'],
    ['hour-25', '2025-03-01 25:00'],
    ['chinese-numerals', '二〇二五年三月一日'],
    ['empty', ''],
  ];
  for (const [id, value] of badDates) {
    add(`events-date-${id}`, `事件日期「${value}」`, 'events', `events-date-${id}.csv`, csvText(withCell(VALID.events, 1, 2, value)), /日期/);
  }
  add('events-veto-maybe', '一票否决填「也许」', 'events', 'events-veto.csv', csvText(withCell(VALID.events, 1, 4, '也许')), /一票否决只能填写/);
  add('events-severity-unknown', '严重程度「特别严重」', 'events', 'events-severity.csv', csvText(withCell(VALID.events, 1, 5, '特别严重')), /严重程度只能填写/);
  add('events-empty-type', '事件类型为空', 'events', 'events-type.csv', csvText(withCell(VALID.events, 1, 3, '')), /类型/);

  // ---- Big and hostile files -------------------------------------------------------------------
  const big = '物'.repeat(50 * 1024 * 1024 / 3);
  add('street-50mb-cell-csv', '50 MB 的备注单元格（CSV）', 'street', 'street-50mb.csv', `项目编号,得分,备注\r\nP002,88,"${big}"\r\n`, /CSV|字符/);
  add('street-50mb-cell-unquoted', '50 MB 的一行（CSV，无引号）', 'street', 'street-50mb-raw.csv', `项目编号,得分,备注\r\nP002,88,${big}\r\n`, /CSV|字符/);
  add('street-50mb-cell-xlsx', '50 MB 的单元格（XLSX）', 'street', 'street-50mb.xlsx', xlsxWith({ data: Buffer.from(sheetXml([['项目编号', '得分', '备注'], ['P002', '88', big]])) }), /XLSX|字符/);
  const head = Buffer.from(`${SHEET_HEAD}<row r="1"><c t="inlineStr"><is><t>项目编号</t></is></c><c t="inlineStr"><is><t>得分</t></is></c></row>`);
  const tail = Buffer.from(SHEET_TAIL);
  add(
    'street-xlsx-bomb-text',
    'XLSX 炸弹：一个 1 GB 的文本单元格，压缩后约 1 MB',
    'street',
    'bomb-text.xlsx',
    xlsxWith({ bomb: { head: Buffer.from(`${head.toString()}<row r="2"><c t="inlineStr"><is><t>`), unit: Buffer.alloc(1024 * 1024, 'A'), times: 1024, tail: Buffer.from(`</t></is></c></row>${SHEET_TAIL}`) } }),
    /XLSX/,
  );
  add(
    'street-xlsx-bomb-whitespace',
    'XLSX 炸弹：1 GB 的空白',
    'street',
    'bomb-space.xlsx',
    xlsxWith({ bomb: { head, unit: Buffer.alloc(1024 * 1024, ' '), times: 1024, tail } }),
    /XLSX/,
  );
  add(
    'street-xlsx-bomb-rows',
    'XLSX 炸弹：300 万行',
    'street',
    'bomb-rows.xlsx',
    xlsxWith({ bomb: { head, unit: Buffer.from('<row><c t="inlineStr"><is><t>P002</t></is></c></row>'.repeat(20_000)), times: 150, tail } }),
    /超过 Excel 的 1,048,576 行上限/,
  );
  add(
    'street-xlsx-bomb-cells',
    'XLSX 炸弹：一行 1000 万个单元格',
    'street',
    'bomb-cells.xlsx',
    xlsxWith({ bomb: { head: Buffer.from(`${head.toString()}<row r="2">`), unit: Buffer.from('<c t="inlineStr"><is><t>x</t></is></c>'.repeat(10_000)), times: 1000, tail: Buffer.from(`</row>${SHEET_TAIL}`) } }),
    /XLSX/,
  );
  add(
    'street-xlsx-lying-size',
    'XLSX 目录谎报解压大小（声明 1 KB，实际 1 GB）',
    'street',
    'bomb-lying.xlsx',
    xlsxWith({ bomb: { head, unit: Buffer.alloc(1024 * 1024, ' '), times: 1024, tail }, declaredSize: 1024 }),
    /XLSX/,
  );
  add(
    'street-xlsx-declared-4gb',
    'XLSX 目录声明 4 GB 的工作表',
    'street',
    'bomb-4gb.xlsx',
    xlsxWith({ data: Buffer.from(sheetXml(VALID.street)), declaredSize: 0xfffffffe }),
    /XLSX/,
  );
  add('street-xlsx-no-sheet', 'XLSX 缺少工作表', 'street', 'no-sheet.xlsx', xlsxWith({ data: Buffer.from(sheetXml(VALID.street)) }, { omit: ['xl/worksheets/sheet1.xml'] }), /XLSX/);
  add('street-xlsx-no-workbook', 'XLSX 缺少 workbook.xml', 'street', 'no-workbook.xlsx', xlsxWith({ data: Buffer.from(sheetXml(VALID.street)) }, { omit: ['xl/workbook.xml'] }), /XLSX/);
  add('street-xlsx-bad-xml', 'XLSX 工作表不是合法 XML', 'street', 'bad-xml.xlsx', xlsxWith({ data: Buffer.from(`${SHEET_HEAD}<row r="1"><c t="inlineStr"><is><t>项目编号</t></is></c></rw>${SHEET_TAIL}`) }), /XLSX/);
  add('street-xlsx-entity-expansion', 'XLSX 工作表含 XML 实体炸弹（billion laughs）', 'street', 'laughs.xlsx', xlsxWith({ data: Buffer.from(`<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c t="inlineStr"><is><t>&lol3;</t></is></c></row></sheetData></worksheet>`) }), /XLSX|列/);
  add('street-zip-not-xlsx', '普通 ZIP（不是 XLSX）', 'street', 'plain.xlsx', writeZip([{ name: 'readme.txt', data: Buffer.from('hello') }]), /XLSX/);
  add('street-xlsx-only-header-row-numbers-backwards', 'XLSX 行号倒序', 'street', 'backwards.xlsx', xlsxWith({ data: Buffer.from(`${SHEET_HEAD}<row r="5"><c t="inlineStr"><is><t>项目编号</t></is></c></row><row r="2"><c t="inlineStr"><is><t>P002</t></is></c></row>${SHEET_TAIL}`) }), /XLSX/);

  // ---- Commands the workflow or the arguments refuse ---------------------------------------------
  const street = file('street-valid.csv', csvText(VALID.street));
  cases.push({ id: 'round-not-found', what: '导入到不存在的评价周期', args: commandFor('street', street, '2030-H1'), exit: 2, message: /2030-H1/ });
  cases.push({ id: 'round-closed', what: '导入到已停止录入的评价周期', args: commandFor('street', street, WORLD.closedRound), exit: 3, message: /录入中/ });
  cases.push({ id: 'round-code-invalid', what: '评价周期编号 2025-H3', args: commandFor('street', street, '2025-H3'), exit: 2, message: /YYYY-H1|评价周期/ });
  cases.push({ id: 'compute-open-round', what: '计算仍在录入的评价周期', args: ['rounds', 'compute', WORLD.round], exit: 3, message: /录入中/ });
  cases.push({ id: 'publish-open-round', what: '发布仍在录入的评价周期', args: ['rounds', 'publish', WORLD.round], exit: 3, message: /录入中/ });
  cases.push({ id: 'open-twice', what: '再次开始录入', args: ['rounds', 'open', WORLD.round], exit: 3, message: /录入中|草稿/ });
  cases.push({ id: 'create-existing', what: '重复创建评价周期', args: ['rounds', 'create', WORLD.round], exit: 3, message: /已存在/ });
  cases.push({ id: 'create-bad-code', what: '创建 2025-H3', args: ['rounds', 'create', '2025-H3'], exit: 2, message: /YYYY-H1/ });
  cases.push({ id: 'create-year-end-early', what: '半年度未发布就创建年度评价', args: ['rounds', 'create', '2025-Y'], exit: 3, message: /须先发布/ });
  const rules = (name: string, content: string): string => file(name, content);
  cases.push({ id: 'rules-not-json', what: '规则文件不是 JSON', args: ['rounds', 'create', '2026-H1', '--rules', rules('rules-bad.json', '{ red: 10 ')], exit: 2, message: /JSON/ });
  cases.push({ id: 'rules-unknown-key', what: '规则文件有未知的键', args: ['rounds', 'create', '2026-H1', '--rules', rules('rules-typo.json', '{"red":{"sahre":10}}')], exit: 2, message: /sahre/ });
  cases.push({ id: 'rules-negative-weight', what: '权重为负', args: ['rounds', 'create', '2026-H1', '--rules', rules('rules-weight.json', '{"weights":{"resident":-5,"regulator":3,"street":2}}')], exit: 2, message: /规则无效/ });
  cases.push({ id: 'rules-sql', what: '规则文件里是 SQL', args: ['rounds', 'create', '2026-H1', '--rules', rules('rules-sql.json', '"; drop table rounds; --"')], exit: 2, message: /规则/ });
  cases.push({ id: 'rules-missing-file', what: '规则文件不存在', args: ['rounds', 'create', '2026-H1', '--rules', join(dir, 'nope.json')], exit: 2, message: /无法读取/ });
  cases.push({ id: 'file-missing', what: '导入文件不存在', args: commandFor('street', join(dir, 'missing.csv')), exit: 2, message: /不存在/ });
  cases.push({ id: 'file-is-directory', what: '导入的是一个文件夹', args: commandFor('street', dir), exit: 2, message: /文件夹|文件/ });
  cases.push({ id: 'unknown-source', what: '未知的评分来源', args: ['scores', 'import', WORLD.round, '--source', 'mayor', street], exit: 2, message: /选项|参数/ });
  cases.push({ id: 'unknown-command', what: '未知的命令', args: ['scores', 'delete', WORLD.round], exit: 2, message: /命令|参数/ });
  cases.push({ id: 'settings-placeholder-issuer', what: '发文单位填成占位文字 ××市住房和城乡建设局', args: ['settings', 'set', 'issuer', '××市住房和城乡建设局'], exit: 2, message: /占位文字/ });
  cases.push({ id: 'settings-unknown-key', what: '设置不存在的设置项', args: ['settings', 'set', 'mayor', '张三'], exit: 2, message: /没有设置项「mayor」/ });
  cases.push({ id: 'projects-street-mistyped', what: '项目的街道写错一个字（东成街道）', args: commandFor('projects', file('projects-street-typo.csv', csvText(withCell(VALID.projects, 1, 2, '东成街道')))), exit: 2, message: /未登记的街道「东成街道」.*东城街道（S1）/, worldSpecific: true });
  cases.push({ id: 'users-street-unknown', what: '街道账号的街道未登记', args: ['users', 'add', '某科员', '--role', 'street', '--street', '东成街道'], exit: 2, message: /最接近的已登记街道：东城街道/, worldSpecific: true });
  cases.push({ id: 'group-without-command', what: '命令组缺少子命令（hhb rounds）', args: ['rounds'], exit: 2, message: /缺少子命令/ });

  // ---- How values are read: what spreadsheets do to a value ------------------------------------
  const percentBook = new ExcelJS.Workbook();
  const percentSheet = percentBook.addWorksheet('街道评分');
  percentSheet.addRow(['项目编号', '得分']);
  percentSheet.addRow(['P002', 0.85]);
  percentSheet.getCell('B2').numFmt = '0%';
  add('street-score-percent-format-xlsx', 'XLSX 得分单元格为百分比格式（0.85 显示为 85%）', 'street', 'street-percent.xlsx', Buffer.from(await percentBook.xlsx.writeBuffer()), /百分比格式.*请填写 85/);
  add('summary-mean-percent', '问卷汇总均分写成 85%', 'resident-summary', 'summary-mean-percent.csv', csvText(withCell(VALID['resident-summary'], 1, 2, '85%')), /百分比格式/);
  add('regulator-score-percent', '行管评分写成 91%', 'regulator', 'regulator-score-percent.csv', csvText(withCell(VALID.regulator, 1, 2, '91%')), /百分比格式/);
  add('summary-responses-over-households', '有效样本数超过项目户数', 'resident-summary', 'summary-over.csv', csvText(withCell(VALID['resident-summary'], 1, 1, '301')), /有效样本数 301 超过项目 P003 的户数 300/);
  cases[cases.length - 1]!.worldSpecific = true;
  add('events-date-before-round', '事件日期在上一个半年', 'events', 'events-2024.csv', csvText(withCell(VALID.events, 1, 2, '2024-11-01')), /日期 2024-11-01 不在本评价周期/);
  add('events-date-after-round', '事件日期在下一个半年', 'events', 'events-h2.csv', csvText(withCell(VALID.events, 1, 2, '2025-07-01')), /不在本评价周期/);
  add('firms-uscc-excel-scientific', '统一社会信用代码被 Excel 转成 9.12201E+17', 'firms', 'firms-uscc-sci.csv', csvText(withCell(VALID.firms, 1, 0, '9.12201E+17')), /Excel 转成了数字.*文本/);
  add('regulator-uscc-excel-digits', '统一社会信用代码被 Excel 截成 15 位有效数字', 'regulator', 'regulator-uscc-digits.csv', csvText(withCell(VALID.regulator, 1, 0, '912201000000001000')), /Excel 转成了数字/);
  add('street-ods', 'OpenDocument 表格（.ods）', 'street', 'street.ods', writeZip([{ name: 'mimetype', data: Buffer.from('application/vnd.oasis.opendocument.spreadsheet') }]), /\.ods.*另存为/);
  add('street-header-below-row-10', '列名行在第 12 行', 'street', 'street-low-header.csv', csvText([...Array.from({ length: 11 }, (_, i) => [`说明 ${i + 1}`, '']), ...VALID.street]), /前 10 行中没有列名行/);
  return cases;
}
