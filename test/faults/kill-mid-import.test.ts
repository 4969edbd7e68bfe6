/**
 * The `hhb` process killed with SIGKILL in the middle of a big survey import: once rows
 * are arriving at the server (pg_stat_progress_copy), the CLI is killed; nothing of the import is
 * left (no responses, no import record, no audit entry), the round is still open, and the same
 * import run again succeeds in full. PostgreSQL only: the CLI runs as a child process on a URL.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createDb, type Db } from '../../src/db/knex-factory';
import { testDatabase } from '../cli/backends';
import { hhb, closeCliDatabases } from '../cli/cli-harness';
import { ROUND, buildCity, contextOf } from './city';

afterAll(closeCliDatabases);

const ROWS = 400_000;
const serverUrl = process.env.TEST_DATABASE_URL;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function writeSurvey(path: string, codes: string[]): Promise<void> {
  const out = createWriteStream(path);
  out.write('项目编号,户号,得分\n');
  let chunk = '';
  for (let i = 0; i < ROWS; i += 1) {
    chunk += `${codes[i % codes.length]},${Math.floor(i / codes.length) + 1}-${(i % 7) + 1}01,${60 + (i % 41)}\n`;
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}

(serverUrl ? describe : describe.skip)('SIGKILL in the middle of `hhb scores import` (PostgreSQL, TEST_DATABASE_URL)', () => {
  let dir: string;
  let url: string;
  let drop: () => Promise<void>;
  let db: Db;
  let survey: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hhb-kill-'));
    ({ url, drop } = await testDatabase('postgres', dir));
    db = await createDb({ kind: 'postgres', url });
    const codes = await buildCity(contextOf(db.knex, 'postgres'), dir, 40);
    // Those projects' contractor summaries are replaced by individual responses: drop them first.
    await db.knex('survey_summaries').delete();
    survey = join(dir, 'big.csv');
    await writeSurvey(survey, codes);
  }, 120_000);

  afterAll(async () => {
    await db?.close();
    await drop?.();
    rmSync(dir, { recursive: true, force: true });
  });

  const counts = async () => ({
    responses: Number((await db.knex('survey_responses').count<{ n: string }[]>('* as n'))[0]?.n),
    imports: Number((await db.knex('imports').where({ kind: 'resident' }).count<{ n: string }[]>('* as n'))[0]?.n),
    audits: Number((await db.knex('audit_log').where({ action: 'scores.import.resident' }).count<{ n: string }[]>('* as n'))[0]?.n),
  });

  it('leaves nothing behind, and the import can be repeated', async () => {
    const child = spawn(process.execPath, [resolve(__dirname, '../../bin/hhb.js'), '--db', url, 'scores', 'import', ROUND, '--source', 'resident', survey], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = once(child, 'exit');
    // Wait until the server is receiving rows of this database's COPY.
    let seen = 0;
    const deadline = Date.now() + 60_000;
    while (seen === 0 && Date.now() < deadline && child.exitCode === null) {
      const progress = (await db.knex.raw(`select coalesce(max(tuples_processed), 0) as n from pg_stat_progress_copy where datname = current_database()`)).rows as { n: string }[];
      seen = Number(progress[0]?.n ?? 0);
      if (seen === 0) await sleep(20);
    }
    expect({ seen: seen > 0, exitCode: child.exitCode, error: stderr.includes('错误') }).toEqual({ seen: true, exitCode: null, error: false });
    child.kill('SIGKILL');
    const [code, signal] = await exited;
    expect({ code, signal }).toEqual({ code: null, signal: 'SIGKILL' });
    expect(seen).toBeLessThan(ROWS);

    // The server notices the closed connection and rolls the transaction back.
    for (let i = 0; i < 200; i += 1) {
      const busy = (await db.knex.raw(`select count(*) as n from pg_stat_activity where datname = current_database() and query ilike 'copy survey_responses%' and state <> 'idle'`)).rows as { n: string }[];
      if (Number(busy[0]?.n) === 0) break;
      await sleep(50);
    }
    expect(await counts()).toEqual({ responses: 0, imports: 0, audits: 0 });
    expect((await db.knex('rounds').where({ code: ROUND }).first('status')).status).toBe('open');

    const again = await hhb(['scores', 'import', ROUND, '--source', 'resident', survey], { db: url, cwd: dir });
    expect(again.code).toBe(0);
    expect(again.stderr).not.toContain('错误');
    expect(again.stdout).toContain(String(ROWS));
    expect(await counts()).toEqual({ responses: ROWS, imports: 1, audits: 1 });
  }, 180_000);
});
