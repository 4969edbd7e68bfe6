/**
 * Feeds each zip bomb of the bad-input corpus to streamImport and prints how long it took to be
 * refused and how much the resident set grew. A bomb must be refused, never read to the end.
 *
 *   npx tsx bench/bombs.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { streamImport } from '../src/imports';
import { writeCorpus } from '../test/bad-inputs/corpus';

const BOMBS = ['bomb-text.xlsx', 'bomb-space.xlsx', 'bomb-rows.xlsx', 'bomb-cells.xlsx', 'bomb-lying.xlsx', 'bomb-4gb.xlsx'];

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'hhb-bombs-'));
  try {
    await writeCorpus(dir);
    for (const name of BOMBS) {
      const before = process.memoryUsage().rss;
      const started = process.hrtime.bigint();
      let outcome = '读完（不应发生）';
      try {
        for await (const batch of streamImport('street-scores', join(dir, name))) void batch;
      } catch (error) {
        const first = (error as { details?: Array<{ message: string }> }).details?.[0]?.message;
        outcome = `拒收：${(error as Error).message}${first ? `（${first}）` : ''}`;
      }
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const grew = (process.memoryUsage().rss - before) / 1024 ** 2;
      console.log(`${name.padEnd(16)} ${ms.toFixed(0).padStart(6)} ms  RSS +${grew.toFixed(0)} MB  ${outcome}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
