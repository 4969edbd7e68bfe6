import { PassThrough } from 'node:stream';
import { runCli } from '../../cli/run';
import type { CliIo } from '../../cli/io';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

function sink(): PassThrough & { text(): string } {
  const s = new PassThrough() as PassThrough & { text(): string };
  const chunks: Buffer[] = [];
  s.on('data', (c: Buffer) => chunks.push(c));
  s.text = () => Buffer.concat(chunks).toString('utf8');
  return s;
}

/** Runs `hhb …` in-process against the given database with a fixed clock. */
export async function hhb(args: string[], opts: { db: string; cwd: string; now?: Date }): Promise<CliRun> {
  const stdout = sink();
  const stderr = sink();
  const now = opts.now ?? new Date('2025-07-01T02:00:00Z');
  const io: CliIo = { stdout, stderr, env: {}, cwd: opts.cwd, now: () => now };
  const code = await runCli(['node', 'hhb', '--db', opts.db, ...args], io);
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}
