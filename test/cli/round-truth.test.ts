/**
 * What close says and what compute does agree (SPEC §5.3, §5.5), through the `hhb` CLI on a small
 * city: close lists each firm short of its survey sample with its counts, by the engine's rule;
 * compute refuses (exit 3) while a ranked firm's project lacks a street or a resident score, names
 * those projects and writes nothing; `--force` computes, flags the firms and is audited.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { makeUscc } from '../../src/domain/uscc';
import { hhb, hhbOk, closeCliDatabases } from './cli-harness';
import { backends, testDatabase } from './backends';

afterAll(closeCliDatabases);

const uscc = (i: number): string => makeUscc(`91220100MA${String(i).padStart(7, '0')}`);
const csv = (rows: (string | number)[][]): string => `\uFEFF${stringify(rows)}`;

/**
 * Firm 1: P1 600 + P2 400 households = 1,000 → needs 278 valid responses (SPEC §5.5), has 150 + 100.
 * Firm 2: P3 200 + P5 100 = 300 → needs 169, has 180; P5 has no resident score.
 * Firm 3: P4 300 → needs 169, has 169; P4 has no street score.
 */
function writeCity(dir: string): void {
  writeFileSync(join(dir, 'streets.csv'), csv([['街道编码', '街道名称', '区县'], ['S01', '东宁街道', '示例区'], ['S02', '福安街道', '示例区']]));
  writeFileSync(join(dir, 'firms.csv'), csv([['统一社会信用代码', '企业名称'], [uscc(1), '甲物业公司'], [uscc(2), '乙物业公司'], [uscc(3), '丙物业公司']]));
  writeFileSync(
    join(dir, 'projects.csv'),
    csv([
      ['项目编号', '项目名称', '街道', '物业企业统一社会信用代码', '户数'],
      ['P1', '幸福花园', '东宁街道', uscc(1), 600],
      ['P2', '阳光家园', 'S02', uscc(1), 400],
      ['P3', '翠湖雅苑', '东宁街道', uscc(2), 200],
      ['P4', '锦江名都', '福安街道', uscc(3), 300],
      ['P5', '北山新村', 'S02', uscc(2), 100],
    ]),
  );
  writeFileSync(join(dir, 'street.csv'), csv([['项目编号', '得分'], ['P1', 90], ['P2', 88], ['P3', 80], ['P5', 78]]));
  const answers: (string | number)[][] = [['项目编号', '户号', '得分']];
  for (const [project, count, score] of [['P1', 150, 91], ['P2', 100, 89], ['P3', 180, 82], ['P4', 169, 70]] as const) {
    for (let i = 1; i <= count; i += 1) answers.push([project, `${Math.ceil(i / 20)}-${i}`, score]);
  }
  writeFileSync(join(dir, 'survey.csv'), csv(answers));
  writeFileSync(join(dir, 'regulator.csv'), csv([['统一社会信用代码', '部门', '得分'], [uscc(1), '执法局', 92], [uscc(2), '执法局', 81], [uscc(3), '执法局', 72]]));
}

describe.each(backends())('round workflow truthfulness on %s', (backend) => {
  let dir: string;
  let db: string;
  let drop: () => Promise<void>;
  const run = (...args: string[]) => hhb(args, { db, cwd: dir });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hhb-truth-'));
    writeCity(dir);
    ({ url: db, drop } = await testDatabase(backend, dir));
    for (const args of [
      ['streets', 'import', 'streets.csv'],
      ['firms', 'import', 'firms.csv'],
      ['projects', 'import', 'projects.csv'],
      ['rounds', 'create', '2025-H1'],
      ['rounds', 'open', '2025-H1'],
      ['scores', 'import', '2025-H1', '--source', 'street', 'street.csv'],
      ['scores', 'import', '2025-H1', '--source', 'resident', 'survey.csv'],
      ['scores', 'import', '2025-H1', '--source', 'regulator', 'regulator.csv'],
    ]) {
      await hhbOk(args, { db, cwd: dir });
    }
  }, 120_000);

  afterAll(async () => {
    await drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('close lists each firm short of its sample with valid responses / required, and never claims every sample is sufficient', async () => {
    const close = await run('rounds', 'close', '2025-H1');
    expect(close.code).toBe(0);
    expect(close.stdout).not.toContain('样本量均达标');
    expect(close.stdout).toContain('样本量不足 1 家');
    expect(close.stdout).toContain(`甲物业公司（${uscc(1)}）：有效问卷 250 份 / 需 278 份（1000 户）`);
    expect(close.stdout).not.toContain('乙物业公司（');
    expect(close.stdout).toContain('1 个项目缺少街道评分：锦江名都（P4）');
    expect(close.stdout).toContain('1 个项目缺少居民评分：北山新村（P5）');
  });

  it('compute refuses with exit 3 while projects lack a score, names them, and stores nothing', async () => {
    const refused = await run('rounds', 'compute', '2025-H1');
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('2 个项目缺少评分（缺街道评分 1 个，缺居民评分 1 个）');
    expect(refused.stderr).toContain('锦江名都（P4，丙物业公司）缺少街道评分');
    expect(refused.stderr).toContain('北山新村（P5，乙物业公司）缺少居民评分');
    expect(refused.stderr).toContain('--force');
    const rounds = JSON.parse((await run('rounds', 'list', '--json')).stdout) as { code: string; status: string }[];
    expect(rounds.find((r) => r.code === '2025-H1')?.status).toBe('closed');
    expect((await run('results', '2025-H1', '--json')).code).not.toBe(0);
  });

  it('computes with --force, flags exactly the firms close listed as short, and audits the override', async () => {
    const forced = await run('rounds', 'compute', '2025-H1', '--force');
    expect(forced.stderr).toBe('');
    expect(forced.code).toBe(0);
    const out = JSON.parse((await run('results', '2025-H1', '--json')).stdout) as { firms: { uscc: string; flags: string[] }[] };
    const short = out.firms.filter((f) => f.flags.includes('insufficient_sample')).map((f) => f.uscc);
    expect(short).toEqual([uscc(1)]);
    expect(out.firms.find((f) => f.uscc === uscc(3))?.flags).toEqual(expect.arrayContaining(['forced']));
    expect(out.firms.find((f) => f.uscc === uscc(2))?.flags).toEqual(expect.arrayContaining(['incomplete_resident']));
    const audit = JSON.parse((await run('audit', 'log', '--entity', '2025-H1', '--json')).stdout) as { action: string; after: Record<string, unknown> }[];
    const compute = audit.find((a) => a.action === 'round.compute');
    expect(compute?.after).toMatchObject({ forced: true, forcedPast: { projects: 2, projectsWithoutStreetScore: 1, projectsWithoutResident: 1, firms: 0 } });
  });

  it('does not block under the renormalize policy: the same gaps compute without --force', async () => {
    writeFileSync(join(dir, 'renormalize.json'), '{ "missingSource": "renormalize" }');
    for (const args of [
      ['rounds', 'create', '2025-H2', '--rules', 'renormalize.json'],
      ['rounds', 'open', '2025-H2'],
      ['scores', 'import', '2025-H2', '--source', 'street', 'street.csv'],
      ['scores', 'import', '2025-H2', '--source', 'resident', 'survey.csv'],
      ['scores', 'import', '2025-H2', '--source', 'regulator', 'regulator.csv'],
      ['rounds', 'close', '2025-H2'],
    ]) expect((await run(...args)).code).toBe(0);
    const computed = await run('rounds', 'compute', '2025-H2');
    expect(computed.stderr).toBe('');
    expect(computed.code).toBe(0);
    const out = JSON.parse((await run('results', '2025-H2', '--json')).stdout) as { firms: { uscc: string; flags: string[] }[] };
    expect(out.firms.find((f) => f.uscc === uscc(3))?.flags).toEqual(expect.arrayContaining(['renormalized']));
    expect(out.firms.find((f) => f.uscc === uscc(3))?.flags).not.toContain('forced');
  });
});
