/**
 * `hhb survey progress` and `hhb survey anomalies`: residents answer with their letters' codes (read from codes.csv) at set
 * times and from set addresses; the report flags the project answered in a burst, the one answered
 * all alike, and the one answered from one address, and leaves the ordinary one out.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { submitSurveyAnswer } from '../../src/app/survey-answers';
import { createApp } from '../../src/http/app';
import { databaseLimiter } from '../../src/db/login-throttle-store';
import { backends, testDatabase } from '../cli/backends';
import { hhb, hhbOk, closeCliDatabases } from '../cli/cli-harness';
import { type CityProject, answerEach, at, inspect, readCodes, setUpCity } from './world';

afterAll(closeCliDatabases);

const ITEMS = ['安全秩序', '环境卫生', '绿化养护', '设施维修', '服务态度'];
const LEVELS = ['非常满意', '满意', '一般', '不满意', '非常不满意'];
const PROJECTS: CityProject[] = [
  { code: 'BURST', name: '快答苑', street: '东宁街道', firm: 1, households: 22 },
  { code: 'ALIKE', name: '同答园', street: '东宁街道', firm: 1, households: 12 },
  { code: 'ONEIP', name: '一址居', street: '西岭街道', firm: 2, households: 6 },
  { code: 'CALM', name: '平常里', street: '西岭街道', firm: 2, households: 30 },
];

describe.each(backends())('hhb survey progress and anomalies on %s', (backend) => {
  let dir: string;
  let db: string;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hhb-survey-anomalies-'));
    ({ url: db, drop } = await testDatabase(backend, dir));
    await setUpCity(db, dir, PROJECTS);
    const ok = (...args: string[]) => hhbOk(args, { db, cwd: dir, now: at('2025-03-01') });
    await ok('settings', 'set', 'base_url', 'https://wuye.example.gov.cn');
    await ok('survey', 'codes', '2025-H1', '--out', 'letters');
  });
  afterAll(async () => {
    await drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const progress = async (...extra: string[]) =>
    JSON.parse((await hhbOk(['survey', 'progress', '2025-H1', '--json', ...extra], { db, cwd: dir, now: at('2025-03-05') })).stdout) as {
      projects: { code: string; households: number; codes: number; online: number; excluded: number; responses: number }[];
      firms: { name: string; households: number; responses: number; required: number; missing: number }[];
    };

  it('shows progress before anyone answers: codes issued, no answers, each firm short of its whole sample', async () => {
    const west = await progress('--street', '西岭街道');
    expect(west.projects.map((p) => [p.code, p.households, p.codes, p.online, p.responses])).toEqual([
      ['CALM', 30, 30, 0, 0],
      ['ONEIP', 6, 6, 0, 0],
    ]);
    // 36 households need 33 answers (SPEC §5.5: 384.16 × 36 / (36 + 383.16), rounded up).
    expect(west.firms).toEqual([{ uscc: expect.any(String), name: '乙物业公司', households: 36, responses: 0, required: 33, missing: 33 }]);
    const text = await hhbOk(['survey', 'progress', '2025-H1'], { db, cwd: dir, now: at('2025-03-05') });
    expect(text.stdout).toContain('BURST 快答苑：22 户，户码 22，网上作答 0 户，逐户问卷共 0 份');
    expect(text.stdout).toContain('甲物业公司');
    expect(text.stdout).toContain('0 / 32 份，尚差 32 份');
  });

  it('flags the burst, the identical answers and the shared address, with their figures, and not the ordinary project', async () => {
    const rows = readCodes(join(dir, 'letters', 'codes.csv'));
    const start = Date.parse('2025-03-02T01:00:00Z');
    await answerEach(backend, db, rows, (row, n) => {
      const i = Number(row['户序号']);
      const project = row['项目编号'] as string;
      // Varied answers, an hour apart, each from its own address — except where a project is stuffed.
      return {
        at: project === 'BURST' ? start + i * 20_000 : start + n * 3_600_000,
        answers: Object.fromEntries(ITEMS.map((item, k) => [item, project === 'ALIKE' ? '非常满意' : (LEVELS[(i + k * n) % 4] as string)])),
        address: project === 'ONEIP' ? '10.8.8.8' : `10.0.${n}.1`,
        comment: project === 'CALM' && i <= 2 ? `第${i}条意见：垃圾清运要及时` : undefined,
      };
    });
    const text = await hhbOk(['survey', 'anomalies', '2025-H1'], { db, cwd: dir, now: at('2025-03-05') });
    expect(text.stdout).toContain('70 份网上问卷中，3 个项目有异常');
    expect(text.stdout).toContain('2025-03-02 09:00 起 10 分钟内集中提交 22 份');
    expect(text.stdout).toContain('12 / 12 份（100%）答案完全相同');
    expect(text.stdout).toContain('6 户从同一网络地址作答');
    const json = JSON.parse((await hhbOk(['survey', 'anomalies', '2025-H1', '--json'], { db, cwd: dir, now: at('2025-03-05') })).stdout) as {
      answers: number;
      projects: { projectCode: string; anomalies: { kind: string; value: number }[] }[];
    };
    expect(json.projects.map((p) => [p.projectCode, p.anomalies.map((a) => `${a.kind}:${a.value}`)])).toEqual([
      ['ALIKE', ['identical_patterns:100']],
      ['BURST', ['burst:22']],
      ['ONEIP', ['same_address:6']],
    ]);
    const after = await progress();
    expect(after.projects.map((p) => `${p.code}:${p.online}/${p.responses}`)).toEqual(['ALIKE:12/12', 'BURST:22/22', 'CALM:30/30', 'ONEIP:6/6']);
    expect(after.firms.map((f) => `${f.name}:${f.responses}/${f.required}:${f.missing}`)).toEqual(['甲物业公司:34/32:0', '乙物业公司:36/33:0']);
  });

  it('lists the flagged projects on the bureau’s dashboard, with their reasons', async () => {
    await hhbOk(['users', 'add', 'survey-bureau', '--role', 'bureau'], { db, cwd: dir });
    const token = (await hhbOk(['tokens', 'create', 'survey-bureau'], { db, cwd: dir })).stdout.split('\n')[1] as string;
    const { knex, close } = await inspect(backend, db);
    try {
      const app = createApp({ knex, dbKind: backend, now: () => at('2025-03-05'), log: () => {} });
      const page = await request(app).get('/dashboard?round=2025-H1').set('Authorization', `Bearer ${token}`);
      expect(page.status).toBe(200);
      expect(page.text).toContain('疑似刷票（3 个项目）');
      expect(page.text).toContain('<li data-project="BURST">BURST（22 份）：2025-03-02 09:00 起 10 分钟内集中提交 22 份');
      const flagged = /<details id="survey-anomalies"[\s\S]*?<\/details>/.exec(page.text)?.[0] ?? '';
      expect(flagged).toContain('data-project="ONEIP"');
      expect(flagged).not.toContain('CALM');
    } finally {
      await close();
    }
  });

  it('lists the residents’ comments per project for the bureau, with no household identifier', async () => {
    const text = await hhbOk(['survey', 'comments', '2025-H1'], { db, cwd: dir, now: at('2025-03-05') });
    expect(text.stdout).toContain('CALM 平常里：');
    expect(text.stdout).toMatch(/\[2025-03-\d\d\] 第1条意见：垃圾清运要及时/);
    const json = JSON.parse((await hhbOk(['survey', 'comments', '2025-H1', '--project', 'CALM', '--json'], { db, cwd: dir, now: at('2025-03-05') })).stdout) as { comments: Record<string, string>[] };
    expect(json.comments).toHaveLength(2);
    for (const c of json.comments) expect(Object.keys(c).sort()).toEqual(['comment', 'day', 'projectCode', 'projectName']);
    const none = await hhbOk(['survey', 'comments', '2025-H1', '--project', 'ALIKE'], { db, cwd: dir, now: at('2025-03-05') });
    expect(none.stdout).toContain('暂无居民留言');
  });

  it('warns in the progress report when a project has both online answers and answers from a file', async () => {
    writeFileSync(join(dir, 'survey.csv'), '项目编号,户号,得分\nONEIP,3-2-201,90\n');
    await hhbOk(['scores', 'import', '2025-H1', '--source', 'resident', 'survey.csv'], { db, cwd: dir, now: at('2025-03-05') });
    const text = (await hhbOk(['survey', 'progress', '2025-H1'], { db, cwd: dir, now: at('2025-03-05') })).stdout;
    expect(text).toContain('ONEIP 一址居：6 户，户码 6，网上作答 6 户，逐户问卷共 7 份');
    expect(text).toContain('注意：本项目同时有网上作答和文件导入的逐户问卷（1 份）');
    expect(text.match(/注意/g)).toHaveLength(1);
  });

  it('excludes a project’s flagged answers with a written reason: kept and marked, no longer counted, audited, not answerable again', async () => {
    const run = (...args: string[]) => hhb(args, { db, cwd: dir, now: at('2025-03-06') });
    const short = await run('survey', 'exclude', '2025-H1', 'BURST', '--reason', '刷票');
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('排除须写明理由');
    const calm = await run('survey', 'exclude', '2025-H1', 'CALM', '--reason', '经核查为正常作答');
    expect(calm.code).toBe(3);
    expect(calm.stderr).toContain('没有异常标记');
    const done = await hhbOk(['survey', 'exclude', '2025-H1', 'BURST', '--reason', '10 分钟内集中提交 22 份，经核查为物业代答'], { db, cwd: dir, now: at('2025-03-06') });
    expect(done.stdout).toContain('项目 BURST 的 22 户异常网上答案');
    const after = await progress();
    expect(after.projects.find((p) => p.code === 'BURST')).toMatchObject({ online: 0, responses: 0, excluded: 22 });
    expect(after.firms.find((f) => f.name === '甲物业公司')).toMatchObject({ responses: 12, required: 32, missing: 20 });
    const text = (await hhbOk(['survey', 'progress', '2025-H1'], { db, cwd: dir, now: at('2025-03-06') })).stdout;
    expect(text).toContain('网上作答 0 户（另有 22 户已排除）');
    // The anomaly report no longer counts them; a second exclusion finds nothing left.
    const report = JSON.parse((await hhbOk(['survey', 'anomalies', '2025-H1', '--json'], { db, cwd: dir, now: at('2025-03-06') })).stdout) as { projects: { projectCode: string }[] };
    expect(report.projects.map((p) => p.projectCode)).toEqual(['ALIKE', 'ONEIP']);
    expect((await run('survey', 'exclude', '2025-H1', 'BURST', '--reason', '再次排除试试看')).code).toBe(3);
    const { knex, close } = await inspect(backend, db);
    try {
      const audit = (await knex('audit_log').where({ action: 'survey.exclude' }).select('entity_id', 'reason')) as unknown[];
      expect(audit).toEqual([{ entity_id: 'BURST', reason: '10 分钟内集中提交 22 份，经核查为物业代答' }]);
      expect(Number(((await knex('survey_online_answers').whereNotNull('exclusion_id').count({ n: '*' })) as { n: unknown }[])[0]?.n)).toBe(22);
      const rows = readCodes(join(dir, 'letters', 'codes.csv'));
      const burstCode = rows.find((r) => r['项目编号'] === 'BURST')?.['户码'] as string;
      const limiter = databaseLimiter(knex, { keyPrefix: 'survey_code', points: 10, duration: 900 });
      const ctx = { knex, dbKind: backend, actor: 'public', now: () => at('2025-03-06') };
      const answers = Object.fromEntries(ITEMS.map((item) => [item, '满意']));
      await expect(submitSurveyAnswer(ctx, limiter, { code: burstCode, answers, address: '10.7.7.7' })).rejects.toThrow('已被主管部门排除');
    } finally {
      await close();
    }
  });

  it('reports at close a project given numbered online answers and individual answers from a file', async () => {
    const closed = await hhb(['rounds', 'close', '2025-H1'], { db, cwd: dir, now: at('2025-03-06') });
    expect(closed.stdout + closed.stderr).toContain('1 个项目同时有网上作答（按户序号）和文件导入的逐户问卷，户序号与户号无法对应');
    expect(closed.stdout + closed.stderr).toMatch(/无法对应[^\n]*一址居（ONEIP）/);
  });
});

