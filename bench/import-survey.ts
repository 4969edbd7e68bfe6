/**
 * Bulk survey import benchmark (SPEC §9): 1,000,000 responses as CSV, imported into PostgreSQL
 * through loadSurveyResponses (csv-parse streaming, batches of 10,000), against a bare COPY of the
 * same rows into the same table. Prints rows/s, the ratio, and peak RSS.
 *
 *   npx tsx bench/import-survey.ts [rows]     (DATABASE_URL or TEST_DATABASE_URL, else the local server)
 *
 * Target: import ≥ 0.5 × bare COPY rate, peak RSS < 300 MB. A scratch database is created and dropped.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { parse } from 'csv-parse';
import knexFactory from 'knex';
import { from as copyFrom } from 'pg-copy-streams';
import { createDb } from '../src/db/knex-factory';
import { loadSurveyResponses, type SurveyResponseRecord } from '../src/db/survey-bulk';

const ROWS = Number(process.argv[2] ?? 1_000_000);
const PROJECTS = 2000;
const BATCH = 10_000;
const serverUrl = process.env.DATABASE_URL || process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

let peakRss = 0;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 20);
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

async function writeFile(file: string, line: (i: number) => string, header: string | null): Promise<void> {
  const out = fs.createWriteStream(file);
  if (header !== null) out.write(header);
  let chunk = '';
  for (let i = 0; i < ROWS; i += 1) {
    chunk += line(i);
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      chunk = '';
    }
  }
  out.write(chunk);
  await new Promise<void>((resolve) => out.end(resolve));
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hhb-bench-'));
  const name = `hhb_bench_${randomBytes(4).toString('hex')}`;
  const admin = knexFactory({ client: 'pg', connection: serverUrl, pool: { min: 0, max: 1 } });
  await admin.raw(`create database ${name}`);
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  const db = await createDb({ kind: 'postgres', url: u.toString() });
  const knex = db.knex;
  try {
    // A city: one street, 100 firms, 2,000 projects of 600 households; an open round with its snapshot.
    await knex('streets').insert({ code: 'S', name: '测试街道' });
    const firms = (await knex('firms')
      .insert(Array.from({ length: 100 }, (_, i) => ({ uscc: `91220000MA${String(i).padStart(8, '0')}`, name: `物业公司${i}` })))
      .returning('id')) as { id: number }[];
    const projectIds = new Map<string, number>();
    for (let start = 0; start < PROJECTS; start += 500) {
      const rows = Array.from({ length: 500 }, (_, j) => ({
        code: `P${String(start + j).padStart(5, '0')}`, name: `小区${start + j}`, street_code: 'S', firm_id: firms[(start + j) % 100]?.id, households: 600,
      }));
      for (const r of (await knex('projects').insert(rows).returning(['id', 'code'])) as { id: number; code: string }[]) projectIds.set(r.code, r.id);
    }
    const [round] = (await knex('rounds')
      .insert({ code: '2024-H1', kind: 'half', status: 'draft', rules: '{}', rules_hash: '0'.repeat(64), created_by: 'bench' })
      .returning('id')) as { id: number }[];
    const roundId = Number(round?.id);
    await knex.raw(`insert into round_firms (round_id, firm_id, name, status) select ?, id, name, status from firms`, [roundId]);
    await knex.raw(
      `insert into round_projects (round_id, project_id, firm_id, street_code, community, households, kind)
       select ?, id, firm_id, street_code, community, households, kind from projects`,
      [roundId],
    );
    await knex('rounds').where({ id: roundId }).update({ status: 'open' });

    // The import file (project code, household, score 0–100 as the survey template has them) and,
    // for the bare COPY, the same rows in the table's own shape.
    const code = (i: number): string => `P${String(i % PROJECTS).padStart(5, '0')}`;
    const household = (i: number): string => `${Math.floor(i / PROJECTS) % 40 + 1}-${Math.floor(i / PROJECTS / 40) + 1}01`;
    const score = (i: number): number => ((i * 7919) % 5) * 20 + 20;
    const importFile = path.join(dir, 'survey.csv');
    const copyFile = path.join(dir, 'copy.csv');
    await writeFile(importFile, (i) => `${code(i)},${household(i)},${score(i)}\n`, '项目编号,户号,得分\n');
    await writeFile(copyFile, (i) => `${roundId},${projectIds.get(code(i))},"${household(i)}",${score(i) * 100},bench\n`, null);
    console.log(`${ROWS.toLocaleString()} 行问卷，${PROJECTS} 个项目；文件 ${mb(fs.statSync(importFile).size)}`);

    // 1) The import path: csv-parse streaming → batches → loadSurveyResponses (staging COPY + one upsert).
    async function* batches(): AsyncIterable<SurveyResponseRecord[]> {
      const parser = fs.createReadStream(importFile).pipe(parse({ from_line: 2 }));
      let batch: SurveyResponseRecord[] = [];
      for await (const rec of parser as AsyncIterable<string[]>) {
        const projectId = projectIds.get(rec[0] as string);
        if (projectId === undefined) throw new Error(`unknown project ${rec[0]}`);
        batch.push({ projectId, household: rec[1] as string, score: Math.round(Number(rec[2]) * 100) });
        if (batch.length === BATCH) {
          yield batch;
          batch = [];
        }
      }
      if (batch.length > 0) yield batch;
    }
    global.gc?.();
    peakRss = process.memoryUsage().rss;
    let t0 = process.hrtime.bigint();
    const result = await loadSurveyResponses(knex, { roundId, enteredBy: 'bench', importId: null }, batches());
    const importSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const importPeak = peakRss;
    const importRate = result.rows / importSeconds;
    console.log(`导入 loadSurveyResponses：${result.rows.toLocaleString()} 行（新增 ${result.inserted}，替换 ${result.replaced}），${importSeconds.toFixed(2)} s，${Math.round(importRate).toLocaleString()} 行/秒，峰值 RSS ${mb(importPeak)}`);

    // 2) Bare COPY of the same rows into the same (emptied) table, same indexes, triggers and FKs.
    await knex.raw('truncate survey_responses, survey_response_history');
    await knex.raw('checkpoint');
    t0 = process.hrtime.bigint();
    const conn = (await knex.client.acquireConnection()) as { query(s: Writable): Writable };
    try {
      await pipeline(
        fs.createReadStream(copyFile),
        conn.query(copyFrom('copy survey_responses (round_id, project_id, household, score, entered_by) from stdin with (format csv)')),
      );
    } finally {
      await knex.client.releaseConnection(conn);
    }
    const copySeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const copyRate = ROWS / copySeconds;
    const copied = Number((await knex('survey_responses').count('* as n').first())?.n);
    console.log(`裸 COPY：${copied.toLocaleString()} 行，${copySeconds.toFixed(2)} s，${Math.round(copyRate).toLocaleString()} 行/秒`);
    console.log(`导入速度 / 裸 COPY = ${(importRate / copyRate).toFixed(2)}（目标 ≥ 0.50）；导入峰值 RSS ${mb(importPeak)}（目标 < 300 MB）；进程最大 RSS ${mb(process.resourceUsage().maxRSS * 1024)}`);
  } finally {
    clearInterval(sampler);
    await db.close();
    await admin.raw(`drop database if exists ${name} with (force)`);
    await admin.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
