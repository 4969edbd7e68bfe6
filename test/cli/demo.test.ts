/**
 * `hhb demo` end to end, as a newcomer runs it — the real program (bin/hhb.js through tsx)
 * in a fresh folder — and again in the same folder; and its refusal to wipe a folder of real data.
 * What the demo stored is then read with `hhb` in this process (the harness), on the same folder.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ExcelJS from 'exceljs';
import { hhb as inProcess, releaseDatabase } from './cli-harness';

const run = promisify(execFile);
const BIN = join(__dirname, '..', '..', 'bin', 'hhb.js');

async function hhb(cwd: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, DATABASE_URL: '' }, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('hhb demo', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hhb-demo-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the sample city through publication, prints the lists and writes the reports', async () => {
    const r = await hhb(dir, 'demo');
    expect(r.stderr).not.toContain('意外错误');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('【2025-H1】参与排名 35 家：红榜 3 家，黑榜 2 家');
    expect(r.stdout).toMatch(/【2025-H2】参与排名 35 家：红榜 3 家，黑榜 2 家/);
    // The refusal path of SPEC §5.3: H1's late street scores block the compute until entered.
    expect(r.stderr).toMatch(/2025-H1 完整性：2 个项目缺少街道评分/);
    expect(r.stderr).toMatch(/2025-H1 计算被拒绝：.*2 个项目缺少评分（缺街道评分 2 个）/);
    expect(r.stderr).toMatch(/2025-H1 导入街道评分 2 行（补录）/);
    // Close tells the truth about the firm the demo leaves short of its sample.
    expect(r.stderr).toMatch(/2025-H1 样本量不足：.*有效问卷 \d+ 份 \/ 需 \d+ 份/);
    expect(r.stdout).toContain('【2025-Y】');
    expect(r.stdout).toContain('取消从业资格建议');
    expect(r.stdout).toContain('reports/demo/');
    expect((r.stdout.match(/^ {2}红榜 /gm) ?? []).length).toBeGreaterThanOrEqual(9);

    for (const code of ['2025-H1', '2025-H2', '2025-Y']) {
      const base = join(dir, 'reports', 'demo', code);
      const workbook = join(base, `${code}-评价结果.xlsx`);
      expect(statSync(workbook).size).toBeGreaterThan(10_000);
      for (const chart of ['ranking.png', 'distribution.png', 'sources.png', 'streets.png']) expect(statSync(join(base, 'charts', chart)).size).toBeGreaterThan(5_000);
      expect(readdirSync(join(base, 'certificates')).filter((f) => f.endsWith('.pdf'))).toHaveLength(3);
      expect(readdirSync(join(base, 'score-cards'))).toHaveLength(35);
    }
    const notices = readdirSync(join(dir, 'reports', 'demo', '2025-H1', 'notices'));
    expect(notices).toContain('2025-H1-公示公告.docx');
    expect(notices.filter((n) => /^2025-H1-ZG-\d{3}-整改通知书-.+\.docx$/.test(n))).toHaveLength(2);
    expect(notices.filter((n) => /^2025-H1-YT-\d{3}-约谈通知-.+\.docx$/.test(n))).toHaveLength(2);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(join(dir, 'reports', 'demo', '2025-H1', '2025-H1-评价结果.xlsx'));
    const red = book.getWorksheet('红榜');
    expect(red?.actualRowCount).toBeGreaterThanOrEqual(4);
    expect(existsSync(join(dir, 'data', '.hhb-demo'))).toBe(true);

    const query = (...args: string[]) => inProcess(args, { db: join(dir, 'data'), cwd: dir });
    const results = await query('results', '2025-H1', '--json');
    expect(results.code).toBe(0);
    const json = JSON.parse(results.stdout);
    expect(json.status).toBe('published');
    expect(json.firms.filter((f: { list: string }) => f.list === 'red')).toHaveLength(3);
    expect(json.firms.filter((f: { list: string }) => f.list === 'black')).toHaveLength(2);

    // The second half year's online survey: letters issued from a roster, households answering by code.
    const online = /2025-H2 扫码评价：(\d+) 个项目发放户码 (\d+) 个，网上作答 (\d+) 户（(\d+) 户修改过答案）/.exec(r.stderr);
    expect(online).not.toBeNull();
    const [, projects, codes, households, changed] = (online as RegExpExecArray).map(Number);
    expect(projects).toBeGreaterThanOrEqual(4);
    expect(households).toBeGreaterThan(300);
    expect(codes).toBeGreaterThan(households as number);
    expect(changed).toBeGreaterThan(0);
    const letters = readdirSync(join(dir, 'reports', 'demo', '2025-H2', '户码通知'));
    // Letters printed for one project (the layout), codes.csv for every project (mail-merge).
    expect(letters.filter((f) => f.endsWith('-户码通知.pdf'))).toHaveLength(1);
    expect(letters.filter((f) => f.endsWith('-codes.csv'))).toHaveLength(projects as number);

    // The stuffed project is caught by the anomaly report, and no honest project is.
    const anomalies = await query('survey', 'anomalies', '2025-H2', '--json');
    expect(anomalies.code).toBe(0);
    const report = JSON.parse(anomalies.stdout) as { answers: number; projects: { projectCode: string; anomalies: { kind: string; value: number }[] }[] };
    expect(report.answers).toBe(households);
    expect(report.projects).toHaveLength(1);
    const stuffed = report.projects[0] as (typeof report.projects)[number];
    expect(r.stderr).toContain(`2025-H2 扫码评价异常：项目 ${stuffed.projectCode}`);
    expect(stuffed.anomalies.find((a) => a.kind === 'burst')?.value).toBeGreaterThanOrEqual(20);
    // The shared address is erased at publication; the other signs stay.
    expect(stuffed.anomalies.map((a) => a.kind)).toEqual(['burst', 'identical_patterns', 'fast_answers']);
    expect(r.stderr).toMatch(/2025-H2 扫码评价异常：[^\n]*\d+ 户从同一网络地址作答/);
    const progress = await query('survey', 'progress', '2025-H2', '--json');
    const answered = (JSON.parse(progress.stdout) as { projects: { code: string; online: number }[] }).projects.filter((p) => p.online > 0);
    expect(answered.map((p) => p.code)).toContain(stuffed.projectCode);
    expect(answered.reduce((s, p) => s + p.online, 0)).toBe(households);
    const comments = await query('survey', 'comments', '2025-H2');
    await releaseDatabase(join(dir, 'data'));
    expect(comments.code).toBe(0);
    expect(comments.stdout).toMatch(/^\s+\[2025-\d\d-\d\d\] \S+/m);
  }, 240_000);

  it('runs again in the same folder from a clean demo database', async () => {
    // The database alone this time (the reports were checked above).
    const r = await hhb(dir, 'demo', '--no-reports');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('【2025-H1】参与排名 35 家：红榜 3 家，黑榜 2 家');
    expect(existsSync(join(dir, 'reports', 'demo', '2025-H1'))).toBe(false);
    const rounds = await inProcess(['rounds', 'list', '--json'], { db: join(dir, 'data'), cwd: dir });
    expect(JSON.parse(rounds.stdout)).toHaveLength(3);
  }, 240_000);

  it('refuses to wipe a data folder it did not make', async () => {
    const other = join(dir, 'real');
    mkdirSync(join(other, 'data'), { recursive: true });
    writeFileSync(join(other, 'data', 'PG_VERSION'), '17');
    const r = await hhb(other, 'demo');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('不会覆盖');
    expect(existsSync(join(other, 'data', 'PG_VERSION'))).toBe(true);
  }, 60_000);
});
