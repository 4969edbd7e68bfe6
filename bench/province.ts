/**
 * Province benchmark (SPEC §9): a generated province imported, opened, closed, computed
 * and reported through the real use cases on PostgreSQL, each step in its own process, printing its
 * time and peak RSS, beside the same run's reference figures: a bare COPY of the responses into a
 * scratch copy of the table, and one SQL query computing the household-weighted resident means.
 *
 *   npx tsx bench/province.ts [--firms 20000] [--projects 100000] [--streets 1000] [--responses 1000000]
 *   npx tsx bench/province.ts --responses 10000000        # the full province (about 20 minutes here)
 *
 * DATABASE_URL (else postgres://postgres@127.0.0.1:5432/test) names the server; a fresh database is
 * created and dropped, and the files go to a temporary folder removed afterwards (--keep keeps both).
 *
 * Targets: import ≥ 0.5 × bare COPY; compute ≤ 3 × the reference query; peak RSS of every step < 1 GB.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory from 'knex';
import { createDb } from '../src/db/knex-factory';
import { DEFAULT_SIZES, generateProvince, writeCopyFile, type ProvinceSizes } from './province/generate';
import { ROUND } from './province/step';
import { positiveIntArg } from './measure';

interface StepResult {
  step: string;
  seconds: number;
  peakRssMb: number;
  detail: unknown;
}

const STEP = join(__dirname, 'province', 'step.ts');

function runStep(url: string, label: string, args: string[]): Promise<StepResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', 'tsx/cjs', STEP, url, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`step ${label} exited with ${code}`));
      const result = JSON.parse(out.trim().split('\n').pop() as string) as StepResult;
      result.step = label;
      const detail = result.detail === null ? '' : `  ${JSON.stringify(result.detail)}`;
      console.log(`${label.padEnd(22)} ${result.seconds.toFixed(2).padStart(8)} s  峰值 RSS ${String(result.peakRssMb).padStart(5)} MB${detail}`);
      resolve(result);
    });
  });
}

async function main(): Promise<void> {
  const sizes: ProvinceSizes = {
    firms: positiveIntArg('firms', DEFAULT_SIZES.firms),
    projects: positiveIntArg('projects', DEFAULT_SIZES.projects),
    streets: positiveIntArg('streets', DEFAULT_SIZES.streets),
    responses: positiveIntArg('responses', 1_000_000),
  };
  if (sizes.projects < sizes.firms) throw new Error('--projects must be at least --firms (every firm has a project)');
  const keep = process.argv.includes('--keep');
  const serverUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
  const name = `hhb_province_${randomBytes(4).toString('hex')}`;
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  const dir = mkdtempSync(join(tmpdir(), 'hhb-province-'));
  const admin = knexFactory({ client: 'pg', connection: serverUrl, pool: { min: 0, max: 1 } });
  await admin.raw(`create database ${name}`);
  const results: StepResult[] = [];
  try {
    let t = process.hrtime.bigint();
    const files = await generateProvince(dir, sizes);
    const genSeconds = Number(process.hrtime.bigint() - t) / 1e9;
    console.log(`省级数据（确定性生成，${genSeconds.toFixed(1)} s）：${Object.entries(files.counts).map(([k, n]) => `${k} ${n.toLocaleString('en')}`).join('，')}；问卷文件 ${(statSync(files.survey).size / 1e6).toFixed(0)} MB`);
    console.log(`数据库 ${name}，文件 ${dir}\n`);
    const db = await createDb({ kind: 'postgres', url });
    await db.close();

    const step = async (label: string, ...args: string[]): Promise<StepResult> => {
      const r = await runStep(url, label, args);
      results.push(r);
      return r;
    };
    await step('导入街道', 'master', 'streets', files.streets);
    await step('导入企业', 'master', 'firms', files.firms);
    await step('导入项目', 'master', 'projects', files.projects);
    await step('创建周期', 'create');
    await step('开始录入（快照）', 'open');

    // The reference COPY file needs the database's project ids and round id.
    const ids = await createDb({ kind: 'postgres', url }, { migrate: false });
    const projectIds = new Map<string, number>(((await ids.knex('projects').select('id', 'code')) as { id: number; code: string }[]).map((r) => [r.code, Number(r.id)]));
    const roundId = Number(((await ids.knex('rounds').where({ code: ROUND }).first('id')) as { id: number }).id);
    await ids.close();
    t = process.hrtime.bigint();
    const copyFile = join(dir, 'copy.csv');
    await writeCopyFile(copyFile, sizes, roundId, projectIds);
    projectIds.clear();
    console.log(`  (COPY 参照文件 ${(statSync(copyFile).size / 1e6).toFixed(0)} MB，${(Number(process.hrtime.bigint() - t) / 1e9).toFixed(1)} s)`);

    const copy = await step('参照：裸 COPY 问卷', 'copy', copyFile);
    const survey = await step('导入居民问卷', 'import', 'resident', files.survey);
    await step('导入问卷（重答）', 'import', 'resident', files.surveyCorrections);
    await step('导入问卷汇总', 'import', 'resident-summary', files.summary);
    await step('导入行管评分', 'import', 'regulator', files.regulator);
    await step('导入扣分表', 'import', 'deductions', files.deductions);
    await step('导入街道评分', 'import', 'street', files.street);
    await step('导入事件', 'import', 'events', files.events);
    await step('导入投诉', 'import', 'complaints', files.complaints);
    await step('停止录入（完整性）', 'close');
    await step('参照：SQL 加权均分', 'sql');
    const sql = await step('参照：SQL（再测）', 'sql');
    const compute = await step('计算', 'compute');
    await step('报告（评分卡：上榜）', 'report', join(dir, 'report'));

    const rows = files.counts.survey ?? 0;
    const importRatio = copy.seconds / survey.seconds;
    const sqlSeconds = Math.min(sql.seconds, results.find((r) => r.step === '参照：SQL 加权均分')?.seconds ?? Infinity);
    const computeRatio = compute.seconds / sqlSeconds;
    const peak = results.reduce((a, r) => (r.peakRssMb > a.peakRssMb ? r : a));
    const mark = (ok: boolean): string => (ok ? '达标' : '未达标');
    console.log('');
    console.log(`导入 ${rows.toLocaleString('en')} 行问卷：${Math.round(rows / survey.seconds).toLocaleString('en')} 行/秒；裸 COPY ${Math.round(rows / copy.seconds).toLocaleString('en')} 行/秒；比值 ${importRatio.toFixed(2)}（目标 ≥ 0.50，${mark(importRatio >= 0.5)}）`);
    const phases = compute.detail as { read?: number; engine?: number; store?: number; commit?: number };
    const stored = ((phases.store ?? 0) + (phases.commit ?? 0)).toFixed(2);
    console.log(`计算 ${compute.seconds.toFixed(2)} s（读取 ${phases.read ?? '?'} s，引擎 ${phases.engine ?? '?'} s，保存 ${stored} s 含提交）；参照 SQL ${sqlSeconds.toFixed(2)} s；比值 ${computeRatio.toFixed(2)}（目标 ≤ 3，${mark(computeRatio <= 3)}）`);
    console.log(`各步峰值 RSS 最大 ${peak.peakRssMb} MB（${peak.step}；目标 < 1024 MB，${mark(peak.peakRssMb < 1024)}）`);
  } finally {
    if (!keep) {
      await admin.raw(`drop database if exists ${name} with (force)`);
      rmSync(dir, { recursive: true, force: true });
    }
    await admin.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
