/**
 * The demo's workbooks as a bureau opens them: LibreOffice (headless, Debian's libreoffice-calc-nogui)
 * converts every sheet of each round's workbook to CSV; every sheet must convert, and the ranking and
 * the lists read back from 综合排名, 红榜, 黑榜 and 重点监管 must equal `hhb results --json`.
 *
 * Runs wherever `soffice` is installed; in CI (.ci/run installs it) a missing soffice fails the test.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { hhb } from '../cli/cli-harness';

const run = promisify(execFile);

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

/** RFC 4180 CSV as LibreOffice writes it: quoted fields may hold commas, quotes ("") and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i += 1;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
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
const describeLo = enabled ? describe : describe.skip;

describeLo('the demo workbooks opened in LibreOffice (skipped only when soffice is absent outside CI)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hhb-lo-'));
  const db = join(dir, 'data');
  const reports = join(dir, 'reports');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  beforeAll(async () => {
    expect(soffice).not.toBeNull(); // in CI: .ci/run installs libreoffice-calc-nogui
    const demo = await hhb(['demo', '--out', reports], { db, cwd: dir });
    expect(demo.stderr).not.toContain('意外错误');
    expect(demo.code).toBe(0);
  }, 300_000);

  it.each(ROUNDS)('%s: every sheet converts, and ranks and lists read back equal hhb results --json', async (code) => {
    const out = join(dir, 'csv', code);
    // A profile of its own: no clash with a LibreOffice the user has open, nothing left in $HOME.
    const profile = pathToFileURL(join(dir, 'lo-profile')).href;
    await run(
      soffice as string,
      [
        `-env:UserInstallation=${profile}`,
        '--headless',
        '--convert-to',
        // , " UTF-8, from line 1, standard cells, values not as shown, every sheet to its own file (LO ≥ 7.2)
        'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1',
        '--outdir',
        out,
        join(reports, code, `${code}-评价结果.xlsx`),
      ],
      { timeout: 120_000 },
    );
    const files = readdirSync(out);
    expect(files.sort()).toEqual(SHEETS.map((sheet) => `${code}-评价结果-${sheet}.csv`).sort());
    const sheet = (name: string): string[][] => parseCsv(readFileSync(join(out, `${code}-评价结果-${name}.csv`), 'utf8'));
    for (const name of SHEETS) expect(sheet(name).length).toBeGreaterThan(1);

    const results = await hhb(['results', code, '--json'], { db, cwd: dir });
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
});
