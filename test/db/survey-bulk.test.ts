import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { DomainError } from '../../src/domain/errors';
import { loadSurveyResponses, type SurveyResponseRecord } from '../../src/db/survey-bulk';
import { backends, useTestDb } from '../support/test-db';
import { aFirm, aProject, aRound, aStreet, openRound } from './fixtures';

async function* fromArrays(...batches: SurveyResponseRecord[][]): AsyncIterable<SurveyResponseRecord[]> {
  for (const b of batches) yield b;
}

async function anOpenRoundWithProjects(knex: Knex, projects = 2): Promise<{ roundId: number; projectIds: number[] }> {
  const street = await aStreet(knex);
  const firm = await aFirm(knex);
  const projectIds: number[] = [];
  for (let i = 0; i < projects; i += 1) projectIds.push((await aProject(knex, { firmId: firm.id, street, households: 5000 })).id);
  const round = await aRound(knex);
  await openRound(knex, round.id);
  return { roundId: round.id, projectIds };
}

const count = async (knex: Knex, table: string, roundId: number): Promise<number> =>
  Number((await knex(table).where({ round_id: roundId }).count('* as n').first())?.n ?? 0);

describe.each(backends())('loadSurveyResponses (%s)', (kind) => {
  const t = useTestDb(kind);

  it('loads every response, and a later load replaces a household\'s answer and keeps the old one in history', async () => {
    const { roundId, projectIds } = await anOpenRoundWithProjects(t.knex);
    const [a, b] = projectIds as [number, number];
    const first = await loadSurveyResponses(
      t.knex,
      { roundId, enteredBy: 'bureau', importId: null },
      fromArrays(
        [{ projectId: a, household: '1-101', score: 10000 }, { projectId: a, household: '1-102', score: 8000 }],
        [{ projectId: b, household: '1-101', score: 6000 }, { projectId: b, household: 'say "hi",\n再见', score: 4000 }],
      ),
    );
    expect(first).toEqual({ rows: 4, inserted: 4, replaced: 0 });
    const second = await loadSurveyResponses(
      t.knex,
      { roundId, enteredBy: 'contractor', importId: null },
      fromArrays([{ projectId: a, household: '1-101', score: 2000 }, { projectId: a, household: '1-103', score: 6000 }]),
    );
    expect(second).toEqual({ rows: 2, inserted: 1, replaced: 1 });
    const rows = await t.knex('survey_responses').where({ round_id: roundId }).orderBy(['project_id', 'household']);
    expect(rows.map((r: { project_id: number; household: string; score: number; entered_by: string }) => [r.project_id, r.household, r.score, r.entered_by])).toEqual([
      [a, '1-101', 2000, 'contractor'],
      [a, '1-102', 8000, 'bureau'],
      [a, '1-103', 6000, 'contractor'],
      [b, '1-101', 6000, 'bureau'],
      [b, 'say "hi",\n再见', 4000, 'bureau'],
    ]);
    const history = await t.knex('survey_response_history').where({ round_id: roundId });
    expect(history.map((h: { project_id: number; household: string; score: number }) => [h.project_id, h.household, h.score])).toEqual([[a, '1-101', 10000]]);
  });

  it('writes nothing when a batch late in the file throws', async () => {
    const { roundId, projectIds } = await anOpenRoundWithProjects(t.knex);
    const p = projectIds[0] as number;
    async function* failing(): AsyncIterable<SurveyResponseRecord[]> {
      for (let i = 0; i < 5; i += 1) yield Array.from({ length: 1000 }, (_, j) => ({ projectId: p, household: `${i}-${j}`, score: 8000 }));
      throw new DomainError('IMPORT_INVALID', '第 5002 行：得分无效');
    }
    await expect(loadSurveyResponses(t.knex, { roundId, enteredBy: 'x', importId: null }, failing())).rejects.toMatchObject({ code: 'IMPORT_INVALID' });
    expect(await count(t.knex, 'survey_responses', roundId)).toBe(0);
    // The connection is usable afterwards and the staging table is gone with the transaction.
    const ok = await loadSurveyResponses(t.knex, { roundId, enteredBy: 'x', importId: null }, fromArrays([{ projectId: p, household: 'a', score: 1 }]));
    expect(ok.rows).toBe(1);
  });

  it('rolls back the caller\'s transaction with it, including what the caller wrote', async () => {
    const { roundId, projectIds } = await anOpenRoundWithProjects(t.knex);
    const p = projectIds[0] as number;
    await expect(
      t.knex.transaction(async (trx) => {
        await trx('imports').insert({ round_id: roundId, kind: 'survey-responses', file_name: 'a.csv', sha256: 'b'.repeat(64), rows: 2, entered_by: 'x' });
        await loadSurveyResponses(trx, { roundId, enteredBy: 'x', importId: null }, fromArrays([{ projectId: p, household: 'a', score: 1 }]));
        await loadSurveyResponses(trx, { roundId, enteredBy: 'x', importId: null }, fromArrays([{ projectId: p, household: 'b', score: 20000 }]));
      }),
    ).rejects.toMatchObject({ code: 'INPUT_INVALID', message: expect.stringContaining('0–100') });
    expect(await count(t.knex, 'survey_responses', roundId)).toBe(0);
    expect(await count(t.knex, 'imports', roundId)).toBe(0);
  });

  it('rejects one household twice in one load (new or already answered), and a project outside the round\'s snapshot, writing nothing', async () => {
    const { roundId, projectIds } = await anOpenRoundWithProjects(t.knex);
    const p = projectIds[0] as number;
    const dup = loadSurveyResponses(t.knex, { roundId, enteredBy: 'x', importId: null }, fromArrays([{ projectId: p, household: 'h', score: 1 }], [{ projectId: p, household: 'h', score: 2 }]));
    await expect(dup).rejects.toMatchObject({ code: 'INPUT_INVALID', details: { duplicates: [{ projectId: p, household: 'h' }] } });
    await loadSurveyResponses(t.knex, { roundId, enteredBy: 'x', importId: null }, fromArrays([{ projectId: p, household: 'old', score: 1 }]));
    const again = loadSurveyResponses(t.knex, { roundId, enteredBy: 'x', importId: null }, fromArrays([{ projectId: p, household: 'old', score: 2 }, { projectId: p, household: 'old', score: 3 }]));
    await expect(again).rejects.toMatchObject({ code: 'INPUT_INVALID', details: { duplicates: [{ projectId: p, household: 'old' }] } });
    expect(await t.knex('survey_responses').where({ round_id: roundId }).select('household', 'score')).toEqual([{ household: 'old', score: 1 }]);
    expect(await count(t.knex, 'survey_response_history', roundId)).toBe(0);
    await t.knex('survey_responses').where({ round_id: roundId }).delete();
    const stranger = (await aProject(t.knex, { firmId: (await aFirm(t.knex)).id, street: await aStreet(t.knex) })).id;
    const outside = loadSurveyResponses(t.knex, { roundId, enteredBy: 'x', importId: null }, fromArrays([{ projectId: stranger, household: 'h', score: 1 }]));
    await expect(outside).rejects.toMatchObject({ code: 'INPUT_INVALID', details: { projectIds: [stranger] } });
    expect(await count(t.knex, 'survey_responses', roundId)).toBe(0);
  });

  it('keeps the references the table does not declare: snapshot project, import, and their deletion', async () => {
    const { roundId, projectIds } = await anOpenRoundWithProjects(t.knex);
    const p = projectIds[0] as number;
    const badImport = t.knex('survey_responses').insert({ round_id: roundId, project_id: p, household: 'h', score: 1, entered_by: 'x', import_id: 987654 });
    await expect(badImport).rejects.toMatchObject({ code: '23503', constraint: 'survey_responses_import_fkey' });
    const [imp] = (await t.knex('imports').insert({ round_id: roundId, kind: 'survey-responses', file_name: 'a.csv', sha256: 'c'.repeat(64), rows: 1, entered_by: 'x' }).returning('id')) as { id: number }[];
    await loadSurveyResponses(t.knex, { roundId, enteredBy: 'x', importId: Number(imp?.id) }, fromArrays([{ projectId: p, household: 'h', score: 1 }]));
    await expect(t.knex('imports').where({ id: imp?.id }).delete()).rejects.toMatchObject({ code: '23503', constraint: 'survey_responses_import_fkey' });
    await expect(t.knex('round_projects').where({ round_id: roundId, project_id: p }).delete()).rejects.toMatchObject({
      code: '23503',
      constraint: 'survey_responses_round_project_fkey',
    });
    expect(await t.knex('round_projects').where({ round_id: roundId, project_id: p })).toHaveLength(1);
  });
});

const killDescribe = backends().includes('postgres') ? describe : describe.skip;

killDescribe('loadSurveyResponses killed with SIGKILL (postgres)', () => {
  const t = useTestDb('postgres');

  it('leaves no rows when the importing process is killed mid-way', async () => {
    const { roundId, projectIds } = await anOpenRoundWithProjects(t.knex, 20);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hhb-kill-')), 'survey.csv');
    const out = fs.createWriteStream(file);
    out.write('project_id,household,score\n');
    const total = 400_000;
    for (let i = 0; i < total; i += 1) out.write(`${projectIds[i % 20]},${Math.floor(i / 20)}-${i % 7},${(i * 37) % 10001}\n`);
    await new Promise<void>((resolve) => out.end(resolve));

    const child = spawn(
      process.execPath,
      // `node --import tsx`, one process: the tsx CLI would run the script in a grandchild the kill misses.
      ['--import', 'tsx', path.join(__dirname, 'support/import-child.ts'), t.db.url as string, String(roundId), file, '25'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    await new Promise<void>((resolve, reject) => {
      let seen = '';
      const onData = (d: Buffer): void => {
        seen += d.toString();
        if ((seen.match(/batch \d+/g)?.length ?? 0) >= 10) {
          child.stdout.off('data', onData);
          resolve();
        }
      };
      child.stdout.on('data', onData);
      child.once('exit', (code) => reject(new Error(`child exited ${String(code)} before it could be killed: ${stderr}`)));
    });
    // Mid-way: the server is inside the COPY with rows already received, and nothing is committed.
    const progress = (
      await t.knex.raw(
        `select p.tuples_processed from pg_stat_progress_copy p join pg_stat_activity a on a.pid = p.pid where a.application_name = 'hhb_kill_test'`,
      )
    ).rows as { tuples_processed: string }[];
    expect(progress).toHaveLength(1);
    const received = Number(progress[0]?.tuples_processed);
    expect(received).toBeGreaterThan(0);
    expect(received).toBeLessThan(total);
    child.removeAllListeners('exit');
    child.kill('SIGKILL');
    await new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
    expect(child.signalCode).toBe('SIGKILL');

    // The server notices the dead client and aborts its transaction; wait for the backend to go.
    for (let i = 0; i < 100; i += 1) {
      const active = (await t.knex.raw(`select count(*) as n from pg_stat_activity where application_name = 'hhb_kill_test'`)).rows[0].n;
      if (Number(active) === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await count(t.knex, 'survey_responses', roundId)).toBe(0);
    expect(await count(t.knex, 'survey_response_history', roundId)).toBe(0);
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });
});
