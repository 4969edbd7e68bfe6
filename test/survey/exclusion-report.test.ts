/**
 * An exclusion of stuffed online answers, read back where the bureau and the firm see it: the firm's
 * explanation of its resident score (`hhb explain`) names the project, the reason and the number of
 * households left out, and the round's workbook lists it on the 数据完整性 sheet.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { backends, testDatabase } from '../cli/backends';
import { hhbOk, closeCliDatabases } from '../cli/cli-harness';
import { type CityProject, answerEach, at, readCodes, setUpCity, uscc } from './world';

afterAll(closeCliDatabases);

const ITEMS = ['安全秩序', '环境卫生', '绿化养护', '设施维修', '服务态度'];
const LEVELS = ['非常满意', '满意', '一般', '不满意'];
const PROJECTS: CityProject[] = [
  { code: 'BURST', name: '快答苑', street: '东宁街道', firm: 1, households: 25 },
  { code: 'CALM', name: '平常里', street: '西岭街道', firm: 2, households: 30 },
];
const REASON = '10 分钟内集中提交 22 份，经核查为物业代答';

describe.each(backends())('an exclusion in the explanation and the workbook on %s', (backend) => {
  let dir: string;
  let db: string;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hhb-survey-exclusion-'));
    ({ url: db, drop } = await testDatabase(backend, dir));
    await setUpCity(db, dir, PROJECTS);
    const ok = (day: string, ...args: string[]) => hhbOk(args, { db, cwd: dir, now: at(day) });
    await ok('2025-03-01', 'settings', 'set', 'base_url', 'https://wuye.example.gov.cn');
    await ok('2025-03-01', 'survey', 'codes', '2025-H1', '--out', 'letters');
    const rows = readCodes(join(dir, 'letters', 'codes.csv'));
    const start = Date.parse('2025-03-02T01:00:00Z');
    await answerEach(backend, db, rows, (row, n) => {
      const i = Number(row['户序号']);
      // 22 of BURST's households "answer" 20 seconds apart from one address, all top marks; the
      // others answer an hour apart, each from its own address, with varied answers.
      const stuffed = row['项目编号'] === 'BURST' && i <= 22;
      return {
        at: stuffed ? start + i * 20_000 : start + n * 3_600_000,
        answers: Object.fromEntries(ITEMS.map((item, k) => [item, stuffed ? '非常满意' : (LEVELS[(i + k * n) % 4] as string)])),
        address: stuffed ? '10.8.8.8' : `10.0.${n}.1`,
      };
    });
    await ok('2025-03-06', 'survey', 'exclude', '2025-H1', 'BURST', '--reason', REASON);
    writeFileSync(join(dir, 'street.csv'), stringify([['项目编号', '得分', '备注'], ['BURST', '81', ''], ['CALM', '77', '']]));
    writeFileSync(join(dir, 'regulator.csv'), stringify([['统一社会信用代码', '部门', '得分'], [uscc(1), '市城市管理行政执法局', '80'], [uscc(2), '市城市管理行政执法局', '75']]));
    await ok('2025-06-30', 'scores', 'import', '2025-H1', '--source', 'street', 'street.csv');
    await ok('2025-06-30', 'scores', 'import', '2025-H1', '--source', 'regulator', 'regulator.csv');
    await ok('2025-07-01', 'rounds', 'close', '2025-H1');
    await ok('2025-07-01', 'rounds', 'compute', '2025-H1');
  }, 120_000);
  afterAll(async () => {
    await drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('explains the firm’s resident score with the excluded project, its reason and the households left out', async () => {
    const text = (await hhbOk(['explain', '2025-H1', uscc(1)], { db, cwd: dir, now: at('2025-07-02') })).stdout;
    expect(text).toMatch(new RegExp(`BURST 快答苑（25 户）[^\\n]*2025-03-06 排除网上答案 22 户（疑似刷票，理由：${REASON}），不计入居民评分和样本量`));
    // The three households left stand as the project's responses.
    expect(text).toMatch(/BURST 快答苑（25 户）[^\n]*3 份有效问卷/);
    const other = (await hhbOk(['explain', '2025-H1', uscc(2)], { db, cwd: dir, now: at('2025-07-02') })).stdout;
    expect(other).not.toContain('排除网上答案');
  });

  it('lists the exclusion on the workbook’s 数据完整性 sheet', async () => {
    await hhbOk(['report', '2025-H1', '--out', 'rep', '--cards', 'none'], { db, cwd: dir, now: at('2025-07-02') });
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(join(dir, 'rep', '2025-H1-评价结果.xlsx'));
    const sheet = book.getWorksheet('数据完整性');
    if (!sheet) throw new Error('没有数据完整性工作表');
    const rows: unknown[][] = [];
    sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
    expect(rows).toContainEqual(['扫码评价中排除的网上答案（疑似刷票，不计入居民评分和样本量）：1 项，共 22 户']);
    const header = rows.findIndex((r) => r[0] === '项目编号' && r.includes('理由'));
    expect(header).toBeGreaterThan(0);
    expect(rows[header]).toEqual(['项目编号', '项目名称', '物业企业', '排除户数', '排除日期', '操作人', '理由']);
    expect(rows[header + 1]).toEqual(['BURST', '快答苑', '甲物业公司', 22, '2025-03-06', expect.any(String), REASON]);
  });
});
