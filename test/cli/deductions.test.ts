/**
 * Deduction sheets through the CLI (SPEC §4): items come from the round's catalogue, each item counts
 * once per project, a clean inspection is the `NONE` item, and a bad sheet is refused whole.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { makeUscc } from '../../src/domain/uscc';
import { hhb, closeCliDatabases } from './cli-harness';

afterAll(closeCliDatabases);

const A = makeUscc('91220284000020010');
const B = makeUscc('91220284000020020');

describe('deduction sheets', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hhb-ded-'));
  const db = join(dir, 'db');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = (...args: string[]) => hhb(args, { db, cwd: dir });
  const file = (name: string, rows: string[][]) => {
    writeFileSync(join(dir, name), stringify(rows));
    return join(dir, name);
  };

  it('scores base 100 minus each item once per project, and NONE as a clean inspection', async () => {
    expect((await run('firms', 'import', file('firms.csv', [['uscc', 'name'], [A, '甲物业'], [B, '乙物业']]))).code).toBe(0);
    const projects = file('projects.csv', [['code', 'name', 'street', 'firm_uscc', 'households'], ['PA', '甲小区', '东宁街道', A, '100'], ['PB', '乙小区', '东宁街道', B, '100']]);
    expect((await run('projects', 'import', projects)).code).toBe(0);
    await run('rounds', 'create', '2025-H1');
    await run('rounds', 'open', '2025-H1');
    await run('scores', 'import', '2025-H1', '--source', 'street', file('s.csv', [['项目编号', '得分'], ['PA', '80'], ['PB', '80']]));
    await run('scores', 'import', '2025-H1', '--source', 'resident-summary', file('r.csv', [['项目编号', '有效样本数', '平均分'], ['PA', '80', '80'], ['PB', '80', '80']]));

    const bad = await run('scores', 'import', '2025-H1', '--source', 'deductions',
      file('bad.csv', [['统一社会信用代码', '项目编号', '扣分项', '扣分'], [A, 'PA', 'D99', '2'], [A, 'PA', 'D04', '6'], [B, '', 'D01', '0']]));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/第 2 行 「扣分项」列：扣分项「D99」不在本周期规则的扣分目录中/);
    expect(bad.stderr).toMatch(/第 3 行 「扣分」列：.*最多 5 分/);
    expect(bad.stderr).toMatch(/第 4 行 「扣分」列：.*必须大于 0/);

    const good = await run('scores', 'import', '2025-H1', '--source', 'deductions',
      file('good.csv', [['统一社会信用代码', '项目编号', '扣分项', '扣分', '说明'], [A, 'PA', 'D04', '5', '消防通道堵塞'], [A, 'PA', 'D04', '3', '复查仍堵塞'], [A, '', 'D06', '1.5', ''], [B, '', 'NONE', '0', '检查无扣分']]));
    expect(good.stderr).toBe('');
    expect(good.code).toBe(0);
    await run('rounds', 'close', '2025-H1');
    const computed = await run('rounds', 'compute', '2025-H1');
    expect(computed.code).toBe(0);
    const out = JSON.parse((await run('results', '2025-H1', '--json')).stdout);
    const byUscc = Object.fromEntries(out.firms.map((f: { uscc: string; scores: { regulator: number } }) => [f.uscc, f.scores.regulator]));
    expect(byUscc[A]).toBe(93.5); // 100 − 5 (D04 once for PA, the larger) − 1.5 (D06)
    expect(byUscc[B]).toBe(100);
  }, 60_000);
});
