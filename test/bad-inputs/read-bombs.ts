/**
 * Reads each zip bomb named on the command line through the import reader, in a process of its own,
 * and prints as JSON how each read ended and how far the process's peak memory rose above where it
 * stood before the first: the corpus test's memory bound, measured where nothing else runs (a test
 * worker shares its process's memory with the test files running beside it).
 *
 *   node --import tsx test/bad-inputs/read-bombs.ts street-scores bomb-text.xlsx …
 */
import { type ImportKind, streamImport } from '../../src/imports';

async function main(): Promise<void> {
  const [kind, ...files] = process.argv.slice(2) as [ImportKind, ...string[]];
  const before = process.resourceUsage().maxRSS * 1024;
  const results: { file: string; code: string | null }[] = [];
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

void main();
