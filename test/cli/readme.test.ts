/**
 * Every `hhb` command line of README.md runs, in README order, in-process against a demo database,
 * and must exit 0 — so the README cannot drift from the program.
 *
 * Taken from the README: each line of a ```sh block that calls `npx hhb` (two commands joined by
 * ` · ` are two lines), and each inline code span that is a whole `hhb` command (`hhb db status`;
 * a bare `hhb report` in a sentence names a command and is left out). Comments (`# …`) are
 * dropped; optional parts (`[--json]`, `[--days 7]` …) are included, so the options are exercised
 * too; of alternatives (`passed|failed`) the first is taken.
 *
 * The database: what `hhb demo --year 2024 --no-reports` leaves (its reports are the README's own
 * `hhb report` lines; copied from test/support/demo-database.ts), so the README's own 2025 rounds are new
 * and run through as written; the demo's 2024 rounds give the follow-up lines their proposals.
 * Placeholders: file names are the demo city's 2025 inputs written under those names (firms.xlsx
 * converted from its CSV; survey.csv its individual scores and answers as scores; deductions.csv a
 * header only, because a firm may not have both department scores and a deductions table; street.csv
 * with the scores the demo hands in late; rules.json the README's own rules example; docs/examples/ copied
 * as shipped), `<统一社会信用代码>`
 * and `<uscc>` a firm of the city (a black-listed one of 2025-H1 for rectifications and interviews),
 * `<id>` the first pending proposal, `<round>` 2025-H1, `"…"` a Chinese reason.
 *
 * Lines run with a substitution, and why:
 * - `hhb demo` (the first line, and the inline mention) builds the database with `--year 2024` and is
 *   not run again (a second run would wipe what the lines before it made).
 * - the objection lines and `rounds reopen` use 2025-H2, which this test brings to its notice period
 *   beforehand: by README order 2025-H1 is already published when they come, and objections are filed
 *   while a round is in its notice period. Before `rounds create 2025-Y`, the test closes, computes and
 *   publishes the reopened 2025-H2 (the year-end round needs both halves published).
 * - the street clerk's two lines use 2026-H1, which the test creates and opens just before them: by
 *   then 2025-H1 is published and takes no more entries.
 * - the clock reads 2025-07-01 until `rounds publish 2025-H1`, which runs on 2025-07-20 after its
 *   7-day notice period; the lines after it run on 2025-07-25.
 *
 * Lines skipped, and why:
 * - `hhb serve …`: it listens until stopped (the HTTP tests cover the server).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { generateSampleCity, type DemoFile } from '../../src/app/demo/sample-city';
import { demoDatabase } from '../support/demo-database';
import { hhb, type CliRun, closeCliDatabases } from './cli-harness';

afterAll(closeCliDatabases);

const README = join(__dirname, '..', '..', 'README.md');

export interface ReadmeCommand {
  /** 1-based line in README.md. */
  line: number;
  /** The command as written, without `npx` and its comment. */
  text: string;
}

/** Removes a trailing `# comment` outside double quotes. */
function withoutComment(text: string): string {
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    if (text[i] === '"') quoted = !quoted;
    if (!quoted && text[i] === '#' && (i === 0 || /\s/.test(text[i - 1] as string))) return text.slice(0, i).trim();
  }
  return text.trim();
}

/** Every `hhb` command of the README, in order: shell code blocks and inline code spans. */
export function readmeCommands(markdown: string): ReadmeCommand[] {
  const out: ReadmeCommand[] = [];
  let fence: string | null = null;
  markdown.split('\n').forEach((raw, i) => {
    const line = i + 1;
    const fenceMatch = /^```(\w*)/.exec(raw);
    if (fenceMatch) {
      fence = fence === null ? (fenceMatch[1] ?? '') : null;
      return;
    }
    if (fence !== null) {
      if (fence !== 'sh') return;
      for (const part of withoutComment(raw).split(' · ')) {
        const m = /(?:^|&&\s*)npx (hhb\b.*)$/.exec(part.trim());
        if (m) out.push({ line, text: (m[1] as string).trim() });
      }
      return;
    }
    // An inline span is a command when it has words after the command name (`hhb db status`);
    // `hhb report` alone in a sentence names the command, it is not a line to run.
    for (const m of raw.matchAll(/`(?:npx )?(hhb [a-z][^`]*)`/g)) {
      const text = (m[1] as string).trim();
      if (text.split(/\s+/).length >= 3) out.push({ line, text });
    }
  });
  return out;
}

/** Splits a command into arguments: double quotes group, `[…]` optional parts are kept, `a|b` takes `a`. */
export function argumentsOf(text: string, placeholder: (name: string) => string): string[] {
  const args: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  for (const m of text.replace(/[[\]]/g, ' ').matchAll(re)) {
    if (m[1] !== undefined) {
      args.push(m[1] === '…' ? placeholder('…') : m[1]);
      continue;
    }
    let word = m[2] as string;
    const angle = /^<([^>]+)>$/.exec(word);
    if (angle) word = placeholder(angle[1] as string);
    else if (word.includes('|') && !word.startsWith('-')) word = word.split('|')[0] as string;
    args.push(word);
  }
  return args[0] === 'hhb' ? args.slice(1) : args;
}

const SURVEY_LEVELS: Record<string, number> = { 非常满意: 100, 满意: 80, 一般: 60, 不满意: 40, 非常不满意: 20 };

type Rows = string[][];
const rowsOf = (file: DemoFile): Rows => parse(file.csv) as Rows;
const csvOf = (rows: Rows): string => `\uFEFF${rows.map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\n')}\n`;

/** The demo city's inputs of a round under the README's file names. */
async function writeRoundFiles(dir: string, files: DemoFile[], round: string, suffix = ''): Promise<void> {
  const of = (kind: DemoFile['kind'], name?: string): DemoFile[] => files.filter((f) => f.kind === kind && f.round === round && (name === undefined || f.name.endsWith(name)));
  const first = (kind: DemoFile['kind'], name?: string): Rows => rowsOf(of(kind, name)[0] as DemoFile);
  const scores = first('survey-responses', 'survey-scores.csv');
  const answers = first('survey-responses', 'survey-answers.csv').slice(1);
  writeFileSync(join(dir, `survey${suffix}.csv`), csvOf([...scores, ...answers.map(([p, h, a]) => [p as string, h as string, String(SURVEY_LEVELS[a as string])])]));
  writeFileSync(join(dir, `summary${suffix}.csv`), csvOf(first('survey-summary')));
  writeFileSync(join(dir, `regulator${suffix}.csv`), csvOf(first('regulator')));
  writeFileSync(join(dir, `deductions${suffix}.csv`), csvOf([['统一社会信用代码', '项目编号', '扣分项', '扣分', '说明']]));
  const street = of('street');
  writeFileSync(join(dir, `street${suffix}.csv`), csvOf([...(rowsOf(street[0] as DemoFile)), ...street.slice(1).flatMap((f) => rowsOf(f).slice(1))]));
  writeFileSync(join(dir, `events${suffix}.csv`), csvOf(first('events')));
  writeFileSync(join(dir, `complaints${suffix}.csv`), csvOf(first('complaints')));
}

async function writeInputs(dir: string, readme: string): Promise<void> {
  const city = generateSampleCity(2025, 2025);
  const master = (kind: DemoFile['kind']): DemoFile => city.files.find((f) => f.kind === kind) as DemoFile;
  writeFileSync(join(dir, 'streets.csv'), `\uFEFF${master('streets').csv}`);
  writeFileSync(join(dir, 'projects.csv'), `\uFEFF${master('projects').csv}`);
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('企业');
  for (const row of rowsOf(master('firms'))) sheet.addRow(row);
  await book.xlsx.writeFile(join(dir, 'firms.xlsx'));
  await writeRoundFiles(dir, city.files, '2025-H1');
  await writeRoundFiles(dir, city.files, '2025-H2', '-h2');
  cpSync(join(__dirname, '..', '..', 'docs', 'examples'), join(dir, 'docs', 'examples'), { recursive: true });
  const rules = /```json\n([\s\S]*?)```/.exec(readme);
  if (!rules) throw new Error('README 中没有规则示例（```json 代码块）');
  writeFileSync(join(dir, 'rules.json'), rules[1] as string);
}

const AT = {
  entries: new Date('2025-07-01T02:00:00Z'),
  publish: new Date('2025-07-20T02:00:00Z'),
  after: new Date('2025-07-25T02:00:00Z'),
};

describe('every hhb command of the README', () => {
  const readme = readFileSync(README, 'utf8');
  const commands = readmeCommands(readme);
  let dir: string;
  let db: string;
  let now = AT.entries;
  const run = (args: string[]): Promise<CliRun> => hhb(args, { db, cwd: dir, now });
  const ok = async (...args: string[]): Promise<CliRun> => {
    const r = await run(args);
    if (r.code !== 0) throw new Error(`测试准备步骤 hhb ${args.join(' ')} 退出码 ${r.code}：${r.stderr}`);
    return r;
  };
  const json = async <T>(...args: string[]): Promise<T> => JSON.parse((await ok(...args)).stdout) as T;
  const firstFirm = async (): Promise<string> => (await json<{ firms: { uscc: string }[] }>('results', '2024-H1', '--json')).firms[0]?.uscc as string;
  const blackFirm = async (round: string): Promise<string> => {
    const black = (await json<{ firms: { uscc: string; list: string | null }[] }>('results', round, '--json')).firms.find((f) => f.list === 'black');
    if (!black) throw new Error(`${round} 没有黑榜企业`);
    return black.uscc;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hhb-readme-'));
    db = join(dir, 'data');
    await writeInputs(dir, readme);
    const demo = await demoDatabase(db, 2024);
    expect(demo.code).toBe(0);
    // 2025-H2 in its notice period, for the objection lines (see the header).
    await ok('rounds', 'create', '2025-H2');
    await ok('rounds', 'open', '2025-H2');
    for (const [source, file] of [['resident', 'survey-h2.csv'], ['resident-summary', 'summary-h2.csv'], ['regulator', 'regulator-h2.csv'], ['street', 'street-h2.csv']]) {
      await ok('scores', 'import', '2025-H2', '--source', source as string, file as string);
    }
    await ok('events', 'import', '2025-H2', 'events-h2.csv');
    await ok('complaints', 'import', '2025-H2', 'complaints-h2.csv');
    await ok('rounds', 'close', '2025-H2');
    await ok('rounds', 'compute', '2025-H2');
    await ok('rounds', 'publicize', '2025-H2', '--days', '60');
  }, 600_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('finds the README commands (the code blocks of every role and the inline ones)', () => {
    const texts = commands.map((c) => c.text);
    expect(texts.length).toBeGreaterThan(45);
    for (const expected of ['hhb demo', 'hhb rounds compute 2025-H1 [--force]', 'hhb template --kind street-scores --round 2025-H1 --street 东宁街道 --out 东宁街道评分.xlsx', 'hhb tokens revoke 王科长 [--label 导入脚本]', 'hhb db status']) {
      expect(texts).toContain(expected);
    }
  });

  /** The round a line runs against, when it differs from the one it names (see the header). */
  const roundFor = (text: string): string | null => {
    if (/^hhb (objections (file|list|decide)|rounds reopen) 2025-H1/.test(text)) return '2025-H2';
    if (/^hhb (template .*--round 2025-H1|scores import 2025-H1 --source street 东宁街道评分)/.test(text)) return '2026-H1';
    return null;
  };

  let builtBy: number | null = null;
  it.each(commands.map((c) => [c.line, c.text] as const))('README line %i: %s', async (line, text) => {
    if (/^hhb serve\b/.test(text)) return; // listens until stopped
    if (/^hhb demo$/.test(text)) {
      builtBy ??= line; // the line that built the database
      return;
    }
    if (text === 'hhb rounds publish 2025-H1') now = AT.publish;
    if (/^hhb rounds create 2025-Y/.test(text)) {
      await ok('rounds', 'close', '2025-H2');
      await ok('rounds', 'compute', '2025-H2');
      await ok('rounds', 'publicize', '2025-H2', '--days', '1');
      await ok('rounds', 'publish', '2025-H2', '--now', '--reason', '异议处理完毕，提前发布');
    }
    if (/^hhb template .*--round 2025-H1/.test(text)) {
      await ok('rounds', 'create', '2026-H1');
      await ok('rounds', 'open', '2026-H1');
    }
    const round = roundFor(text);
    const written = round === null ? text : text.replace(/2025-H1/g, round);
    const values = new Map<string, string>();
    for (const name of ['统一社会信用代码', 'uscc', 'id']) {
      if (!written.includes(`<${name}>`)) continue;
      if (name === 'id') {
        const pending = await json<{ id: number }[]>('proposals', 'list', '--pending', '--json');
        values.set(name, String(pending[0]?.id));
      } else {
        values.set(name, /^hhb (rectifications|interviews record)/.test(written) ? await blackFirm('2025-H1') : await firstFirm());
      }
    }
    const args = argumentsOf(written, (name) => (name === '…' ? '经核查，情况属实' : name === 'round' ? '2025-H1' : (values.get(name) ?? `<${name}>`)));
    const r = await run(args);
    if (text === 'hhb rounds publish 2025-H1') now = AT.after;
    if (r.code !== 0) throw new Error(`README 第 ${line} 行 hhb ${args.join(' ')} 退出码 ${r.code}：\n${r.stderr}`);
    expect(r.code).toBe(0);
  }, 300_000);
});
