/**
 * The database `hhb demo --year <y> --no-reports` leaves, for the test files that start from the
 * sample city rather than test the demo itself (the README's lines, backup and restore).
 *
 * The demo takes most of a test file's time, and its database depends only on the program: it is
 * built once per version of the program (a hash of src/, cli/, bin/, migrations/, the lock file and
 * the test code that builds it) in this process's `hhb` harness, kept in the temporary folder with
 * what the command printed, and copied into each test's folder. One test process builds it while
 * any other waits (a lock folder, taken over when its builder has gone); a changed program builds a
 * new one and removes the older.
 */
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CliRun, hhb, releaseDatabase } from '../cli/cli-harness';
import { filesHash, filesUnder } from './files';

const PREFIX = 'hhb-jest-demo-';
/** A builder that has held the lock this long has died: its lock is taken over. */
const STALE_LOCK_MS = 10 * 60_000;

/** What the demo's database depends on: the program's source, its migrations and its dependencies. */
function programHash(): string {
  return filesHash([
    ...['src', 'cli', 'bin', 'migrations'].flatMap(filesUnder),
    'package-lock.json',
    // and how this file runs the demo: the harness (its clock) and the migrated template it starts from
    'test/cli/cli-harness.ts',
    'test/support/test-db.ts',
    'test/support/demo-database.ts',
  ]);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Builds the demo database into `built` (a folder holding `data/` and `run.json`). */
async function build(year: number, built: string): Promise<void> {
  const partial = `${built}.${randomBytes(4).toString('hex')}.part`;
  mkdirSync(partial, { recursive: true });
  const data = join(partial, 'data');
  const run = await hhb(['demo', '--year', String(year), '--no-reports', '--out', join(partial, 'reports')], { db: data, cwd: partial });
  await releaseDatabase(data);
  if (run.code !== 0) {
    rmSync(partial, { recursive: true, force: true });
    throw new Error(`hhb demo --year ${year} --no-reports 退出码 ${run.code}：${run.stderr}`);
  }
  rmSync(join(partial, 'reports'), { recursive: true, force: true });
  writeFileSync(join(partial, 'run.json'), JSON.stringify(run));
  renameSync(partial, built);
}

async function builtDemo(year: number): Promise<string> {
  const name = `${PREFIX}${programHash()}-${year}`;
  const built = join(tmpdir(), name);
  const lock = `${built}.lock`;
  for (;;) {
    if (existsSync(built)) return built;
    try {
      mkdirSync(lock);
    } catch {
      // Another test process is building it: wait, unless it has been at it for too long.
      const since = statSync(lock, { throwIfNoEntry: false })?.mtimeMs;
      if (since !== undefined && Date.now() - since > STALE_LOCK_MS) rmSync(lock, { recursive: true, force: true });
      await sleep(250);
      continue;
    }
    try {
      if (!existsSync(built)) await build(year, built);
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
    // Builds of older versions of the program (a lock or part file of a build under way stays).
    for (const old of readdirSync(tmpdir()).filter((n) => n.startsWith(PREFIX) && n.endsWith(`-${year}`) && n !== name)) {
      rmSync(join(tmpdir(), old), { recursive: true, force: true });
    }
    return built;
  }
}

/**
 * Fills the data folder `dataDir` (which must not exist yet) with the sample city of `year` as
 * `hhb demo --year <year> --no-reports` leaves it, and returns what that command printed.
 */
export async function demoDatabase(dataDir: string, year: number): Promise<CliRun> {
  const built = await builtDemo(year);
  cpSync(join(built, 'data'), dataDir, { recursive: true });
  return JSON.parse(readFileSync(join(built, 'run.json'), 'utf8')) as CliRun;
}
