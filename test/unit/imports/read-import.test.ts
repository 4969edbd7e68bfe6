import { createReadStream, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import iconv from 'iconv-lite';
import { DomainError } from '../../../src/domain/errors';
import { type ImportContext, readImport, readImportFrom, streamImport } from '../../../src/imports';
import { XLS_PROBLEM } from '../../../src/imports/read-import';
import { csv, problemsOf, tempDir, writeCsv } from './helpers';

const FIXTURES = join(__dirname, '../../fixtures/imports');
const A = '91350100M000100Y43';
const B = '91440300708461136T';
const C = '914403001922038216';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
let n = 0;
const file = (rows: (string | number)[][]): string => writeCsv(tmp.path(`f${(n += 1)}.csv`), rows);

describe('committed fixtures', () => {
  it('reads a GBK projects CSV as Excel on Chinese Windows writes it', async () => {
    const result = await readImport('projects', join(FIXTURES, 'projects-gbk.csv'));
    expect(result.format).toBe('csv');
    expect(result.charset).toBe('gb18030');
    expect(result.rows).toEqual([
      { row: 2, code: 'P001', name: '幸福家园', street: '东城街道', community: '东城第一社区', firmUscc: A, households: 1200, kind: 'commodity' },
      { row: 3, code: 'P002', name: '锦绣花园二期', street: '西城街道', community: null, firmUscc: B, households: 860, kind: 'old' },
      { row: 4, code: 'P003', name: '瑞祥苑,北区', street: '西城街道', community: '瑞祥社区', firmUscc: C, households: 1350, kind: 'affordable' },
    ]);
  });

  it('reads a UTF-8 CSV with BOM and English headers in any case', async () => {
    const result = await readImport('firms', join(FIXTURES, 'firms-utf8-bom.csv'));
    expect(result.charset).toBe('utf-8');
    expect(result.rows).toEqual([
      { row: 2, uscc: A, name: '闽福物业服务有限公司', legalRep: '陈建国', phone: '0591-88888888' },
      { row: 3, uscc: B, name: '鹏城物业管理有限公司', legalRep: null, phone: null },
    ]);
  });

  it('reads an XLSX and skips a pre-filled row that has not been scored yet', async () => {
    const result = await readImport('street-scores', join(FIXTURES, 'street-scores.xlsx'));
    expect(result.format).toBe('xlsx');
    expect(result.rows).toEqual([
      { row: 2, projectCode: 'P001', score: 9250, note: '环境整洁' },
      { row: 3, projectCode: 'P002', score: 7800, note: null },
    ]);
  });

  it('reads events from an XLSX with an Excel date cell and a text date', async () => {
    const { rows } = await readImport('events', join(FIXTURES, 'events.xlsx'));
    expect(rows).toEqual([
      { row: 2, firmUscc: A, projectCode: 'P001', date: '2025-03-01', type: '挪用专项维修资金', veto: true, severity: 'serious', note: '审计查实' },
      { row: 3, firmUscc: B, projectCode: null, date: '2025-03-15', type: '违规装修未制止', veto: false, severity: 'minor', note: null },
    ]);
  });
});

describe('header mapping', () => {
  it('names each missing required column once', async () => {
    expect(await problemsOf(readImport('survey-summary', file([['有效样本数'], ['12']])))).toEqual([
      { row: 1, column: null, message: '缺少必填列：项目编号/project_code' },
      { row: 1, column: null, message: '缺少必填列：平均分/mean' },
    ]);
  });

  it('needs a score or an answer column for survey responses', async () => {
    expect(await problemsOf(readImport('survey-responses', file([['项目编号', '户号'], ['P001', '1-101']])))).toEqual([
      { row: 1, column: null, message: '缺少必填列：得分/score 或 满意度/answer' },
    ]);
  });

  it('reports an unknown column and a repeated one, as written, and still checks the rows', async () => {
    const path = file([
      ['项目编号', ' 得分 ', 'Score', '评分人'],
      ['P001', '101', '90', '张三'],
    ]);
    expect(await problemsOf(readImport('street-scores', path))).toEqual([
      { row: 1, column: 'Score', message: '列重复：Score' },
      { row: 1, column: '评分人', message: '未知的列：评分人' },
      { row: 2, column: '得分', message: '得分必须是 0–100 之间的数字，读到的是「101」' },
    ]);
  });

  it('matches English headers trimmed and case-insensitively, Chinese and English mixed', async () => {
    const { rows } = await readImport('complaints', file([[' PROJECT_CODE ', '投诉数'], ['P001', '3']]));
    expect(rows).toEqual([{ row: 2, projectCode: 'P001', count: 3 }]);
  });

  it('refuses content under a column with no header', async () => {
    const path = file([
      ['项目编号', '投诉数', ''],
      ['P001', '3', ''],
      ['P002', '4', '多余'],
      ['P003', '5', '', '也多余'],
    ]);
    expect(await problemsOf(readImport('complaints', path))).toEqual([
      { row: 3, column: '第 C 列', message: '该列没有列名，但本行有内容' },
      { row: 4, column: '第 D 列', message: '该列没有列名，但本行有内容' },
    ]);
  });

  it('refuses an empty file', async () => {
    const path = tmp.path('empty.csv');
    writeFileSync(path, '');
    expect(await problemsOf(readImport('firms', path))).toEqual([{ row: null, column: null, message: '文件是空的：没有列名行' }]);
  });
});

describe('rows', () => {
  it('skips empty rows and numbers rows as the spreadsheet shows them', async () => {
    const path = tmp.path('gaps.csv');
    writeFileSync(path, '项目编号,投诉数\n\nP001,3\n,\n  , \nP002,x\n');
    expect(await problemsOf(readImport('complaints', path))).toEqual([{ row: 6, column: '投诉数', message: '投诉数必须是不小于 0 的整数，读到的是「x」' }]);
  });

  it.each([
    ['九十', '得分必须是 0–100 之间的数字，读到的是「九十」'],
    ['-1', '得分必须是 0–100 之间的数字，读到的是「-1」'],
    ['100.001', '得分必须是 0–100 之间的数字，读到的是「100.001」'],
    ['NaN', '得分必须是 0–100 之间的数字，读到的是「NaN」'],
    ['', '得分必须是 0–100 之间的数字，单元格为空'],
    ['85.005', '得分最多两位小数，读到的是「85.005」'],
  ])('refuses the street score %j: %s', async (score, message) => {
    const path = file([
      ['项目编号', '得分', '备注'],
      ['P001', score, '有备注'],
    ]);
    expect(await problemsOf(readImport('street-scores', path))).toEqual([{ row: 2, column: '得分', message }]);
  });

  it('lists every problem of a projects file with its row and column', async () => {
    const path = file([
      ['项目编号', '项目名称', '街道', '物业企业统一社会信用代码', '户数', '类型'],
      ['P001', '幸福家园', '东城街道', A, '0', '商品房'],
      ['P002', '', '东城街道', '91350100M000100Y42', '1200.5', '别墅'],
      ['P003', '锦绣花园', '', 'ABC', '-5', 'old'],
    ]);
    expect(await problemsOf(readImport('projects', path))).toEqual([
      { row: 2, column: '户数', message: '户数必须是大于 0 的整数，读到的是「0」' },
      { row: 3, column: '项目名称', message: '项目名称不能为空' },
      { row: 3, column: '物业企业统一社会信用代码', message: '统一社会信用代码 91350100M000100Y42 无效：校验码错误，应为 3' },
      { row: 3, column: '户数', message: '户数必须是大于 0 的整数，读到的是「1200.5」' },
      { row: 3, column: '类型', message: '类型只能填写 商品房、老旧小区、保障性住房（或 commodity、old、affordable）' },
      { row: 4, column: '街道', message: '街道不能为空' },
      { row: 4, column: '物业企业统一社会信用代码', message: '统一社会信用代码 ABC 无效：长度不是18位' },
      { row: 4, column: '户数', message: '户数必须是大于 0 的整数，读到的是「-5」' },
    ]);
  });

  it('checks events: date formats, veto and severity', async () => {
    const path = file([
      ['统一社会信用代码', '项目编号', '日期', '类型', '一票否决', '严重程度'],
      [A, '', '2025年3月1日', '违规', 'yes', 'serious'],
      [A, 'P001', '20250301', '违规', '0', ''],
      [A, '', '3/1/2025', '违规', '也许', '很严重'],
      [A, '', '2025-02-30', '违规', '否', '一般'],
    ]);
    expect(await problemsOf(readImport('events', path))).toEqual([
      { row: 4, column: '日期', message: '日期无法识别：请使用 2025-03-01、2025/3/1、2025年3月1日 或 20250301 的格式' },
      { row: 4, column: '一票否决', message: '一票否决只能填写 是 或 否（或 yes/no、true/false、1/0）' },
      { row: 4, column: '严重程度', message: '严重程度只能填写 一般 或 严重（或 minor、serious）' },
      { row: 5, column: '日期', message: '日期 2025-02-30 不存在或超出范围' },
    ]);
  });

  it('reads survey responses with a score or a five-level answer, one of the two per row', async () => {
    const ok = await readImport('survey-responses', file([['项目编号', '户号', '得分', '满意度'], ['P001', '1-101', '85.5', ''], ['P001', '1-102', '', '非常满意']]));
    expect(ok.rows).toEqual([
      { row: 2, projectCode: 'P001', household: '1-101', score: 8550 },
      { row: 3, projectCode: 'P001', household: '1-102', score: 10000 },
    ]);
    const path = file([
      ['项目编号', '户号', '得分', '满意度'],
      ['P001', '1', '90', '满意'],
      ['P001', '2', '', ''],
      ['P001', '3', '', '很满意'],
    ]);
    expect(await problemsOf(readImport('survey-responses', path))).toEqual([
      { row: 2, column: '满意度', message: '得分与满意度只能填写一项' },
      { row: 3, column: '得分', message: '得分或满意度必须填写一项' },
      { row: 4, column: '满意度', message: '满意度只能填写 非常满意、满意、一般、不满意、非常不满意' },
    ]);
  });

  it('refuses a cell longer than 10,000 characters', async () => {
    const path = file([['统一社会信用代码', '企业名称'], [A, '物'.repeat(10_001)], [B, '物'.repeat(10_000)]]);
    expect(await problemsOf(readImport('firms', path))).toEqual([{ row: 2, column: '企业名称', message: '内容超过 10000 个字符' }]);
  });

  it('refuses a CSV whose quote is never closed', async () => {
    const path = tmp.path('quote.csv');
    writeFileSync(path, '统一社会信用代码,企业名称\n91350100M000100Y43,"闽福物业\n');
    expect(await problemsOf(readImport('firms', path))).toEqual([{ row: 2, column: null, message: 'CSV 格式错误：引号没有闭合' }]);
  });

  it('refuses a file in neither UTF-8 nor GBK', async () => {
    const path = tmp.path('utf16.csv');
    writeFileSync(path, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('项目编号,投诉数\r\nP001,3\r\n', 'utf16le')]));
    expect(await problemsOf(readImport('complaints', path))).toEqual([
      { row: null, column: null, message: '文件编码无法识别：请另存为 UTF-8 或 GBK 编码的 CSV' },
    ]);
  });

  it('says when the file does not exist', async () => {
    await expect(readImport('firms', tmp.path('missing.csv'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('keys repeated within one file', () => {
  it.each([
    ['firms', [['统一社会信用代码', '企业名称'], [A, '甲'], [B, '乙'], [A.toLowerCase(), '丙']], { row: 4, column: '统一社会信用代码', message: '同一企业在本文件中出现两次（第 2 行与第 4 行）' }],
    ['projects', [['项目编号', '项目名称', '街道', '物业企业统一社会信用代码', '户数'], ['P1', '甲', '东', A, 1], ['P1', '乙', '东', A, 2]], { row: 3, column: '项目编号', message: '同一项目编号在本文件中出现两次（第 2 行与第 3 行）' }],
    ['street-scores', [['project_code', 'score'], ['P1', 90], ['P2', 91], ['P1', 92]], { row: 4, column: 'project_code', message: '同一项目在本文件中出现两次（第 2 行与第 4 行）' }],
    ['regulator-scores', [['统一社会信用代码', '部门', '得分'], [A, '执法局', 90], [A, '消防', 90], [A, '执法局', 80]], { row: 4, column: '部门', message: '同一企业的同一部门得分在本文件中出现两次（第 2 行与第 4 行）' }],
    ['survey-summary', [['项目编号', '有效样本数', '平均分'], ['P1', 10, 90], ['P1', 12, 91]], { row: 3, column: '项目编号', message: '同一项目在本文件中出现两次（第 2 行与第 3 行）' }],
    ['complaints', [['项目编号', '投诉数'], ['P1', 1], ['P1', 2]], { row: 3, column: '项目编号', message: '同一项目在本文件中出现两次（第 2 行与第 3 行）' }],
  ] as const)('refuses a repeated %s key naming both rows', async (kind, rows, problem) => {
    expect(await problemsOf(readImport(kind, file(rows.map((r) => [...r]))))).toEqual([problem]);
  });

  it('refuses the same household twice in one survey file, naming both rows', async () => {
    const rows: (string | number)[][] = [['项目编号', '户号', '得分']];
    for (let i = 1; i <= 7; i += 1) rows.push(['P001', `1-${100 + i}`, 90]);
    rows.push(['P002', '1-104', 80]); // same household code in another project: fine
    rows[8] = ['P001', '1-104', 70];
    expect(await problemsOf(readImport('survey-responses', file(rows)))).toEqual([
      { row: 9, column: '户号', message: '同一户在本文件中出现两次（第 5 行与第 9 行）' },
    ]);
  });
});

describe('context from the database', () => {
  const ctx: ImportContext = {
    projects: new Map([
      ['P001', { street: '东城街道', firmUscc: A }],
      ['P002', { street: '西城街道', firmUscc: B }],
    ]),
    firms: new Set([A, B]),
    streetScope: '东城街道',
  };

  it('refuses unknown projects and projects of another street', async () => {
    const path = file([['项目编号', '得分'], ['P001', 90], ['P009', 80], ['P002', 70]]);
    expect(await problemsOf(readImport('street-scores', path, ctx))).toEqual([
      { row: 3, column: '项目编号', message: '未知的项目编号 P009' },
      { row: 4, column: '项目编号', message: '项目 P002 不属于本街道（属于 西城街道）' },
    ]);
  });

  it('refuses unknown firms and a project that is not the firm’s', async () => {
    const path = file([
      ['统一社会信用代码', '项目编号', '扣分项', '扣分'],
      [A, 'P001', 'D01', 2],
      [C, '', 'D01', 2],
      [B, 'P001', 'D02', 1.5],
    ]);
    expect(await problemsOf(readImport('deductions', path, { projects: ctx.projects, firms: ctx.firms }))).toEqual([
      { row: 3, column: '统一社会信用代码', message: `未知的企业统一社会信用代码 ${C}` },
      { row: 4, column: '项目编号', message: `项目 P001 不属于该企业（属于 ${A}）` },
    ]);
  });
});

describe('many problems', () => {
  it('lists the first 1,000 problems and counts the rest', async () => {
    const rows: (string | number)[][] = [['项目编号', '投诉数']];
    for (let i = 0; i < 1500; i += 1) rows.push([`P${i}`, -1]);
    const error = await readImport('complaints', file(rows)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).message).toBe('文件有 1500 处错误');
    const details = (error as DomainError).details as unknown[];
    expect(details).toHaveLength(1001);
    expect(details[999]).toEqual({ row: 1001, column: '投诉数', message: '投诉数必须是不小于 0 的整数，读到的是「-1」', letter: 'B' });
    expect(details[1000]).toEqual({ row: null, column: null, message: '…另有 500 处错误' });
  });
});

describe('streamImport', () => {
  const surveyFile = (count: number, bad: number[] = []): string => {
    const path = tmp.path(`survey-${count}-${bad.join('_')}.csv`);
    const lines = ['项目编号,户号,得分'];
    for (let i = 0; i < count; i += 1) lines.push(`P${i % 50},${i},${bad.includes(i + 2) ? '120' : 60 + (i % 40)}`);
    writeFileSync(path, `${lines.join('\n')}\n`);
    return path;
  };

  it('yields validated rows in batches', async () => {
    const sizes: number[] = [];
    let last = null;
    for await (const batch of streamImport('survey-responses', surveyFile(25_001), {}, { batchSize: 10_000 })) {
      sizes.push(batch.length);
      last = batch[batch.length - 1];
    }
    expect(sizes).toEqual([10_000, 10_000, 5_001]);
    expect(last).toEqual({ row: 25_002, projectCode: 'P0', household: '25000', score: 6000 });
  });

  it('stops handing out batches at the first problem and throws every problem after the last batch', async () => {
    const sizes: number[] = [];
    const run = async (): Promise<void> => {
      for await (const batch of streamImport('survey-responses', surveyFile(25_000, [15_000, 24_000]), {}, { batchSize: 10_000 })) sizes.push(batch.length);
    };
    expect(await problemsOf(run())).toEqual([
      { row: 15_000, column: '得分', message: '得分必须是 0–100 之间的数字，读到的是「120」' },
      { row: 24_000, column: '得分', message: '得分必须是 0–100 之间的数字，读到的是「120」' },
    ]);
    expect(sizes).toEqual([10_000]);
  });
});

describe('readImportFrom', () => {
  it('reads a CSV upload from a buffer', async () => {
    const buffer = iconv.encode(csv([['项目编号', '投诉数'], ['P001', 3]]), 'gbk');
    const result = await readImportFrom({ name: '投诉.CSV', buffer }, 'complaints');
    expect(result.rows).toEqual([{ row: 2, projectCode: 'P001', count: 3 }]);
  });

  it('reads an XLSX upload from a stream', async () => {
    const result = await readImportFrom({ name: 'scores.xlsx', stream: createReadStream(join(FIXTURES, 'street-scores.xlsx')) }, 'street-scores');
    expect(result.format).toBe('xlsx');
    expect(result.rows.map((r) => r.projectCode)).toEqual(['P001', 'P002']);
  });

  it('trusts the bytes over the name: a workbook saved as .csv is read as XLSX', async () => {
    const buffer = readFileSync(join(FIXTURES, 'street-scores.xlsx'));
    const result = await readImportFrom({ name: 'scores.csv', stream: Readable.from([buffer.subarray(0, 2), buffer.subarray(2)]) }, 'street-scores');
    expect(result.format).toBe('xlsx');
    expect(result.rows).toHaveLength(2);
  });

  it.each([
    ['old.xls', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), XLS_PROBLEM],
    ['fake.xlsx', Buffer.from('项目编号,投诉数\nP001,3\n'), 'XLSX 文件损坏或无法读取'],
    ['report.pdf', Buffer.from('%PDF-1.7'), '不支持的文件类型：请使用 .csv 或 .xlsx 文件'],
  ])('refuses %s with one clear problem', async (name, buffer, message) => {
    expect(await problemsOf(readImportFrom({ name, buffer }, 'complaints'))).toEqual([{ row: null, column: null, message }]);
  });
});
