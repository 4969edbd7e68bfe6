/**
 * `hhb survey codes`: one code per snapshotted household, from the alphabet without look-alikes,
 * stored only as keyed hashes; codes.csv (UTF-8 with BOM) and the A4 letters read back with
 * pdftotext; a reissue revokes the project's earlier codes and is audited; refusals write nothing.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import type { Knex } from 'knex';
import { submitSurveyAnswer } from '../../src/app/survey-answers';
import { CODE_ALPHABET } from '../../src/app/survey-codes';
import { databaseLimiter } from '../../src/db/login-throttle-store';
import { backends, testDatabase } from '../cli/backends';
import { hhb, hhbOk, closeCliDatabases } from '../cli/cli-harness';
import { pdfInfo, pdfText } from '../unit/reports/office-files';
import { BASE_URL, PROJECTS, at, inspect, readCodes, setUpCity } from './world';

afterAll(closeCliDatabases);

const CODE = new RegExp(`^[${CODE_ALPHABET}]{10}$`);


describe.each(backends())('hhb survey codes on %s', (backend) => {
  let dir: string;
  let db: string;
  let drop: () => Promise<void>;
  let knex: Knex;
  let close: () => Promise<void>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hhb-survey-codes-'));
    ({ url: db, drop } = await testDatabase(backend, dir));
    await setUpCity(db, dir);
    ({ knex, close } = await inspect(backend, db));
  });
  afterAll(async () => {
    await close();
    await drop();
    rmSync(dir, { recursive: true, force: true });
  });
  const run = (...args: string[]) => hhb(args, { db, cwd: dir, now: at('2025-03-01') });
  const ok = (...args: string[]) => hhbOk(args, { db, cwd: dir, now: at('2025-03-01') });

  it('refuses while the survey address is unset, naming the command that sets it, and writes nothing', async () => {
    const r = await run('survey', 'codes', '2025-H1', '--out', 'letters');
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('hhb settings set base_url');
    expect(existsSync(join(dir, 'letters'))).toBe(false);
    expect(await knex('survey_codes').count({ n: '*' })).toEqual([{ n: backend === 'pglite' ? 0 : '0' }]);
  });

  it('refuses a survey address that is not an http(s) address', async () => {
    const r = await run('settings', 'set', 'base_url', 'wuye.example.gov.cn');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('问卷网址（base_url）');
    expect((await ok('settings', 'show')).stdout).toContain('问卷网址（base_url，扫码评价）：未设置（运行 hhb settings set base_url https://wuye.panshi.gov.cn）');
    await ok('settings', 'set', 'base_url', `${BASE_URL}/`);
    // Kept without the trailing slash, so that <base_url>/s/<code> has one.
    expect((await ok('settings', 'show')).stdout).toMatch(new RegExp(`问卷网址（base_url，扫码评价）：${BASE_URL.replace(/\./g, '\\.')}（cli:`));
  });

  it('issues one code per household, writes codes.csv and two letters a page, and stores only keyed hashes', async () => {
    const r = await ok('survey', 'codes', '2025-H1', '--out', 'letters');
    expect(r.stdout).toContain('发放 9 个户码');
    const rows = readCodes(join(dir, 'letters', 'codes.csv'));
    expect(Object.keys(rows[0] ?? {})).toEqual(['项目编号', '项目名称', '户序号', '户码', '答题网址']);
    expect(rows.map((x) => `${x['项目编号']}/${x['户序号']}`)).toEqual(['S1/1', 'S1/2', 'S1/3', 'S2/1', 'S2/2', 'S3/1', 'S3/2', 'S3/3', 'S3/4']);
    // A project name starting with = is kept from running as a formula.
    expect(rows.find((x) => x['项目编号'] === 'S3')?.['项目名称']).toBe("'=冬青里");
    const codes = rows.map((x) => x['户码'] as string);
    for (const c of codes) expect(c).toMatch(CODE);
    expect(new Set(codes).size).toBe(9);
    expect(rows[0]?.['答题网址']).toBe(`${BASE_URL}/s/${codes[0]}`);

    const pdf = join(dir, 'letters', '户码通知.pdf');
    expect(pdfInfo(pdf)['Pages']).toBe('5');
    const text = pdfText(pdf).replace(/[ \t]+/g, ' ');
    for (const c of codes) expect(text).toContain(`${c.slice(0, 5)} ${c.slice(5)}`);
    for (const p of PROJECTS) expect(text).toContain(p.name);
    expect(text).toContain('2025年6月30日');
    expect(text).toContain(`${BASE_URL}/s`);

    const stored = (await knex('survey_codes').orderBy('id').select('*')) as Record<string, unknown>[];
    expect(stored).toHaveLength(9);
    const everything = JSON.stringify(stored) + JSON.stringify(await knex('audit_log').select('before', 'after'));
    for (const c of codes) expect(everything).not.toContain(c);
    for (const s of stored) expect(s['code_hash']).toMatch(/^[0-9a-f]{64}$/);
    const secret = (await knex('survey_secret').select('secret')) as { secret: Uint8Array }[];
    expect(secret).toHaveLength(1);
    expect(Buffer.from(secret[0]?.secret ?? []).length).toBe(32);
  });

  it("reissuing a project's codes revokes its earlier ones, leaves the others, and is audited", async () => {
    const before = readCodes(join(dir, 'letters', 'codes.csv'));
    await ok('survey', 'codes', '2025-H1', '--project', 'S1', '--out', 'again', '--deadline', '2025-06-20');
    const again = readCodes(join(dir, 'again', 'codes.csv'));
    expect(again.map((x) => x['项目编号'])).toEqual(['S1', 'S1', 'S1']);
    const old = new Set(before.map((x) => x['户码']));
    for (const x of again) expect(old.has(x['户码'])).toBe(false);
    expect(pdfText(join(dir, 'again', '户码通知.pdf'))).toContain('2025年6月20日');
    const counts = (await knex('survey_codes as c')
      .join('projects as p', 'p.id', 'c.project_id')
      .groupBy('p.code')
      .orderBy('p.code')
      .select('p.code', knex.raw('count(*) filter (where c.revoked_at is null)::int as live'), knex.raw('count(*) filter (where c.revoked_at is not null)::int as revoked'))) as unknown[];
    expect(counts).toEqual([
      { code: 'S1', live: 3, revoked: 3 },
      { code: 'S2', live: 2, revoked: 0 },
      { code: 'S3', live: 4, revoked: 0 },
    ]);
    const audit = (await knex('audit_log').where({ action: 'survey.codes.issue' }).orderBy('id').select('before', 'after')) as { before: unknown; after: unknown }[];
    expect(audit).toHaveLength(2);
    const parse = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
    expect(parse(audit[1]?.before)).toEqual({ revoked: [{ project: 'S1', codes: 3 }] });
    expect(parse(audit[1]?.after)).toEqual({ deadline: '2025-06-20', projects: [{ project: 'S1', codes: 3 }] });
  });

  it("issues a street's projects only", async () => {
    await ok('survey', 'codes', '2025-H1', '--street', '西岭街道', '--out', 'west');
    expect(readCodes(join(dir, 'west', 'codes.csv')).map((x) => x['项目编号'])).toEqual(['S3', 'S3', 'S3', 'S3']);
  });

  it('refuses a bad deadline, an unknown project and a round that is not open, and changes nothing', async () => {
    const live = async () => Number(((await knex('survey_codes').whereNull('revoked_at').count({ n: '*' })) as { n: unknown }[])[0]?.n);
    const before = await live();
    const bad = await run('survey', 'codes', '2025-H1', '--out', 'bad', '--deadline', '2025-02-30');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('截止日期（--deadline）');
    const unknown = await run('survey', 'codes', '2025-H1', '--project', 'NOPE', '--out', 'bad');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('项目「NOPE」');
    await ok('rounds', 'create', '2025-H2');
    const draft = await run('survey', 'codes', '2025-H2', '--out', 'bad');
    expect(draft.code).toBe(3);
    expect(draft.stderr).toContain('只有进行中（open）的周期才能发放户码');
    expect(existsSync(join(dir, 'bad'))).toBe(false);
    expect(await live()).toBe(before);
  });

  it('ties codes to the 户号 of a roster (GBK as Excel saves it), printed on the letters, revoking the numbered ones', async () => {
    writeFileSync(join(dir, 'roster.csv'), iconv.encode('住户名册\r\n项目编号,户号\r\nS2,1-1-101\r\nS2,1-1-102\r\nS3,2-1-101\r\n', 'gb18030'));
    await ok('survey', 'codes', '2025-H1', '--project', 'S2', '--roster', 'roster.csv', '--out', 'rostered');
    const rows = readCodes(join(dir, 'rostered', 'codes.csv'));
    expect(Object.keys(rows[0] ?? {})).toEqual(['项目编号', '项目名称', '户号', '户码', '答题网址']);
    expect(rows.map((x) => x['户号'])).toEqual(['1-1-101', '1-1-102']);
    expect(pdfText(join(dir, 'rostered', '户码通知.pdf'))).toContain('户号：1-1-102');
    const live = (await knex('survey_codes as c').join('projects as p', 'p.id', 'c.project_id').where('p.code', 'S2').whereNull('c.revoked_at').orderBy('c.household').select('c.household')) as { household: string }[];
    expect(live.map((l) => l.household)).toEqual(['1-1-101', '1-1-102']);

    // An online answer and a contractor's file answer of the same 户号 replace each other: the later stands.
    const limiter = databaseLimiter(knex, { keyPrefix: 'survey_code', points: 10, duration: 900 });
    const ctx = { knex, dbKind: backend, actor: 'public', now: () => at('2025-03-02') };
    const answers = Object.fromEntries(['安全秩序', '环境卫生', '绿化养护', '设施维修', '服务态度'].map((i) => [i, '满意']));
    expect(await submitSurveyAnswer(ctx, limiter, { code: rows[0]?.['户码'] as string, answers, address: '10.3.0.1' })).toMatchObject({ project: 'S2', replaced: false });
    writeFileSync(join(dir, 'survey.csv'), '项目编号,户号,得分\nS2,1-1-101,50\n');
    await ok('scores', 'import', '2025-H1', '--source', 'resident', 'survey.csv');
    const s2 = (await knex('survey_responses as r').join('projects as p', 'p.id', 'r.project_id').where('p.code', 'S2').select('r.household', 'r.score', 'r.entered_by')) as unknown[];
    expect(s2).toEqual([{ household: '1-1-101', score: 5000, entered_by: expect.not.stringMatching(/^online$/) }]);
    expect((await knex('survey_response_history').select('household', 'score', 'entered_by')) as unknown[]).toEqual([{ household: '1-1-101', score: 8000, entered_by: 'online' }]);
  });

  it('refuses a roster with a repeated 户号, an unknown project or more households than the snapshot, naming the rows, and issues nothing', async () => {
    const live = async () => Number(((await knex('survey_codes').whereNull('revoked_at').count({ n: '*' })) as { n: unknown }[])[0]?.n);
    const before = await live();
    writeFileSync(join(dir, 'dup.csv'), '项目编号,户号\nS2,1-1-101\nS2,1-1-101\n');
    const dup = await run('survey', 'codes', '2025-H1', '--project', 'S2', '--roster', 'dup.csv', '--out', 'bad');
    expect(dup.code).toBe(2);
    expect(dup.stderr).toContain('第 3 行「户号」：项目 S2 的户号 1-1-101 与第 2 行重复');
    writeFileSync(join(dir, 'unknown.csv'), '项目编号,户号\nS2,1-1-101\nS2,1-1-102\nS2,1-1-103\nNOPE,1\n');
    const unknown = await run('survey', 'codes', '2025-H1', '--project', 'S2', '--roster', 'unknown.csv', '--out', 'bad');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('第 5 行「项目编号」：项目 NOPE 不在本评价周期的项目快照中');
    expect(unknown.stderr).toContain('第 4 行「户号」：项目 S2 名册有 3 户，多于快照户数 2 户');
    const missing = await run('survey', 'codes', '2025-H1', '--project', 'S1', '--roster', 'roster.csv', '--out', 'bad');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('名册中没有项目 S1（春晖苑）的住户');
    writeFileSync(join(dir, 'roster.xlsx'), Buffer.from('PK\u0003\u0004'));
    const xlsx = await run('survey', 'codes', '2025-H1', '--roster', 'roster.xlsx', '--out', 'bad');
    expect(xlsx.code).toBe(2);
    expect(xlsx.stderr).toContain('不是有效的 Excel 工作簿（.xlsx），文件损坏或无法读取');
    writeFileSync(join(dir, 'roster.xls'), Buffer.from([0xd0, 0xcf, 0x11, 0xe0]));
    const xls = await run('survey', 'codes', '2025-H1', '--roster', 'roster.xls', '--out', 'bad');
    expect(xls.code).toBe(2);
    expect(xls.stderr).toContain('须为 CSV 或 Excel 工作簿（.xlsx）文件');
    expect(existsSync(join(dir, 'bad'))).toBe(false);
    expect(await live()).toBe(before);
  });

  it('takes a roster from an Excel workbook (.xlsx), a numeric 户号 as written, and names a bad row as Excel numbers it', async () => {
    const workbook = async (file: string, rows: (string | number)[][]) => {
      const book = new ExcelJS.Workbook();
      const sheet = book.addWorksheet('名册');
      for (const row of rows) sheet.addRow(row);
      await book.xlsx.writeFile(join(dir, file));
    };
    await workbook('dup.xlsx', [['住户名册（青山物业）'], ['项目编号', '户号'], ['S3', '2-1-101'], ['S3', '2-1-101']]);
    const dup = await run('survey', 'codes', '2025-H1', '--project', 'S3', '--roster', 'dup.xlsx', '--out', 'bad-xlsx');
    expect(dup.code).toBe(2);
    expect(dup.stderr).toContain('第 4 行「户号」：项目 S3 的户号 2-1-101 与第 3 行重复');
    expect(existsSync(join(dir, 'bad-xlsx'))).toBe(false);
    await workbook('roster.xlsx', [['住户名册（青山物业）'], ['项目编号', '户号'], ['S3', '2-1-101'], ['S3', 102], ['S3', '2-1-103']]);
    await ok('survey', 'codes', '2025-H1', '--project', 'S3', '--roster', 'roster.xlsx', '--out', 'rostered-xlsx');
    expect(readCodes(join(dir, 'rostered-xlsx', 'codes.csv')).map((x) => x['户号'])).toEqual(['2-1-101', '102', '2-1-103']);
    const live = (await knex('survey_codes as c').join('projects as p', 'p.id', 'c.project_id').where('p.code', 'S3').whereNull('c.revoked_at').orderBy('c.household').select('c.household')) as { household: string }[];
    expect(live.map((l) => l.household)).toEqual(['102', '2-1-101', '2-1-103']);
  });
});
