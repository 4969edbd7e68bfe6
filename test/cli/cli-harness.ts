import { resolve } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { runCli } from '../../cli/run';
import type { CliIo, OpenDatabases } from '../../cli/io';
import { type Db, createDb } from '../../src/db/knex-factory';
import { openPgliteFolder } from '../support/test-db';

/**
 * The databases of this test file, each opened once and kept open across its `hhb` runs (opening a
 * data folder costs seconds, a PostgreSQL pool and its migration check tens of milliseconds; a
 * command on an open database, milliseconds), closed after the file. A test of what a command does
 * when the server goes away passes `reopen: true`, and its commands open their own as `hhb` does.
 */
const folders = new Map<string, Promise<Db>>();
const keptOpen: OpenDatabases = {
  open(database) {
    const key = database.kind === 'pglite' ? database.dataDir : database.url;
    let db = folders.get(key);
    if (db === undefined) {
      db = database.kind === 'pglite' ? openPgliteFolder(database.dataDir) : createDb(database, { migrate: false });
      folders.set(key, db);
    }
    return db;
  },
  async release(dataDir) {
    const db = folders.get(dataDir);
    folders.delete(dataDir);
    if (db) await (await db).close();
  },
};

/** The open database of an embedded data folder that this file's `hhb` runs use (opened now if need be). */
export async function keptDatabase(dataDir: string): Promise<Db> {
  const db = await keptOpen.open({ kind: 'pglite', dataDir: resolve(dataDir) });
  if (db === null) throw new Error('not an embedded data folder');
  return db;
}

/** Closes this file's open database of an embedded data folder, so that another process may open it. */
export async function releaseDatabase(dataDir: string): Promise<void> {
  await keptOpen.release(resolve(dataDir));
}

/**
 * Closes every database this file's `hhb` runs opened: each test file that runs `hhb` here registers
 * it, `afterAll(closeCliDatabases)` (the harness module is shared by the files of one test worker).
 */
export async function closeCliDatabases(): Promise<void> {
  for (const dir of [...folders.keys()]) await keptOpen.release(dir).catch(() => {});
}

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
/** Runs `hhb …` like `hhb`, and throws with its stderr unless it exits 0 (for the steps that set a test up). */
export async function hhbOk(args: string[], opts: Parameters<typeof hhb>[1]): Promise<CliRun> {
  const r = await hhb(args, opts);
  if (r.code !== 0) throw new Error(`hhb ${args.join(' ')} exited ${String(r.code)}: ${r.stderr}`);
  return r;
}

export async function hhb(args: string[], opts: { db: string; cwd: string; now?: Date; reopen?: boolean; stdin?: string }): Promise<CliRun> {
  const stdout = sink();
  const stderr = sink();
  const now = opts.now ?? new Date('2025-07-01T02:00:00Z');
  const io: CliIo & { stdin?: Readable } = { stdout, stderr, env: {}, cwd: opts.cwd, now: () => now, ...(opts.reopen ? {} : { databases: keptOpen }), ...(opts.stdin !== undefined ? { stdin: Readable.from([opts.stdin]) } : {}) };
  const code = await runCli(['node', 'hhb', '--db', opts.db, ...args], io);
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}
