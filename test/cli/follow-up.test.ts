/**
 * The follow-up of black-listed firms through the CLI: two firms black in H1 — one fails its re-inspection, one passes — black
 * again in H2; only the first gets a disqualification proposal; once approved it is absent from the
 * next round. In H2 an objection holds up publication until it is decided; upheld, the input is
 * corrected, the recompute shows the changed lists, and the audit log says who changed what and why.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { makeUscc } from '../../src/domain/uscc';
import { hhb, hhbOk, closeCliDatabases } from './cli-harness';
import { backends, testDatabase } from './backends';

afterAll(closeCliDatabases);

const N = 20;
const uscc = (i: number) => makeUscc(`9122028400001${String(i).padStart(3, '0')}0`);
/** Firm i's score in every source: 95, 93, … 61 for firms 1–18; 55 and 50 for the last two. */
const target = (i: number) => (i === 19 ? 55 : i === 20 ? 50 : 97 - 2 * i);
const FAILS = 20; // re-inspection fails
const PASSES = 19; // re-inspection passes

function writeRoundFiles(dir: string, round: string, streetOverride: Record<number, number> = {}): void {
  const ids = Array.from({ length: N }, (_, j) => j + 1);
  writeFileSync(join(dir, `${round}-street.csv`), stringify([['项目编号', '得分'], ...ids.map((i) => [`P${i}`, String(streetOverride[i] ?? target(i))])]));
  writeFileSync(join(dir, `${round}-summary.csv`), stringify([['项目编号', '有效样本数', '平均分'], ...ids.map((i) => [`P${i}`, '80', String(target(i))])]));
  writeFileSync(join(dir, `${round}-regulator.csv`), stringify([['统一社会信用代码', '部门', '得分'], ...ids.map((i) => [uscc(i), '市城管执法局', String(target(i))])]));
}

describe.each(backends())('follow-up, objections and disqualification on %s', (backend) => {
  let dir: string;
  let db: string;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hhb-follow-'));
    ({ url: db, drop } = await testDatabase(backend, dir));
    const ids = Array.from({ length: N }, (_, j) => j + 1);
    writeFileSync(join(dir, 'firms.csv'), stringify([['统一社会信用代码', '企业名称'], ...ids.map((i) => [uscc(i), `第${i}物业公司`])]));
    writeFileSync(
      join(dir, 'projects.csv'),
      stringify([['项目编号', '项目名称', '街道', '物业企业统一社会信用代码', '户数'], ...ids.map((i) => [`P${i}`, `第${i}小区`, '东宁街道', uscc(i), '100'])]),
    );
    writeRoundFiles(dir, '2025-H1');
    // H2: firm 1's street score was keyed as 36 instead of 95 — the subject of its objection.
    writeRoundFiles(dir, '2025-H2', { 1: 36 });
    writeFileSync(join(dir, 'corrected.csv'), stringify([['项目编号', '得分', '备注'], ['P1', '95', '异议成立，更正录入错误']]));
  });
  afterAll(async () => {
    await drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const at = (isoLocal: string) => new Date(`${isoLocal}T10:00:00+08:00`);
  const run = (when: string, ...args: string[]) => hhb(args, { db, cwd: dir, now: at(when) });
  const ok = (when: string, ...args: string[]) => hhbOk(args, { db, cwd: dir, now: at(when) });
  const results = async (code: string) => JSON.parse((await ok('2026-03-01', 'results', code, '--json')).stdout) as { firms: { uscc: string; list: string | null; rank: number }[] };
  const listed = (r: { firms: { uscc: string; list: string | null }[] }, list: string) => r.firms.filter((f) => f.list === list).map((f) => f.uscc);

  async function roundThrough(code: string, open: string, close: string): Promise<void> {
    await ok(open, 'rounds', 'create', code);
    await ok(open, 'rounds', 'open', code);
    for (const [source, file] of [['street', 'street'], ['resident-summary', 'summary'], ['regulator', 'regulator']]) {
      await ok(open, 'scores', 'import', code, '--source', source as string, join(dir, `${code}-${file}.csv`));
    }
    await ok(close, 'rounds', 'close', code);
    await ok(close, 'rounds', 'compute', code);
  }

  it('runs H1 to publication with two black firms and records their re-inspections', async () => {
    await ok('2025-01-04', 'firms', 'import', join(dir, 'firms.csv'));
    await ok('2025-01-04', 'projects', 'import', join(dir, 'projects.csv'));
    await roundThrough('2025-H1', '2025-01-05', '2025-07-01');
    await ok('2025-07-10', 'rounds', 'publicize', '2025-H1');
    const early = await run('2025-07-12', 'rounds', 'publish', '2025-H1');
    expect(early.code).toBe(3);
    expect(early.stderr).toContain('公示期');
    await ok('2025-07-20', 'rounds', 'publish', '2025-H1');
    const h1 = await results('2025-H1');
    expect(listed(h1, 'black').sort()).toEqual([uscc(PASSES), uscc(FAILS)].sort());
    expect(listed(h1, 'red')).toEqual([uscc(1), uscc(2)]);
    await ok('2025-08-25', 'rectifications', 'reinspect', '2025-H1', uscc(FAILS), '--result', 'failed', '--note', '主要问题未整改');
    await ok('2025-08-25', 'rectifications', 'reinspect', '2025-H1', uscc(PASSES), '--result', 'passed');
  }, 180_000);

  it('records the interviews with the black firms, once each, not before they were scheduled', async () => {
    const pending = await ok('2025-07-21', 'interviews', 'list', '--pending', '--json');
    expect(JSON.parse(pending.stdout).interviews.map((i: { uscc: string }) => i.uscc).sort()).toEqual([uscc(PASSES), uscc(FAILS)].sort());
    const early2 = await run('2025-07-21', 'interviews', 'record', '2025-H1', uscc(FAILS), '--on', '2025-07-19', '--note', '约谈法定代表人');
    expect(early2.code).toBe(2);
    expect(early2.stderr).toContain('早于安排约谈的日期 2025-07-20');
    await ok('2025-07-22', 'interviews', 'record', '2025-H1', uscc(FAILS), '--note', '约谈法定代表人，责令限期整改');
    const again = await run('2025-07-23', 'interviews', 'record', '2025-H1', uscc(FAILS), '--note', '再记一次');
    expect(again.code).toBe(3);
    const left = JSON.parse((await ok('2025-07-23', 'interviews', 'list', '--pending', '--json')).stdout).interviews;
    expect(left.map((i: { uscc: string }) => i.uscc)).toEqual([uscc(PASSES)]);
    const history = JSON.parse((await ok('2025-07-23', 'firm', uscc(FAILS), '--json')).stdout);
    expect(history.rounds.find((r: { round: string }) => r.round === '2025-H1').interview).toMatchObject({ heldOn: '2025-07-22', note: '约谈法定代表人，责令限期整改' });
  }, 120_000);

  it('holds H2 publication on an undecided objection; upheld, the corrected input changes the red list', async () => {
    await roundThrough('2025-H2', '2025-07-06', '2026-01-04');
    const before = await results('2025-H2');
    expect(listed(before, 'red')).toEqual([uscc(2), uscc(3)]);
    await ok('2026-01-10', 'rounds', 'publicize', '2025-H2');
    await ok('2026-01-12', 'objections', 'file', '2025-H2', uscc(1), '--reason', '本企业第1小区的街道评分应为95分，录入为36分', '--evidence', '街道评分表原件.pdf');
    const twice = await run('2026-01-12', 'objections', 'file', '2025-H2', uscc(1), '--reason', '再次提出同一异议内容');
    expect(twice.code).toBe(3);

    const refused = await run('2026-01-20', 'rounds', 'publish', '2025-H2');
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('异议');
    const pending = JSON.parse((await ok('2026-01-20', 'objections', 'list', '2025-H2', '--json')).stdout);
    expect(pending[0]).toMatchObject({ decision: null, overdue: true });

    await ok('2026-01-21', 'objections', 'decide', '2025-H2', uscc(1), '--decision', 'upheld', '--reason', '核对街道评分表原件，确属录入错误');
    await ok('2026-01-21', 'rounds', 'reopen', '2025-H2', '--reason', '异议成立，更正第1小区街道评分');
    await ok('2026-01-21', 'scores', 'import', '2025-H2', '--source', 'street', join(dir, 'corrected.csv'));
    await ok('2026-01-21', 'rounds', 'close', '2025-H2');
    const recomputed = await ok('2026-01-21', 'rounds', 'compute', '2025-H2');
    expect(recomputed.stdout).toContain('与上次计算相比');
    expect(recomputed.stdout).toMatch(/第1物业公司：综合得分 83\.20 → 95\.00，排名 \d+ → 1，榜单 — → 红榜/);
    expect(recomputed.stdout).toMatch(/第3物业公司：.*榜单 红榜 → —/);
    const after = await results('2025-H2');
    expect(listed(after, 'red')).toEqual([uscc(1), uscc(2)]);

    await ok('2026-01-22', 'rounds', 'publicize', '2025-H2');
    await ok('2026-01-30', 'rounds', 'publish', '2025-H2');

    const audit = JSON.parse((await ok('2026-01-30', 'audit', 'log', '--entity', '2025-H2', '--limit', '100', '--json')).stdout) as { action: string; actor: string; reason: string | null }[];
    const decide = audit.find((a) => a.action === 'objection.decide');
    expect(decide).toMatchObject({ actor: expect.stringMatching(/^cli:/), reason: '核对街道评分表原件，确属录入错误' });
    expect(audit.find((a) => a.action === 'round.reopen')?.reason).toContain('更正第1小区街道评分');
    expect(audit.some((a) => a.action === 'scores.import.street')).toBe(true);
    expect((await ok('2026-01-30', 'audit', 'verify')).stdout).toContain('哈希链无断裂');
  });

  it('proposes disqualification only for the firm whose rectification failed, and keeps it out of the next round once approved', async () => {
    const h2 = await results('2025-H2');
    expect(listed(h2, 'black').sort()).toEqual([uscc(PASSES), uscc(FAILS)].sort());
    const proposals = JSON.parse((await ok('2026-02-01', 'proposals', 'list', '--json')).stdout) as { id: number; uscc: string; kind: string; round: string }[];
    const disq = proposals.filter((p) => p.kind === 'disqualification');
    expect(disq.map((p) => p.uscc)).toEqual([uscc(FAILS)]);
    expect(disq[0]?.round).toBe('2025-H2');

    await ok('2026-02-02', 'proposals', 'decide', String(disq[0]?.id), '--decision', 'approved', '--reason', '连续两期黑榜且整改不合格，经局务会研究批准');
    const history = JSON.parse((await ok('2026-02-02', 'firm', uscc(FAILS), '--json')).stdout);
    expect(history.status).toBe('disqualified');
    expect(history.rounds.map((r: { list: string }) => r.list)).toEqual(['black', 'black']);
    expect(history.rounds[0].rectification.result).toBe('failed');

    await ok('2026-02-03', 'rounds', 'create', '2026-H1');
    const opened = await ok('2026-02-03', 'rounds', 'open', '2026-H1');
    expect(opened.stdout).toContain(`参评企业 ${N - 1} 家`);
  });
});
