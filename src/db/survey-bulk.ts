/**
 * Bulk loading of resident survey responses (SPEC §4, §9): millions of rows, one transaction.
 *
 * Rows go into a temporary staging table — on PostgreSQL through COPY (pg-copy-streams) on the
 * transaction's own connection, on PGlite through one `INSERT … SELECT unnest(…)` per batch — and
 * then one statement moves the responses they replace into survey_response_history and upserts the
 * new ones. Anything thrown by the batches (a bad row found late in a file) or by the database rolls
 * the whole load back; a killed process leaves nothing because nothing is committed before the end.
 */
import type { Knex } from 'knex';
import { from as copyFrom } from 'pg-copy-streams';
import { DomainError } from '../domain/errors';
import { type PgCopyClient, isPostgres, writeChunk } from './copy-stream';
import { toDomainError } from './sqlstate';

export interface SurveyResponseRecord {
  projectId: number;
  household: string;
  /** Hundredths 0..10000. */
  score: number;
}

export interface SurveyLoadContext {
  roundId: number;
  enteredBy: string;
  importId: number | null;
}

export interface SurveyLoadResult {
  /** Rows received. */
  rows: number;
  /** Households answering for the first time in the round. */
  inserted: number;
  /** Households whose earlier answer was replaced (the earlier one is kept in history). */
  replaced: number;
}

const STAGE = 'hhb_survey_stage';
type Num = number | string;

class RepeatedHousehold extends Error {}

function checkRow(row: SurveyResponseRecord, index: number): void {
  if (!Number.isSafeInteger(row.projectId) || row.projectId <= 0) {
    throw new DomainError('INPUT_INVALID', `第 ${index} 条问卷的项目编号无效：${String(row.projectId)}`, { index, field: 'projectId' });
  }
  if (!Number.isInteger(row.score) || row.score < 0 || row.score > 10000) {
    throw new DomainError('INPUT_INVALID', `第 ${index} 条问卷的得分必须在 0–100 之间（以百分之一分计 0–10000）：${String(row.score)}`, { index, field: 'score' });
  }
  if (typeof row.household !== 'string' || row.household.length === 0) {
    throw new DomainError('INPUT_INVALID', `第 ${index} 条问卷缺少户号`, { index, field: 'household' });
  }
}

/** One CSV field for COPY … (FORMAT csv): always quoted, quotes doubled (households may hold anything). */
const csvText = (value: string): string => `"${value.includes('"') ? value.replace(/"/g, '""') : value}"`;

/**
 * COPY of the rows into the staging table, or (`direct`) straight into survey_responses with the
 * load's round, author and import on every row.
 */
async function stageWithCopy(
  trx: Knex.Transaction,
  batches: AsyncIterable<SurveyResponseRecord[]>,
  direct: SurveyLoadContext | null = null,
): Promise<number> {
  // Inside a transaction knex hands back the transaction's own connection (a pg.Client).
  const client = (await trx.client.acquireConnection()) as PgCopyClient;
  const target = direct ? 'survey_responses (round_id, project_id, household, score, entered_by, import_id)' : `${STAGE} (project_id, household, score)`;
  const prefix = direct ? `${direct.roundId},` : '';
  const suffix = direct ? `,${csvText(direct.enteredBy)},${direct.importId ?? ''}` : '';
  const stream = client.query(copyFrom(`copy ${target} from stdin with (format csv)`));
  const finished = new Promise<void>((resolve, reject) => {
    stream.once('finish', resolve);
    stream.once('error', reject);
  });
  finished.catch(() => undefined); // observed below; avoid an unhandled rejection while batches run
  let count = 0;
  try {
    for await (const batch of batches) {
      let chunk = '';
      for (const row of batch) {
        count += 1;
        checkRow(row, count);
        chunk += `${prefix}${row.projectId},${csvText(row.household)},${row.score}${suffix}\n`;
      }
      if (chunk !== '') await writeChunk(stream, chunk);
    }
  } catch (error) {
    // CopyFail: the server ends the COPY with an error, the transaction is then rolled back.
    stream.destroy(error instanceof Error ? error : new Error(String(error)));
    await finished.catch(() => undefined);
    throw error;
  }
  stream.end();
  await finished;
  return count;
}

async function stageWithUnnest(trx: Knex.Transaction, batches: AsyncIterable<SurveyResponseRecord[]>): Promise<number> {
  let count = 0;
  for await (const batch of batches) {
    if (batch.length === 0) continue;
    const projects: number[] = [];
    const households: string[] = [];
    const scores: number[] = [];
    for (const row of batch) {
      count += 1;
      checkRow(row, count);
      projects.push(row.projectId);
      households.push(row.household);
      scores.push(row.score);
    }
    await trx.raw(`insert into ${STAGE} (project_id, household, score) select * from unnest(?::int[], ?::text[], ?::int[])`, [
      projects,
      households,
      scores,
    ]);
  }
  return count;
}

/** The statement trigger's reference check: a project not in the round's snapshot. */
function outsideSnapshotError(error: unknown): DomainError | null {
  const e = error as { code?: unknown; constraint?: unknown; detail?: unknown };
  if (e.code === '23503' && e.constraint === 'survey_responses_round_project_fkey') {
    const projectId = Number(String(e.detail ?? '').match(/=\(\d+, (\d+)\)/)?.[1]);
    return new DomainError('INPUT_INVALID', `问卷中的项目不属于本评价周期的项目快照（项目 id：${projectId}）`, { projectIds: [projectId] });
  }
  return null;
}

/** A failed direct COPY: a household twice (primary key), a project outside the snapshot, or other. */
function directLoadError(error: unknown): unknown {
  const e = error as { code?: unknown; constraint?: unknown; detail?: unknown };
  if (e.code === '23505' && e.constraint === 'survey_responses_pkey') {
    const m = /=\(\d+, (\d+), (.*)\) already exists/.exec(String(e.detail ?? ''));
    const dup = m ? [{ projectId: Number(m[1]), household: m[2] as string }] : [];
    return new DomainError(
      'INPUT_INVALID',
      `同一户号在本次导入中出现多次（${dup.map((d) => `项目 id ${d.projectId} 户号 ${d.household}`).join('、') || '见数据库报告'}）：同一户在一个文件中只能有一条问卷`,
      { duplicates: dup },
    );
  }
  return outsideSnapshotError(error) ?? error;
}

async function loadInTransaction(
  trx: Knex.Transaction,
  ctx: SurveyLoadContext,
  batches: AsyncIterable<SurveyResponseRecord[]>,
  postgres: boolean,
): Promise<SurveyLoadResult> {
  // The round's first load (10 million rows at province scale) replaces nothing: on PostgreSQL it is
  // copied straight into the table — the staging pass and the upsert doubled the server's work and
  // kept the import under a fifth of a bare COPY (bench/province.ts). A household twice in the load
  // then hits the primary key.
  if (postgres && !(await trx('survey_responses').where({ round_id: ctx.roundId }).first(trx.raw('1')))) {
    try {
      const rows = await stageWithCopy(trx, batches, ctx);
      // Statistics for the rows just loaded (a sample, a fraction of a second at ten million): without
      // them the planner takes the round for a few thousand answers, and the next correction file
      // scans all of them instead of probing the key of each household it names.
      await trx.raw('analyze survey_responses');
      return { rows, inserted: rows, replaced: 0 };
    } catch (error) {
      throw directLoadError(error);
    }
  }
  await trx.raw(`create temporary table ${STAGE} (project_id integer not null, household text not null, score integer not null) on commit drop`);
  const rows = postgres ? await stageWithCopy(trx, batches) : await stageWithUnnest(trx, batches);
  if (rows === 0) {
    await trx.raw(`drop table ${STAGE}`);
    return { rows: 0, inserted: 0, replaced: 0 };
  }
  await trx.raw(`analyze ${STAGE}`);

  // One statement, in a savepoint so that a duplicate can still be reported from this transaction:
  // replaced answers go to history, their rows are updated, new households are inserted in key
  // order. (A plain ordered INSERT runs at COPY speed; INSERT … ON CONFLICT took 2.4× as long.)
  // All three parts see the table as it was before the statement.
  let replaced: number;
  try {
    replaced = await trx.transaction(async (sp) => {
      // Reach the round's answers through the primary key, one probe a staged row: under the default
      // random_page_cost (4, a spinning disk's) the planner scans and hashes every answer of the round
      // instead, so a correction file of ten thousand households paid for all ten million. Pages here
      // are cached or on SSD, where 1.1 prices an index probe as it costs; a load as large as the
      // round still gets the scan. Local to this transaction.
      await sp.raw('set local random_page_cost = 1.1');
      const [row] = (
        await sp.raw(
          `with moved as (
             insert into survey_response_history (round_id, project_id, household, score, entered_by, entered_at, import_id, superseded_by_import)
             select r.round_id, r.project_id, r.household, r.score, r.entered_by, r.entered_at, r.import_id, ?
               from survey_responses r join ${STAGE} s on r.project_id = s.project_id and r.household = s.household
              where r.round_id = ?
             returning project_id, household
           ), updated as (
             update survey_responses r set score = s.score, entered_by = ?, entered_at = now(), import_id = ?
               from ${STAGE} s
              where r.round_id = ? and r.project_id = s.project_id and r.household = s.household
           ), added as (
             insert into survey_responses (round_id, project_id, household, score, entered_by, entered_at, import_id)
             select ?, s.project_id, s.household, s.score, ?, now(), ? from ${STAGE} s
              where not exists (select 1 from survey_responses r where r.round_id = ? and r.project_id = s.project_id and r.household = s.household)
              order by s.project_id, s.household
           )
           select count(*) as replaced, count(*) - count(distinct (project_id, household)) as repeated from moved`,
          [ctx.importId, ctx.roundId, ctx.enteredBy, ctx.importId, ctx.roundId, ctx.roundId, ctx.enteredBy, ctx.importId, ctx.roundId],
        )
      ).rows as { replaced: Num; repeated: Num }[];
      // A household already answered and twice in this load: the update would silently pick one.
      if (Number(row?.repeated ?? 0) > 0) throw new RepeatedHousehold();
      return Number(row?.replaced ?? 0);
    });
  } catch (error) {
    const e = error as { code?: unknown; constraint?: unknown; detail?: unknown };
    // A new household twice in this load hits the primary key; one already answered is found above.
    if (error instanceof RepeatedHousehold || (e.code === '23505' && e.constraint === 'survey_responses_pkey')) {
      const dups = (await trx.raw(`select project_id, household from ${STAGE} group by 1, 2 having count(*) > 1 order by 1, 2 limit 10`))
        .rows as { project_id: Num; household: string }[];
      // No repeat here: another load committed the same household meanwhile.
      if (dups.length === 0) throw toDomainError(error) ?? error;
      throw new DomainError(
        'INPUT_INVALID',
        `同一户号在本次导入中出现多次（${dups.map((d) => `项目 id ${d.project_id} 户号 ${d.household}`).join('、')}）：同一户在一个文件中只能有一条问卷`,
        { duplicates: dups.map((d) => ({ projectId: Number(d.project_id), household: d.household })) },
      );
    }
    throw outsideSnapshotError(error) ?? toDomainError(error) ?? error;
  }
  // Dropped now rather than at commit: a caller's transaction may load more than once.
  await trx.raw(`drop table ${STAGE}`);
  // Every staged row was inserted or replaced one (a household twice is refused above).
  return { rows, inserted: rows - replaced, replaced };
}

/**
 * Loads survey responses in one transaction: `db` may be a transaction the caller holds (the import
 * record and audit go in it too) or a knex, in which case a transaction is opened here.
 */
export async function loadSurveyResponses(
  db: Knex | Knex.Transaction,
  ctx: SurveyLoadContext,
  batches: AsyncIterable<SurveyResponseRecord[]>,
): Promise<SurveyLoadResult> {
  const postgres = isPostgres(db);
  try {
    if (db.isTransaction) return await loadInTransaction(db as Knex.Transaction, ctx, batches, postgres);
    return await db.transaction((trx) => loadInTransaction(trx, ctx, batches, postgres));
  } catch (error) {
    throw toDomainError(error) ?? error;
  }
}
