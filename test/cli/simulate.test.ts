/**
 * 试算 through the CLI on a small city of 20 firms: other weights (4:3:3) and a higher red
 * threshold move known firms, side by side with the stored computation and its reasons; the
 * round's own rules (as `hhb rounds rules` writes them) change nothing; a closed round is compared
 * with its own rules computed on the spot; an open round and a bad rules file are refused; and the
 * database, audit chain included, is byte for byte what it was before any of it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import knexFactory, { type Knex } from 'knex';
import { makeUscc } from '../../src/domain/uscc';
import { tableChecksums } from '../bad-inputs/world';
import { hhb, hhbOk, keptDatabase, closeCliDatabases } from './cli-harness';
import { backends, testDatabase } from './backends';

afterAll(closeCliDatabases);

const N = 20;
const uscc = (i: number) => makeUscc(`9122028400002${String(i).padStart(3, '0')}0`);
/**
 * Firm i's scores (resident, regulator, street): 97 − 2i in every source for most firms (95 … 61),
 * 55 and 50 for the last two; firm 3 is strong with residents and weak with its street: 100, 95, 80
 * — 94.50 under 5:3:2, ahead of firm 2's 93.00, but 92.50 under 4:3:3, behind it.
 */
const scores = (i: number): [number, number, number] => {
  if (i === 3) return [100, 95, 80];
  const s = i === 19 ? 55 : i === 20 ? 50 : 97 - 2 * i;
  return [s, s, s];
};

interface SimulationJson {
  round: string;
  status: string;
  baseline: { computation: number | null; rulesHash: string; ranked: number; lists: Record<string, number> };
  simulated: { rulesHash: string; ranked: number; lists: Record<string, number> };
  sameRules: boolean;
  ruleChanges: { path: string; before: unknown; after: unknown }[];
  changes: {
    uscc: string;
    rankBefore: number | null;
    rankAfter: number | null;
    compositeBefore: number | null;
    compositeAfter: number | null;
    listBefore: string | null;
    listAfter: string | null;
    text: string;
    before: { reasons: string[]; rules: { code: string; text: string }[] };
    after: { reasons: string[]; rules: { code: string; text: string }[] };
    firedOnlyAfter: { code: string; text: string }[];
    firedOnlyBefore: { code: string; text: string }[];
  }[];
  compositeOnly: number;
}

describe.each(backends())('hhb rounds simulate on %s', (backend) => {
  let dir: string;
  let db: string;
  let drop: () => Promise<void>;
  let knex: Knex;

  const run = (...args: string[]) => hhb(args, { db, cwd: dir });
  const ok = (...args: string[]) => hhbOk(args, { db, cwd: dir });
  const simulate = async (code: string, rules: string): Promise<SimulationJson> => JSON.parse((await ok('rounds', 'simulate', code, '--rules', rules, '--json')).stdout) as SimulationJson;
  const auditHead = async (): Promise<string | undefined> => ((await knex('audit_log').orderBy('id', 'desc').first('hash')) as { hash: string } | undefined)?.hash;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hhb-simulate-'));
    ({ url: db, drop } = await testDatabase(backend, dir));
    const ids = Array.from({ length: N }, (_, j) => j + 1);
    writeFileSync(join(dir, 'firms.csv'), stringify([['统一社会信用代码', '企业名称'], ...ids.map((i) => [uscc(i), `第${i}物业公司`])]));
    writeFileSync(join(dir, 'projects.csv'), stringify([['项目编号', '项目名称', '街道', '物业企业统一社会信用代码', '户数'], ...ids.map((i) => [`P${i}`, `第${i}小区`, '东宁街道', uscc(i), '100'])]));
    writeFileSync(join(dir, 'summary.csv'), stringify([['项目编号', '有效样本数', '平均分'], ...ids.map((i) => [`P${i}`, '80', String(scores(i)[0])])]));
    writeFileSync(join(dir, 'regulator.csv'), stringify([['统一社会信用代码', '部门', '得分'], ...ids.map((i) => [uscc(i), '市城管执法局', String(scores(i)[1])])]));
    writeFileSync(join(dir, 'street.csv'), stringify([['项目编号', '得分'], ...ids.map((i) => [`P${i}`, String(scores(i)[2])])]));
    writeFileSync(join(dir, 'weights-433.json'), JSON.stringify({ weights: { resident: 4, regulator: 3, street: 3 } }));
    writeFileSync(join(dir, 'red-95.json'), JSON.stringify({ red: { minComposite: 95 } }));
    writeFileSync(join(dir, 'bad-weight.json'), JSON.stringify({ weights: { resident: -1, regulator: 3, street: 2 } }));
    writeFileSync(join(dir, 'bad-key.json'), JSON.stringify({ red: { sahre: 10 } }));
    writeFileSync(join(dir, 'not-json.json'), '{ "weights": ');

    await ok('firms', 'import', join(dir, 'firms.csv'));
    await ok('projects', 'import', join(dir, 'projects.csv'));
    for (const code of ['2025-H1', '2025-H2']) {
      await ok('rounds', 'create', code);
      await ok('rounds', 'open', code);
      await ok('scores', 'import', code, '--source', 'resident-summary', join(dir, 'summary.csv'));
      await ok('scores', 'import', code, '--source', 'regulator', join(dir, 'regulator.csv'));
      await ok('scores', 'import', code, '--source', 'street', join(dir, 'street.csv'));
    }
    await ok('rounds', 'close', '2025-H1');
    await ok('rounds', 'compute', '2025-H1');
    knex = backend === 'pglite' ? (await keptDatabase(db)).knex : knexFactory({ client: 'pg', connection: db, pool: { min: 0, max: 1 } });
  }, 180_000);

  afterAll(async () => {
    if (backend === 'postgres') await knex?.destroy();
    await drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('computes the stored lists it is compared to: firms 1 and 3 red, 19 and 20 black', async () => {
    const results = JSON.parse((await ok('results', '2025-H1', '--json')).stdout) as { firms: { uscc: string; rank: number; composite: number; list: string | null }[] };
    expect(results.firms.slice(0, 3).map((f) => [f.uscc, f.rank, f.composite, f.list])).toEqual([
      [uscc(1), 1, 95, 'red'],
      [uscc(3), 2, 94.5, 'red'],
      [uscc(2), 3, 93, null],
    ]);
    expect(results.firms.filter((f) => f.list === 'black').map((f) => f.uscc)).toEqual([uscc(19), uscc(20)]);
  });

  it('with weights 4:3:3, swaps firms 2 and 3 on the red list, beside computation 1 and both explanations', async () => {
    const s = await simulate('2025-H1', 'weights-433.json');
    expect(s).toMatchObject({ round: '2025-H1', status: 'computed', sameRules: false });
    expect(s.baseline).toMatchObject({ computation: 1, ranked: 20, lists: { red: 2, black: 2, watch: 0 } });
    expect(s.simulated).toMatchObject({ ranked: 20, lists: { red: 2, black: 2, watch: 0 } });
    expect(s.ruleChanges).toEqual([
      { path: 'weights.resident', before: 5, after: 4 },
      { path: 'weights.street', before: 2, after: 3 },
    ]);
    expect(s.changes.map((c) => [c.uscc, c.rankBefore, c.rankAfter, c.compositeBefore, c.compositeAfter, c.listBefore, c.listAfter])).toEqual([
      [uscc(2), 3, 2, 93, 93, null, 'red'],
      [uscc(3), 2, 3, 94.5, 92.5, 'red', null],
    ]);
    const [two, three] = s.changes;
    expect(three?.text).toBe('第3物业公司：综合得分 94.50 → 92.50，排名 2 → 3，榜单 红榜 → —');
    // The reasons and fired rules of both sides: the composite's weights, and the red list gained and lost.
    expect(three?.before.reasons.join('')).toContain('红榜');
    expect(three?.firedOnlyBefore.map((r) => r.code)).toEqual(expect.arrayContaining(['red_listed']));
    expect(three?.firedOnlyAfter.some((r) => r.text.includes('4:3:3'))).toBe(true);
    expect(two?.firedOnlyAfter.map((r) => r.code)).toEqual(expect.arrayContaining(['red_listed']));
    expect(two?.after.reasons.join('')).toContain('红榜');
    // The other firms score alike in every source: new weights leave their composites as they were.
    expect(s.compositeOnly).toBe(0);
  });

  it('prints the same comparison for a person, in Chinese', async () => {
    const r = await ok('rounds', 'simulate', '2025-H1', '--rules', 'weights-433.json');
    expect(r.stdout).toContain('2025-H1 试算（不保存任何结果）');
    expect(r.stdout).toContain('对照第 1 次计算');
    expect(r.stdout).toContain('规则改动 2 处：weights.resident 5 → 4；weights.street 2 → 3');
    expect(r.stdout).toContain('名次或榜单会变化的企业 2 家：');
    expect(r.stdout).toContain('  第2物业公司：排名 3 → 2，榜单 — → 红榜');
    expect(r.stdout).toContain('  第3物业公司：综合得分 94.50 → 92.50，排名 2 → 3，榜单 红榜 → —');
    expect(r.stdout).toMatch(/试算不再触发 【红榜】/);
  });

  it('with the red threshold at 95, takes firm 3 off the red list at the same rank', async () => {
    const s = await simulate('2025-H1', 'red-95.json');
    expect(s.ruleChanges).toEqual([{ path: 'red.minComposite', before: 85, after: 95 }]);
    expect(s.simulated.lists).toEqual({ red: 1, black: 2, watch: 0 });
    expect(s.changes.map((c) => [c.uscc, c.rankBefore, c.rankAfter, c.listBefore, c.listAfter])).toEqual([[uscc(3), 2, 2, 'red', null]]);
    expect(s.changes[0]?.after.reasons.join('')).toContain('95');
    expect(s.compositeOnly).toBe(0);
  });

  it('reports no change under the round own rules, as hhb rounds rules writes them', async () => {
    const written = await ok('rounds', 'rules', '2025-H1', '--out', 'own.json');
    expect(written.stdout).toContain('已写出 2025-H1 的评分规则到 own.json');
    const own = JSON.parse(readFileSync(join(dir, 'own.json'), 'utf8')) as { weights: unknown };
    expect(own.weights).toEqual({ resident: 5, regulator: 3, street: 2 });
    expect((await ok('rounds', 'rules', '2025-H1')).stdout).toBe(readFileSync(join(dir, 'own.json'), 'utf8'));
    const s = await simulate('2025-H1', 'own.json');
    expect(s.sameRules).toBe(true);
    expect(s.simulated.rulesHash).toBe(s.baseline.rulesHash);
    expect(s.ruleChanges).toEqual([]);
    expect(s.changes).toEqual([]);
    expect(s.compositeOnly).toBe(0);
    expect((await ok('rounds', 'simulate', '2025-H1', '--rules', 'own.json')).stdout).toContain('按这份规则，所有企业的名次和榜单都不变。');
  });

  it('refuses an open round (exit 3) and a bad rules file naming the key (exit 2)', async () => {
    const open = await run('rounds', 'simulate', '2025-H2', '--rules', 'weights-433.json');
    expect(open.code).toBe(3);
    expect(open.stderr).toContain('评价周期 2025-H2 当前状态为「录入中」，不能试算');
    const weight = await run('rounds', 'simulate', '2025-H1', '--rules', 'bad-weight.json');
    expect(weight.code).toBe(2);
    expect(weight.stderr).toContain('weights.resident 必须为正数');
    const key = await run('rounds', 'simulate', '2025-H1', '--rules', 'bad-key.json');
    expect(key.code).toBe(2);
    expect(key.stderr).toContain('red.sahre 是未知的键');
    const broken = await run('rounds', 'simulate', '2025-H1', '--rules', 'not-json.json');
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain('不是有效的 JSON');
    const missing = await run('rounds', 'simulate', '2025-H1', '--rules', 'nowhere.json');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('无法读取规则文件');
    const unknown = await run('rounds', 'simulate', '2030-H1', '--rules', 'weights-433.json');
    expect(unknown.code).toBe(2);
  });

  it('compares a closed round with its own rules computed on the spot, storing nothing', async () => {
    await ok('rounds', 'close', '2025-H2');
    const s = await simulate('2025-H2', 'weights-433.json');
    expect(s.status).toBe('closed');
    expect(s.baseline.computation).toBeNull();
    expect(s.changes.map((c) => [c.uscc, c.rankBefore, c.rankAfter, c.listBefore, c.listAfter])).toEqual([
      [uscc(2), 3, 2, null, 'red'],
      [uscc(3), 2, 3, 'red', null],
    ]);
    expect((await ok('rounds', 'simulate', '2025-H2', '--rules', 'weights-433.json')).stdout).toContain('对照本周期规则按当前数据计算的结果（未保存）');
  });

  it('refuses like compute while a score is missing, unless forced, and inherits a forced computation', async () => {
    writeFileSync(join(dir, 'street-19.csv'), stringify([['项目编号', '得分'], ...Array.from({ length: N - 1 }, (_, j) => [`P${j + 1}`, String(scores(j + 1)[2])])]));
    await ok('rounds', 'create', '2026-H1');
    await ok('rounds', 'open', '2026-H1');
    await ok('scores', 'import', '2026-H1', '--source', 'resident-summary', join(dir, 'summary.csv'));
    await ok('scores', 'import', '2026-H1', '--source', 'regulator', join(dir, 'regulator.csv'));
    await ok('scores', 'import', '2026-H1', '--source', 'street', join(dir, 'street-19.csv'));
    await ok('rounds', 'close', '2026-H1');
    const refused = await run('rounds', 'simulate', '2026-H1', '--rules', 'weights-433.json');
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('2026-H1 还有 1 个项目缺少街道或居民评分、0 家企业缺少行管评分，按规则（缺少评分时阻止计算）不能试算');
    const forced = JSON.parse((await ok('rounds', 'simulate', '2026-H1', '--rules', 'weights-433.json', '--json', '--force')).stdout) as SimulationJson & { forced: boolean };
    expect(forced.forced).toBe(true);
    expect(forced.baseline.computation).toBeNull();
    await ok('rounds', 'compute', '2026-H1', '--force');
    const inherited = JSON.parse((await ok('rounds', 'simulate', '2026-H1', '--rules', 'own.json', '--json')).stdout) as SimulationJson & { forced: boolean };
    expect(inherited).toMatchObject({ forced: true, sameRules: true, changes: [], compositeOnly: 0, baseline: { computation: 1 } });
  });

  it('leaves every table and the audit chain head byte for byte as they were', async () => {
    const before = await tableChecksums(knex);
    const head = await auditHead();
    expect(head).toMatch(/^[0-9a-f]{64}$/);
    for (const code of ['2025-H1', '2025-H2']) {
      for (const rules of ['weights-433.json', 'red-95.json', 'own.json', 'bad-weight.json']) {
        await run('rounds', 'simulate', code, '--rules', rules);
        await run('rounds', 'simulate', code, '--rules', rules, '--json', '--force');
      }
    }
    await ok('rounds', 'rules', '2025-H2');
    expect(await tableChecksums(knex)).toEqual(before);
    expect(await auditHead()).toBe(head);
    expect(Object.keys(before)).toEqual(expect.arrayContaining(['audit_log', 'computations', 'results', 'rounds']));
  });

  it('simulates a year-end round from its two published halves', async () => {
    await ok('rounds', 'compute', '2025-H2');
    for (const code of ['2025-H1', '2025-H2']) {
      await ok('rounds', 'publicize', code, '--days', '1');
      await ok('rounds', 'publish', code, '--now', '--reason', '测试提前发布');
    }
    const published = await run('rounds', 'simulate', '2025-H1', '--rules', 'red-95.json');
    expect(published.code).toBe(3);
    expect(published.stderr).toContain('当前状态为「已发布」，不能试算');
    await ok('rounds', 'create', '2025-Y');
    await ok('rounds', 'open', '2025-Y');
    await ok('rounds', 'close', '2025-Y');
    await ok('rounds', 'compute', '2025-Y');
    const s = await simulate('2025-Y', 'red-95.json');
    expect(s).toMatchObject({ round: '2025-Y', status: 'computed', baseline: { computation: 1, lists: { red: 2 } }, simulated: { lists: { red: 1 } } });
    expect(s.changes.map((c) => [c.uscc, c.rankBefore, c.rankAfter, c.compositeBefore, c.listBefore, c.listAfter])).toEqual([[uscc(3), 2, 2, 94.5, 'red', null]]);
    expect((await simulate('2025-Y', 'own.json')).changes).toEqual([]);
  });
});
