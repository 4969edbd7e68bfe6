/**
 * History from before the system (SPEC §11) through the CLI: the bureau imports its 2024-H2 lists;
 * the first round run here, 2025-H1, proposes disqualification for the firm black in both half years
 * whose 2024-H2 rectification failed (not for the one whose rectification passed); the firm's history
 * shows the imported round marked as imported; the workbook's 与上期对比 names it. Every bad row
 * refuses the whole file with its row and column and writes nothing; the database refuses any
 * change to imported history.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import knexFactory, { type Knex } from 'knex';
import { buildReportData } from '../../src/app/report';
import { toDomainError } from '../../src/db/sqlstate';
import { makeUscc } from '../../src/domain/uscc';
import { writeRoundWorkbook } from '../../src/reports/workbook';
import { hhb, hhbOk, keptDatabase, closeCliDatabases } from './cli-harness';
import { backends, testDatabase } from './backends';

afterAll(closeCliDatabases);

const N = 20;
const uscc = (i: number) => makeUscc(`9122028400002${String(i).padStart(3, '0')}0`);
/** Firm i's score in every source of 2025-H1: 95, 93, … 61 for firms 1–18; 55 and 50 for the last two (black). */
const target = (i: number) => (i === 19 ? 55 : i === 20 ? 50 : 97 - 2 * i);
const FAILED = 20; // black in 2024-H2, rectification 未通过
const PASSED = 19; // black in 2024-H2, rectification 通过
/** A firm on the 2024-H2 list that has since left the city: never registered here. */
const GONE = 21;

const HEADER = ['评价期', '统一社会信用代码', '企业名称', '排名', '综合得分', '榜单', '整改结果'];
/** The 2024-H2 list as the bureau published it: 21 firms ranked, 2 red, 2 black. */
function historyRows(): string[][] {
  const ids = Array.from({ length: N + 1 }, (_, j) => j + 1);
  return ids.map((i) => {
    const list = i <= 2 ? '红榜' : i === FAILED || i === PASSED ? '黑榜' : '无';
    const rectification = i === FAILED ? '未通过' : i === PASSED ? '通过' : '';
    // the firm that left was 18th; firms 18–20 of today came after it
    const rank = i === GONE ? 18 : i >= 18 ? i + 1 : i;
    return ['2024-H2', uscc(i), i === GONE ? '已迁出物业公司' : `第${i}物业公司`, String(rank), (90 - i).toFixed(2), list, rectification];
  });
}

describe.each(backends())('history imported from before the system on %s', (backend) => {
  let dir: string;
  let db: string;
  let drop: () => Promise<void>;
  let knex: Knex;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hhb-history-'));
    ({ url: db, drop } = await testDatabase(backend, dir));
    const ids = Array.from({ length: N }, (_, j) => j + 1);
    writeFileSync(join(dir, 'firms.csv'), stringify([['统一社会信用代码', '企业名称'], ...ids.map((i) => [uscc(i), `第${i}物业公司`])]));
    writeFileSync(
      join(dir, 'projects.csv'),
      stringify([['项目编号', '项目名称', '街道', '物业企业统一社会信用代码', '户数'], ...ids.map((i) => [`P${i}`, `第${i}小区`, '东宁街道', uscc(i), '100'])]),
    );
    writeFileSync(join(dir, 'street.csv'), stringify([['项目编号', '得分'], ...ids.map((i) => [`P${i}`, String(target(i))])]));
    writeFileSync(join(dir, 'summary.csv'), stringify([['项目编号', '有效样本数', '平均分'], ...ids.map((i) => [`P${i}`, '80', String(target(i))])]));
    writeFileSync(join(dir, 'regulator.csv'), stringify([['统一社会信用代码', '部门', '得分'], ...ids.map((i) => [uscc(i), '市城管执法局', String(target(i))])]));
    writeFileSync(join(dir, 'history-2024-H2.csv'), stringify([HEADER, ...historyRows()]));
  });
  afterAll(async () => {
    if (backend === 'postgres') await knex?.destroy();
    await drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const at = (isoLocal: string) => new Date(`${isoLocal}T10:00:00+08:00`);
  const run = (when: string, ...args: string[]) => hhb(args, { db, cwd: dir, now: at(when) });
  const ok = (when: string, ...args: string[]) => hhbOk(args, { db, cwd: dir, now: at(when) });
  const database = async (): Promise<Knex> => {
    knex ??= backend === 'pglite' ? (await keptDatabase(db)).knex : knexFactory({ client: 'pg', connection: db, pool: { min: 0, max: 1 } });
    return knex;
  };
  /** What an import could have written: imported rounds and rows, import records, audit rows. */
  const written = async () => {
    const k = await database();
    const count = async (table: string) => Number(((await k(table).count('* as n')) as { n: string | number }[])[0]?.n);
    return { rounds: await count('history_rounds'), rows: await count('history_results'), imports: await count('imports'), audit: await count('audit_log') };
  };

  it('imports the 2024-H2 lists, a firm that has left the city included, and lists the round', async () => {
    await ok('2025-01-04', 'firms', 'import', 'firms.csv');
    await ok('2025-01-04', 'projects', 'import', 'projects.csv');
    const imported = await ok('2025-01-04', 'history', 'import', 'history-2024-H2.csv');
    expect(imported.stdout).toContain('已导入历史榜单 21 行');
    expect(imported.stdout).toContain('2024-H2：21 家企业，红榜 2，黑榜 2，重点监管 0');
    const list = JSON.parse((await ok('2025-01-04', 'history', 'list', '--json')).stdout) as { code: string; firms: number; red: number; black: number; fileName: string }[];
    expect(list).toEqual([expect.objectContaining({ code: '2024-H2', firms: 21, red: 2, black: 2, fileName: 'history-2024-H2.csv' })]);
    const audit = JSON.parse((await ok('2025-01-04', 'audit', 'log', '--entity', '2024-H2', '--json')).stdout) as { action: string; after: { rows: number; sha256: string } }[];
    expect(audit.map((a) => a.action)).toEqual(['history.import']);
    expect(audit[0]?.after).toMatchObject({ rows: 21, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('reads an XLSX with a title row and English headers, the half year written in Chinese', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('2023年上半年红黑榜');
    sheet.addRow(['2023年上半年物业服务企业红黑榜']);
    sheet.addRow(['round', 'uscc', 'name', 'rank', 'composite', 'list', 'rectification']);
    sheet.addRow(['2023年上半年', uscc(1), '第1物业公司', 1, 91.5, 'red', '']);
    sheet.addRow(['2023年上半年', uscc(2), '第2物业公司', 2, 89.25, '红榜', '']);
    sheet.addRow(['2023年上半年', uscc(3), '第3物业公司', null, null, '', '']);
    await book.xlsx.writeFile(join(dir, 'history-2023-H1.xlsx'));
    const imported = await ok('2025-01-04', 'history', 'import', 'history-2023-H1.xlsx');
    expect(imported.stdout).toContain('2023-H1：3 家企业，红榜 2，黑榜 0，重点监管 0');
    const k = await database();
    const rows = await k('history_results').where({ round_code: '2023-H1' }).orderBy('uscc').select('uscc', 'rank', 'composite', 'list');
    expect(rows.map((r: { uscc: string; rank: number | null; composite: number | null; list: string | null }) => [r.uscc, r.rank, r.composite, r.list])).toEqual(
      [
        [uscc(1), 1, 9150, 'red'],
        [uscc(2), 2, 8925, 'red'],
        [uscc(3), null, null, null],
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    );
    const list = JSON.parse((await ok('2025-01-04', 'history', 'list', '--json')).stdout) as { code: string }[];
    expect(list.map((r) => r.code)).toEqual(['2023-H1', '2024-H2']);
  });

  const refusals: [string, string[][], RegExp][] = [
    ['an invalid USCC', [['2023-H2', '91220284000020010X', '某物业公司', '1', '80', '无', '']], /第 2 行 B 列「统一社会信用代码」：统一社会信用代码 91220284000020010X 无效/],
    ['an unknown list word', [['2023-H2', uscc(1), '第1物业公司', '1', '80', '紫榜', '']], /第 2 行 F 列「榜单」：榜单只能填写 红榜、黑榜、重点监管 或 无，读到的是「紫榜」/],
    ['a round already imported', [['2024-H2', uscc(1), '第1物业公司', '1', '80', '红榜', '']], /第 2 行 A 列「评价期」：评价期 2024-H2 已作为历史榜单导入，不能再导入/],
    [
      'the same firm twice in a round',
      [
        ['2023-H2', uscc(1), '第1物业公司', '1', '80', '无', ''],
        ['2023-H2', uscc(1), '第1物业公司', '2', '79', '无', ''],
      ],
      /第 3 行 B 列「统一社会信用代码」：同一评价期的同一企业在本文件中出现两次（第 2 行与第 3 行）/,
    ],
    [
      'the same firm twice in a round, the round written two ways',
      [
        ['2023-H2', uscc(1), '第1物业公司', '1', '80', '无', ''],
        ['2023年下半年', uscc(1), '第1物业公司', '2', '79', '无', ''],
      ],
      /第 3 行.*同一评价期的同一企业在本文件中出现两次（第 2 行与第 3 行）/,
    ],
    ['a rank of 0', [['2023-H2', uscc(1), '第1物业公司', '0', '80', '无', '']], /第 2 行 D 列「排名」：排名必须是大于 0 的整数，读到的是「0」/],
    ['a rank of 1.5', [['2023-H2', uscc(1), '第1物业公司', '1.5', '80', '无', '']], /第 2 行 D 列「排名」：排名必须是大于 0 的整数，读到的是「1.5」/],
    ['a composite with 3 decimals', [['2023-H2', uscc(1), '第1物业公司', '1', '80.125', '无', '']], /第 2 行 E 列「综合得分」：综合得分最多两位小数，读到的是「80.125」/],
    ['a composite that is not a number', [['2023-H2', uscc(1), '第1物业公司', '1', '八十', '无', '']], /第 2 行 E 列「综合得分」：综合得分必须是 0–100 之间的数字，读到的是「八十」/],
    ['a year-end round', [['2023-Y', uscc(1), '第1物业公司', '1', '80', '无', '']], /第 2 行 A 列「评价期」：评价期 2023-Y 是年度综合评价/],
    ['a rectification result for a firm not black-listed', [['2023-H2', uscc(1), '第1物业公司', '1', '80', '红榜', '未通过']], /第 2 行 G 列「整改结果」：只有列入黑榜的企业有整改结果/],
    ['an unknown rectification word', [['2023-H2', uscc(1), '第1物业公司', '20', '50', '黑榜', '整改中']], /第 2 行 G 列「整改结果」：整改结果只能填写 通过 或 未通过/],
  ];
  it.each(refusals)('refuses a file with %s, naming the row and column, and writes nothing', async (_what, rows, message) => {
    // with a good row after the bad ones: the file is refused whole, the good row with it
    writeFileSync(join(dir, 'bad.csv'), stringify([HEADER, ...rows, ['2023-H2', uscc(5), '第5物业公司', '5', '85', '无', '']]));
    const before = await written();
    const r = await run('2025-01-05', 'history', 'import', 'bad.csv');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(await written()).toEqual(before);
  });

  async function roundThrough(code: string): Promise<void> {
    await ok('2025-01-05', 'rounds', 'create', code);
    await ok('2025-01-05', 'rounds', 'open', code);
    for (const [source, file] of [['street', 'street.csv'], ['resident-summary', 'summary.csv'], ['regulator', 'regulator.csv']]) {
      await ok('2025-01-05', 'scores', 'import', code, '--source', source as string, file as string);
    }
    await ok('2025-07-01', 'rounds', 'close', code);
    await ok('2025-07-01', 'rounds', 'compute', code);
    await ok('2025-07-10', 'rounds', 'publicize', code);
    await ok('2025-07-20', 'rounds', 'publish', code);
  }

  it('proposes disqualification in the first round run here for the firm black in the imported half year whose rectification failed', async () => {
    await roundThrough('2025-H1');
    const results = JSON.parse((await ok('2025-07-20', 'results', '2025-H1', '--json')).stdout) as { firms: { uscc: string; list: string | null }[] };
    expect(results.firms.filter((f) => f.list === 'black').map((f) => f.uscc).sort()).toEqual([uscc(PASSED), uscc(FAILED)].sort());
    const proposals = JSON.parse((await ok('2025-07-20', 'proposals', 'list', '--json')).stdout) as { uscc: string; kind: string; round: string; reason: string; status: string }[];
    expect(proposals.filter((p) => p.kind === 'disqualification')).toEqual([
      expect.objectContaining({
        round: '2025-H1',
        uscc: uscc(FAILED),
        kind: 'disqualification',
        status: 'pending',
        reason: '连续 2 个半年度评价期列入黑榜，且最近一次整改未通过，建议取消从业资格',
      }),
    ]);
  }, 120_000);

  it('refuses history for a round run here, and a round after the first one run here', async () => {
    const before = await written();
    writeFileSync(join(dir, 'run.csv'), stringify([HEADER, ['2025-H1', uscc(1), '第1物业公司', '1', '95', '红榜', '']]));
    const taken = await run('2025-07-21', 'history', 'import', 'run.csv');
    expect(taken.code).toBe(2);
    expect(taken.stderr).toMatch(/第 2 行 A 列「评价期」：评价期 2025-H1 已在本系统中建立（已发布），不能再导入/);
    writeFileSync(join(dir, 'later.csv'), stringify([HEADER, ['2025-H2', uscc(1), '第1物业公司', '1', '95', '红榜', '']]));
    const later = await run('2025-07-21', 'history', 'import', 'later.csv');
    expect(later.code).toBe(2);
    expect(later.stderr).toMatch(/第 2 行 A 列「评价期」：评价期 2025-H2 晚于本系统的第一个评价周期 2025-H1/);
    expect(await written()).toEqual(before);
  });

  it("shows the imported round in the firm's history, marked as imported, with its rectification result", async () => {
    const history = JSON.parse((await ok('2025-07-21', 'firm', uscc(FAILED), '--json', '--published')).stdout) as {
      rounds: { round: string; imported: boolean; status: string; rank: number | null; ranked: number; composite: number | null; list: string | null; importedRectification: string | null }[];
    };
    expect(history.rounds.map((r) => [r.round, r.imported, r.list])).toEqual([
      ['2024-H2', true, 'black'],
      ['2025-H1', false, 'black'],
    ]);
    expect(history.rounds[0]).toMatchObject({ status: 'published', rank: 21, ranked: 21, composite: 7000, importedRectification: 'failed' });
    const text = (await ok('2025-07-21', 'firm', uscc(FAILED))).stdout;
    expect(text).toContain('2024-H2（历史导入）第 21/21 名  综合 70.00  黑榜');
    expect(text).toContain('整改结果：未通过（历史记录）');
  });

  it('names the imported round in the workbook’s 与上期对比 sheet', async () => {
    const data = await buildReportData({ knex: await database(), dbKind: backend, actor: 'test', now: () => at('2025-07-21') }, '2025-H1');
    expect(data.previous).toMatchObject({ code: '2024-H2', imported: true });
    const chunks: Buffer[] = [];
    const out = new PassThrough();
    out.on('data', (c: Buffer) => chunks.push(c));
    await writeRoundWorkbook(data, out);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(Buffer.concat(chunks) as unknown as ArrayBuffer);
    const sheet = book.getWorksheet('与上期对比');
    if (!sheet) throw new Error('no 与上期对比 sheet');
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header).toEqual(expect.arrayContaining(['上期（2024-H2，历史导入）排名', '上期（2024-H2，历史导入）综合得分', '上期（2024-H2，历史导入）榜单']));
    const rows = new Map<string, unknown[]>();
    sheet.eachRow((row, n) => {
      if (n > 1) rows.set(String(row.getCell(1).value), (row.values as unknown[]).slice(1));
    });
    // 统一社会信用代码, 企业名称, 本期排名, 上期排名, 排名变化, 本期综合得分, 上期综合得分, 得分变化, 本期榜单, 上期榜单
    expect(rows.get(uscc(FAILED))?.slice(3)).toEqual([21, 1, 50, 70, -20, '黑榜', '黑榜']);
    expect(rows.get(uscc(GONE))).toEqual([uscc(GONE), '已迁出物业公司', '未参评', 18, undefined, undefined, 69, undefined, '未参评', '未上榜']);
    const texts = [...rows.keys()].join('\n');
    expect(texts).toContain('上期 2024-H2 为启用本系统之前发布的榜单（历史导入）');
  });

  it('refuses in the database an UPDATE, a DELETE or a later INSERT of imported history, and a round run with its code', async () => {
    const k = await database();
    const refused = async (work: Promise<unknown>) => {
      const error = await work.then(
        () => null,
        (e: unknown) => e,
      );
      expect(toDomainError(error)?.code).toBe('ROUND_IMMUTABLE');
    };
    await refused(k('history_results').where({ round_code: '2024-H2', uscc: uscc(FAILED) }).update({ rectification: 'passed' }));
    await refused(k('history_results').where({ round_code: '2024-H2', uscc: uscc(FAILED) }).delete());
    await refused(k('history_rounds').where({ code: '2024-H2' }).delete());
    await refused(k('history_rounds').where({ code: '2024-H2' }).update({ code: '2024-H1' }));
    await refused(k('history_results').insert({ round_code: '2024-H2', uscc: makeUscc('91220284000029990'), name: '补录物业公司', rank: 22, composite: 5000, list: 'black' }));
    const row = await k('history_results').where({ round_code: '2024-H2', uscc: uscc(FAILED) }).first();
    expect(row).toMatchObject({ rectification: 'failed', list: 'black', rank: 21 });
    expect(Number(((await k('history_results').where({ round_code: '2024-H2' }).count('* as n')) as { n: string | number }[])[0]?.n)).toBe(21);

    const create = await run('2025-07-21', 'rounds', 'create', '2024-H2');
    expect(create.code).toBe(3);
    expect(create.stderr).toContain('2024-H2');
    expect(await k('rounds').where({ code: '2024-H2' })).toHaveLength(0);
  });
});
