/**
 * Streams a survey-responses CSV through streamImport and prints rows/s and peak RSS.
 *
 *   npx tsx bench/parse-survey.ts [--rows 1000000] [--gbk] [--file path.csv]
 *
 * Without --file it writes a file of --rows responses (Chinese five-level answers in every third
 * project, scores elsewhere) to the system's temporary folder first, and removes it afterwards.
 */
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { streamImport } from '../src/imports';

const ANSWERS = ['非常满意', '满意', '一般', '不满意', '非常不满意'];

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function writeSurvey(path: string, rows: number, gbk: boolean): Promise<void> {
  const out = createWriteStream(path);
  const encode = (s: string): Buffer => (gbk ? iconv.encode(s, 'gbk') : Buffer.from(s));
  out.write(encode('项目编号,户号,得分,满意度\n'));
  let lines: string[] = [];
  for (let i = 0; i < rows; i += 1) {
    const project = i % 100_000; // SPEC §9: 100,000 projects
    const household = `${1 + Math.floor(i / 100_000) % 30}栋${1 + (Math.floor(i / 3_000_000) % 6)}单元${100 + (i % 97)}室-${Math.floor(i / 100_000)}`;
    lines.push(project % 3 === 0 ? `P${project},${household},,${ANSWERS[i % 5]}` : `P${project},${household},${50 + (i % 50)}.${i % 10}0,`);
    if (lines.length === 10_000) {
      if (!out.write(encode(`${lines.join('\n')}\n`))) await once(out, 'drain');
      lines = [];
    }
  }
  if (lines.length) out.write(encode(`${lines.join('\n')}\n`));
  out.end();
  await once(out, 'finish');
}

async function main(): Promise<void> {
  const rows = Number(arg('--rows') ?? 1_000_000);
  const gbk = process.argv.includes('--gbk');
  let file = arg('--file');
  let dir: string | null = null;
  if (!file) {
    dir = mkdtempSync(join(tmpdir(), 'hhb-bench-'));
    file = join(dir, 'survey.csv');
    const t = process.hrtime.bigint();
    await writeSurvey(file, rows, gbk);
    console.log(`wrote ${rows.toLocaleString('en')} rows (${gbk ? 'GBK' : 'UTF-8'}, ${(statSync(file).size / 1e6).toFixed(1)} MB) in ${(Number(process.hrtime.bigint() - t) / 1e9).toFixed(1)} s`);
  }
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let peak = rssBefore;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const start = process.hrtime.bigint();
  let count = 0;
  let batches = 0;
  try {
    for await (const batch of streamImport('survey-responses', file, {}, { batchSize: 10_000 })) {
      count += batch.length;
      batches += 1;
    }
  } finally {
    clearInterval(sampler);
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  peak = Math.max(peak, process.memoryUsage().rss);
  const mb = (b: number): string => `${(b / 1024 / 1024).toFixed(0)} MB`;
  console.log(`streamImport: ${count.toLocaleString('en')} rows in ${batches} batches, ${seconds.toFixed(1)} s, ${Math.round(count / seconds).toLocaleString('en')} rows/s`);
  console.log(`RSS before ${mb(rssBefore)}, peak ${mb(peak)} (sampled every 50 ms), max RSS of the process ${mb(process.resourceUsage().maxRSS * 1024)}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
