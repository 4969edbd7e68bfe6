/**
 * A whole half-year round driven through the `hhb` CLI from files on disk
 * (a GBK-encoded CSV, a UTF-8-BOM CSV, an XLSX of 10,200 projects with Chinese names) to
 * `results --json`, on PGlite and on PostgreSQL when TEST_DATABASE_URL is set.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { firmName, projectCode, uscc, writeInputs } from './big-city-files';
import { hhb, hhbOk, closeCliDatabases } from './cli-harness';
import { backends, testDatabase } from './backends';
import { writtenOnce } from '../support/files';

afterAll(closeCliDatabases);

/** The input files, written once for the file and copied for each backend. */
const inputs = writtenOnce('hhb-cli-inputs-', writeInputs);

describe.each(backends())('a whole round through the CLI on %s', (backend) => {
  let dir: string;
  let db: string;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hhb-cli-'));
    await inputs.ready();
    cpSync(inputs.dir, dir, { recursive: true });
    ({ url: db, drop } = await testDatabase(backend, dir));
  }, 120_000);

  afterAll(async () => {
    await drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const run = (...args: string[]) => hhb(args, { db, cwd: dir });
  const ok = (...args: string[]) => hhbOk(args, { db, cwd: dir });

  it('imports, opens, closes, computes and lists 3 red and 4 black of 40 firms', async () => {
    await ok('firms', 'import', join(dir, 'firms.csv'));
    const projects = await ok('projects', 'import', join(dir, 'projects.xlsx'));
    expect(projects.stdout).toContain('10200');
    await ok('rounds', 'create', '2025-H1');
    const opened = await ok('rounds', 'open', '2025-H1');
    expect(opened.stdout).toContain('40');
    await ok('scores', 'import', '2025-H1', '--source', 'street', join(dir, 'street.csv'));
    await ok('scores', 'import', '2025-H1', '--source', 'resident-summary', join(dir, 'summary.csv'));
    await ok('scores', 'import', '2025-H1', '--source', 'resident', join(dir, 'responses.csv'));
    const again = await ok('scores', 'import', '2025-H1', '--source', 'resident', join(dir, 'responses-2.csv'));
    expect(again.stdout).toContain('替换原有记录 1 条');
    await ok('scores', 'import', '2025-H1', '--source', 'regulator', join(dir, 'regulator.csv'));
    await ok('events', 'import', '2025-H1', join(dir, 'events.csv'));
    await ok('complaints', 'import', '2025-H1', join(dir, 'complaints.csv'));
    await ok('rounds', 'close', '2025-H1');
    await ok('rounds', 'compute', '2025-H1');

    const out = JSON.parse((await ok('results', '2025-H1', '--json')).stdout);
    expect(out.round).toBe('2025-H1');
    expect(out.status).toBe('computed');
    expect(out.rulesHash).toMatch(/^[0-9a-f]{64}$/);
    expect(out.firms).toHaveLength(40);
    expect(out.firms.map((f: { rank: number }) => f.rank)).toEqual(Array.from({ length: 40 }, (_, j) => j + 1));
    expect(out.firms[0]).toMatchObject({ uscc: uscc(1), name: firmName(1), composite: 95, scores: { resident: 95, regulator: 95, street: 95 }, list: 'red' });
    const lists = Object.fromEntries(out.firms.map((f: { uscc: string; list: string | null }) => [f.uscc, f.list]));
    expect(out.firms.filter((f: { list: string }) => f.list === 'red').map((f: { uscc: string }) => f.uscc)).toEqual([uscc(1), uscc(3), uscc(4)]);
    expect(out.firms.filter((f: { list: string }) => f.list === 'black').map((f: { uscc: string }) => f.uscc)).toEqual([uscc(2), uscc(38), uscc(39), uscc(40)]);
    expect(lists[uscc(37)]).toBe('watch');
    expect(lists[uscc(5)]).toBeNull();
    const f37 = out.firms[36];
    expect(f37.composite).toBe(60);
    const vetoed = out.firms[1];
    expect(vetoed.flags).toContain('veto');
    expect(vetoed.reasons.join('')).toContain('一票否决');
    expect(out.firms[37].composite).toBe(59.99);
    expect(out.firms[37].reasons.join('')).toMatch(/59\.99/);
  });

  it('explains a firm in Chinese and refuses a bad file with row and column, writing nothing', async () => {
    const explained = await ok('explain', '2025-H1', uscc(40));
    expect(explained.stdout).toContain('50.00');
    expect(explained.stdout).toContain('黑榜');
    // rules are named as a clerk reads them, never by a section number of the specification
    expect(explained.stdout).toContain('【黑榜】');
    expect(explained.stdout).not.toMatch(/§|\b5\.\d+\b/);
    const json = JSON.parse((await ok('explain', '2025-H1', uscc(40), '--json')).stdout);
    expect(json).toMatchObject({ uscc: uscc(40), composite: 50, list: 'black', complaints: 765 });
    expect(json.complaintsPer1000).toMatch(/^\d+(\.\d+)?$/);
    expect(json.explanation.rules.length).toBeGreaterThan(0);

    await ok('rounds', 'create', '2025-H2');
    await ok('rounds', 'open', '2025-H2');
    writeFileSync(join(dir, 'bad-street.csv'), stringify([['项目编号', '得分'], [projectCode(1, 1), '九十'], ['NOPE', '80'], [projectCode(1, 2), '100.001']]));
    const bad = await run('scores', 'import', '2025-H2', '--source', 'street', join(dir, 'bad-street.csv'));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('第 2 行');
    expect(bad.stderr).toContain('第 3 行');
    expect(bad.stderr).toContain('第 4 行');
    expect(bad.stderr).toContain('NOPE');
    const results = await run('rounds', 'close', '2025-H2', '--json');
    const report = JSON.parse(results.stdout);
    expect(report.problems.join('')).toContain('10200 个项目缺少街道评分');
  });

  it('refuses workflow steps out of order with exit code 3 and a Chinese reason', async () => {
    const r = await run('rounds', 'publish', '2025-H1');
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('已计算');
    const compute = await run('rounds', 'compute', '2025-H2');
    expect(compute.code).toBe(3);
    expect(compute.stderr).toMatch(/缺少|街道/);
    const usage = await run('rounds', 'create', '2025-H3');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('YYYY-H1');
  });
});
