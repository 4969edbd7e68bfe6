/**
 * `hhb demo` end to end, as a newcomer runs it — the real program (bin/hhb.js through tsx)
 * in a fresh folder. What it stored is read with `hhb` in this process (the harness) on the same
 * folder, and its workbooks are opened as a bureau opens them: LibreOffice (headless, Debian's
 * libreoffice-calc-nogui) converts every sheet of each round's workbook to CSV; every sheet must
 * convert, and the ranking and the lists read back from 综合排名, 红榜, 黑榜 and 重点监管 must equal
 * `hhb results --json`. That part runs wherever `soffice` is installed; in CI (.ci/run installs it) a
 * missing soffice fails it. Then, in this process, the demo runs again in the same folder, and
 * refuses to wipe a folder of real data.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { hhb as inProcess, releaseDatabase, closeCliDatabases } from './cli-harness';

afterAll(closeCliDatabases);

const run = promisify(execFile);
const BIN = join(__dirname, '..', '..', 'bin', 'hhb.js');

const SHEETS = ['说明', '综合排名', '红榜', '黑榜', '重点监管', '分项得分', '街道汇总', '数据完整性', '与上期对比'];
const ROUNDS = ['2025-H1', '2025-H2', '2025-Y'];
const LIST_LABELS: Record<string, string> = { red: '红榜', black: '黑榜', watch: '重点监管' };

function findSoffice(): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'soffice');
    if (dir && existsSync(candidate)) return candidate;
  }
  return null;
}

interface JsonFirm {
  uscc: string;
  name: string;
  rank: number | null;
  composite: number | null;
  list: 'red' | 'black' | 'watch' | null;
}

const soffice = findSoffice();
const enabled = soffice !== null || Boolean(process.env.CI);
if (!enabled) {
  console.warn('跳过 LibreOffice 往返测试：本机没有 soffice（Debian：apt-get install libreoffice-calc-nogui）；CI 中此测试必须运行。');
}
const itLo = enabled ? it : it.skip;

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
    expect(comments.code).toBe(0);
    expect(comments.stdout).toMatch(/^\s+\[2025-\d\d-\d\d\] \S+/m);
  }, 240_000);

  /**
   * The three workbooks converted by one LibreOffice run (it starts once, not per round), into
   * `<code>-评价结果-<sheet>.csv`; the first round's test starts it and the others wait for it.
   */
  const csvDir = join(dir, 'csv');
  let converted: Promise<unknown> | null = null;
  const convertWorkbooks = (): Promise<unknown> => {
    converted ??= run(
      soffice as string,
      [
        // A profile of its own: no clash with a LibreOffice the user has open, nothing left in $HOME.
        `-env:UserInstallation=${pathToFileURL(join(dir, 'lo-profile')).href}`,
        '--headless',
        '--convert-to',
        // , " UTF-8, from line 1, standard cells, values not as shown, every sheet to its own file (LO ≥ 7.2)
        'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1',
        '--outdir',
        csvDir,
        ...ROUNDS.map((code) => join(dir, 'reports', 'demo', code, `${code}-评价结果.xlsx`)),
      ],
      { timeout: 180_000 },
    );
    return converted;
  };

  itLo.each(ROUNDS)('its workbook of %s opens in LibreOffice: every sheet converts, and ranks and lists read back equal hhb results --json', async (code) => {
    expect(soffice).not.toBeNull(); // in CI: .ci/run installs libreoffice-calc-nogui
    await convertWorkbooks();
    const files = readdirSync(csvDir).filter((f) => f.startsWith(`${code}-`));
    expect(files.sort()).toEqual(SHEETS.map((sheet) => `${code}-评价结果-${sheet}.csv`).sort());
    const sheet = (name: string): string[][] => parse(readFileSync(join(csvDir, `${code}-评价结果-${name}.csv`), 'utf8'), { relax_column_count: true }) as string[][];
    for (const name of SHEETS) expect(sheet(name).length).toBeGreaterThan(1);

    const results = await inProcess(['results', code, '--json'], { db: join(dir, 'data'), cwd: dir });
    expect(results.code).toBe(0);
    const firms = (JSON.parse(results.stdout) as { firms: JsonFirm[] }).firms;
    expect(firms).toHaveLength(35);

    const ranking = sheet('综合排名');
    expect(ranking[0]?.slice(0, 4)).toEqual(['排名', '统一社会信用代码', '企业名称', '综合得分']);
    const readBack = ranking.slice(1).map((row) => ({
      rank: row[0] === '未排名' ? null : Number(row[0]),
      uscc: row[1],
      name: row[2],
      composite: row[3] === '' ? null : Number(row[3]),
      list: row[8] === '' ? null : row[8],
    }));
    expect(readBack).toEqual(firms.map((f) => ({ rank: f.rank, uscc: f.uscc, name: f.name, composite: f.composite, list: f.list === null ? null : LIST_LABELS[f.list] })));

    for (const list of ['red', 'black', 'watch'] as const) {
      const rows = sheet(LIST_LABELS[list] as string);
      expect(rows[0]?.slice(0, 5)).toEqual(['序号', '排名', '统一社会信用代码', '企业名称', '综合得分']);
      const listed = firms.filter((f) => f.list === list);
      const body = rows.slice(1).filter((row) => row[2] !== undefined && row[2] !== '');
      expect(body.map((row) => ({ rank: Number(row[1]), uscc: row[2], composite: Number(row[4]) }))).toEqual(
        listed.map((f) => ({ rank: f.rank, uscc: f.uscc, composite: f.composite })),
      );
    }
    if (code === '2025-H1') {
      expect(firms.filter((f) => f.list === 'red')).toHaveLength(3);
      expect(firms.filter((f) => f.list === 'black')).toHaveLength(2);
    }

    // what a clerk reads on 说明: the stored slice sizes and China dates, never a UTC timestamp
    const about = new Map(sheet('说明').map((row) => [row[0], row[1]]));
    expect(about.get('参评企业')).toMatch(/红榜候选段（前段）[1-9]\d* 家，黑榜候选段（后段）[1-9]\d* 家/);
    expect(about.get('发布时间')).toMatch(/^\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}$/);
    for (const name of SHEETS) expect(JSON.stringify(sheet(name))).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}|SPEC|§/);
  }, 180_000);

  it('runs again in the same folder from a clean demo database', async () => {
    await releaseDatabase(join(dir, 'data'));
    // The database alone this time (the reports were checked above), in this process.
    const r = await inProcess(['demo', '--no-reports'], { db: join(dir, 'data'), cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('【2025-H1】参与排名 35 家：红榜 3 家，黑榜 2 家');
    expect(existsSync(join(dir, 'reports', 'demo', '2025-H1'))).toBe(false);
    // Codes issued and answered as before, their codes.csv written, no letters printed.
    expect(r.stderr).toMatch(/2025-H2 扫码评价：5 个项目发放户码 \d+ 个，网上作答 \d+ 户.*各项目的 codes\.csv（未打印通知书：--no-reports）/);
    const letters = readdirSync(join(dir, 'reports', 'demo', '2025-H2', '户码通知'));
    expect(letters).toHaveLength(5);
    expect(letters.filter((f) => /^P\d{4}-codes\.csv$/.test(f))).toHaveLength(5);
    const rounds = await inProcess(['rounds', 'list', '--json'], { db: join(dir, 'data'), cwd: dir });
    expect(JSON.parse(rounds.stdout)).toHaveLength(3);
  }, 240_000);

  it('refuses to wipe a data folder it did not make', async () => {
    const other = join(dir, 'real');
    mkdirSync(join(other, 'data'), { recursive: true });
    writeFileSync(join(other, 'data', 'PG_VERSION'), '17');
    const r = await inProcess(['demo'], { db: join(other, 'data'), cwd: other });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('不会覆盖');
    expect(existsSync(join(other, 'data', 'PG_VERSION'))).toBe(true);
  }, 60_000);
});
