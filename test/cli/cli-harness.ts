import { resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { runCli } from '../../cli/run';
import type { CliIo, OpenDatabases } from '../../cli/io';
import type { Db } from '../../src/db/knex-factory';
import { openPgliteFolder } from '../support/test-db';

/**
 * The embedded databases of this test file, each opened once and kept open across its `hhb` runs
 * (opening a data folder costs seconds; a command on an open database, milliseconds), closed after
 * the file. PostgreSQL is opened per command as `hhb` does, so server restarts behave as in real use.
 */
const folders = new Map<string, Promise<Db>>();
const keptOpen: OpenDatabases = {
  open(database) {
    if (database.kind !== 'pglite') return Promise.resolve(null);
    let db = folders.get(database.dataDir);
    if (db === undefined) {
      db = openPgliteFolder(database.dataDir);
      folders.set(database.dataDir, db);
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

afterAll(async () => {
  for (const dir of [...folders.keys()]) await keptOpen.release(dir).catch(() => {});
});

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
  const io: CliIo = { stdout, stderr, env: {}, cwd: opts.cwd, now: () => now, databases: keptOpen };
  const code = await runCli(['node', 'hhb', '--db', opts.db, ...args], io);
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}
