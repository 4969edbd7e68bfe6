/**
 * Backup benchmark (SPEC §9, §11): a generated province (bench/province) loaded into PostgreSQL
 * through the real imports, then `hhb db backup` and `hhb db restore` timed, each in its own
 * process, with the file's size and each process's peak RSS (it must stay flat as the rows grow:
 * rows stream, no table is held in memory).
 *
 *   npx tsx bench/backup.ts [--responses 1000000] [--firms 20000] [--projects 100000] [--streets 1000] [--pglite] [--keep]
 *
 * --pglite also restores the file into an embedded data folder and backs that up again.
 * DATABASE_URL (else postgres://postgres@127.0.0.1:5432/test) names the server; the databases are
 * created and dropped, the files go to a temporary folder removed afterwards (--keep keeps both).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory from 'knex';
import type { DatabaseConfig } from '../src/config';
import { restoreBackup, writeBackup } from '../src/db/backup';
import { createDb } from '../src/db/knex-factory';
import { migrateLatest } from '../src/db/migrate';
import { DEFAULT_SIZES, generateProvince, type ProvinceSizes } from './province/generate';
import { peakRssMb, positiveIntArg } from './measure';

interface StepResult {
  seconds: number;
  peakRssMb: number;
  detail: unknown;
}

const database = (where: string): DatabaseConfig => (/^postgres/.test(where) ? { kind: 'postgres', url: where } : { kind: 'pglite', dataDir: where });

/** One timed step in this process (run as `backup.ts step <backup|restore> <database> <file>`). */
async function step(kind: string, where: string, file: string): Promise<void> {
  const db = await createDb(database(where), { migrate: false });
  const t0 = process.hrtime.bigint();
  let detail: unknown;
  try {
    if (kind === 'backup') detail = await writeBackup(db.knex, file, { createdAt: new Date().toISOString() });
    else {
      detail = await restoreBackup(db.knex, file, { actor: 'bench' });
      await migrateLatest(db.knex);
    }
  } finally {
    await db.close();
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  process.stdout.write(`${JSON.stringify({ seconds, peakRssMb: peakRssMb(), detail })}\n`);
}

function runStep(label: string, args: string[]): Promise<StepResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', 'tsx/cjs', __filename, 'step', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`step ${label} exited with ${code}`));
      const result = JSON.parse(out.trim().split('\n').pop() as string) as StepResult;
      console.log(`${label.padEnd(26)} ${result.seconds.toFixed(2).padStart(8)} s  峰值 RSS ${String(result.peakRssMb).padStart(5)} MB`);
      resolve(result);
    });
  });
}

const PROVINCE_STEP = join(__dirname, 'province', 'step.ts');

function provinceStep(url: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', 'tsx/cjs', PROVINCE_STEP, url, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`province step ${args.join(' ')} exited with ${code}`))));
  });
}

async function main(): Promise<void> {
  const sizes: ProvinceSizes = {
    firms: positiveIntArg('firms', DEFAULT_SIZES.firms),
    projects: positiveIntArg('projects', DEFAULT_SIZES.projects),
    streets: positiveIntArg('streets', DEFAULT_SIZES.streets),
    responses: positiveIntArg('responses', 1_000_000),
  };
  const keep = process.argv.includes('--keep');
  const serverUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
  const tag = randomBytes(4).toString('hex');
  const names = [`hhb_backup_${tag}`, `hhb_restore_${tag}`];
  const urls = names.map((n) => {
    const u = new URL(serverUrl);
    u.pathname = `/${n}`;
    return u.toString();
  });
  const [sourceUrl, targetUrl] = urls as [string, string];
  const dir = mkdtempSync(join(tmpdir(), 'hhb-backup-bench-'));
  const admin = knexFactory({ client: 'pg', connection: serverUrl, pool: { min: 0, max: 1 } });
  for (const n of names) await admin.raw(`create database ${n}`);
  try {
    let t = process.hrtime.bigint();
    const files = await generateProvince(dir, sizes);
    console.log(`省级数据（${(Number(process.hrtime.bigint() - t) / 1e9).toFixed(1)} s）：${Object.entries(files.counts).map(([k, n]) => `${k} ${n.toLocaleString('en')}`).join('，')}`);
    t = process.hrtime.bigint();
    await (await createDb({ kind: 'postgres', url: sourceUrl })).close();
    await provinceStep(sourceUrl, ['master', 'streets', files.streets]);
    await provinceStep(sourceUrl, ['master', 'firms', files.firms]);
    await provinceStep(sourceUrl, ['master', 'projects', files.projects]);
    await provinceStep(sourceUrl, ['create']);
    await provinceStep(sourceUrl, ['open']);
    await provinceStep(sourceUrl, ['import', 'resident', files.survey]);
    console.log(`载入 PostgreSQL（真实导入）${(Number(process.hrtime.bigint() - t) / 1e9).toFixed(1)} s\n`);

    const file = join(dir, 'province.hhb');
    const backup = await runStep('备份（PostgreSQL）', ['backup', sourceUrl, file]);
    const summary = backup.detail as { rows: number; bytes: number };
    console.log(`  ${summary.rows.toLocaleString('en')} 行，文件 ${(statSync(file).size / 1e6).toFixed(1)} MB，${Math.round(summary.rows / backup.seconds).toLocaleString('en')} 行/秒`);
    const restore = await runStep('恢复（PostgreSQL，空库）', ['restore', targetUrl, file]);
    console.log(`  ${Math.round(summary.rows / restore.seconds).toLocaleString('en')} 行/秒（含校验全文件、审计链校验）`);
    if (process.argv.includes('--pglite')) {
      const folder = join(dir, 'embedded');
      await runStep('恢复（内置数据库，空库）', ['restore', folder, file]);
      await runStep('备份（内置数据库）', ['backup', folder, join(dir, 'embedded.hhb')]);
      console.log(`  文件 ${(statSync(join(dir, 'embedded.hhb')).size / 1e6).toFixed(1)} MB`);
    }
  } finally {
    if (!keep) {
      for (const n of names) await admin.raw(`drop database if exists ${n} with (force)`);
      rmSync(dir, { recursive: true, force: true });
    } else console.log(`保留：数据库 ${names.join('、')}，文件 ${dir}`);
    await admin.destroy();
  }
}

if (process.argv[2] === 'step') {
  step(process.argv[3] as string, process.argv[4] as string, process.argv[5] as string).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
