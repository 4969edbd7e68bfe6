/**
 * Reads each zip bomb named on the command line through the import reader, in a process of its own,
 * and prints as JSON how each read ended and how far the process's peak memory rose above where it
 * stood before the first: the corpus test's memory bound, measured where nothing else runs (a test
 * worker shares its process's memory with the test files running beside it).
 *
 *   node --import tsx test/support/read-bombs.ts street-scores bomb-text.xlsx …
 *
 * Tests call it through `readBombs`.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { type ImportKind, streamImport } from '../../src/imports';
import { ROOT } from './files';

export interface BombReads {
  /** Each file and the code of the error its read ended with (null: it was read to the end). */
  results: { file: string; code: string | null }[];
  peakGrowthBytes: number;
}

/** Reads the files as `kind` in a process of its own (this file run as a script); what it printed. */
export async function readBombs(kind: ImportKind, files: string[]): Promise<BombReads> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', __filename, kind, ...files], { cwd: ROOT });
  return JSON.parse(stdout) as BombReads;
}

async function main(): Promise<void> {
  const [kind, ...files] = process.argv.slice(2) as [ImportKind, ...string[]];
  const before = process.resourceUsage().maxRSS * 1024;
  const results: BombReads['results'] = [];
  for (const file of files) {
    let code: string | null = null;
    try {
      for await (const batch of streamImport(kind, file)) void batch;
    } catch (error) {
      code = (error as { code?: string }).code ?? String(error);
    }
    results.push({ file, code });
  }
  process.stdout.write(JSON.stringify({ results, peakGrowthBytes: process.resourceUsage().maxRSS * 1024 - before }));
}

if (require.main === module) void main();
