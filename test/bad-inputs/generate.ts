/**
 * Writes the bad-input corpus to a folder, with manifest.json listing each case (what is wrong,
 * the hhb arguments, the exit code and message expected):  npx tsx test/bad-inputs/generate.ts <dir>
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeCorpus } from './corpus';

async function main(): Promise<void> {
  const dir = resolve(process.argv[2] ?? 'bad-inputs-corpus');
  const cases = await writeCorpus(dir);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(cases.map((c) => ({ ...c, message: c.message.source })), null, 2));
  console.log(`${cases.length} 个坏输入写入 ${dir}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
