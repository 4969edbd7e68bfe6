/**
 * The online survey's tables (SPEC §10): the server secret, household codes (stored only as keyed
 * hashes) and online answers. An online answer's score is written to survey_responses, the
 * "individual responses" form of the project, so that computing a round reads it unchanged; the
 * answer it replaces, online or from a file, goes to survey_response_history like any replaced
 * response.
 */
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { toDomainError } from './sqlstate';

type Db = Knex | Knex.Transaction;
type Num = number | string;

/** Who entered an online answer, as survey_responses records it. */
export const ONLINE_ENTERED_BY = 'online';

/** The 32-byte server secret, created with the first code (random), read once per database handle. */
const secrets = new WeakMap<object, Buffer>();
export async function surveySecret(db: Db): Promise<Buffer> {
  const cached = secrets.get(db);
  if (cached) return cached;
  await db.raw(`insert into survey_secret (id, secret) values (1, ?) on conflict (id) do nothing`, [randomBytes(32)]);
  const row = (await db('survey_secret').where({ id: 1 }).first('secret')) as { secret: Buffer | Uint8Array } | undefined;
  if (!row) throw new Error('survey_secret has no row after insert');
  const secret = Buffer.from(row.secret);
  // A transaction's handle dies with it; only the long-lived knex is worth remembering.
  if (!('isTransaction' in db && db.isTransaction)) secrets.set(db, secret);
  return secret;
}

export interface SnapshotProject {
  projectId: number;
  code: string;
  name: string;
  streetCode: string;
  households: number;
}

/** The round's snapshotted projects (optionally of one street, or one project), by project code. */
export async function snapshotProjects(db: Db, roundId: number, filter: { streetCode?: string; projectCode?: string }): Promise<SnapshotProject[]> {
  const q = db('round_projects as rp')
    .join('projects as p', 'p.id', 'rp.project_id')
    .where('rp.round_id', roundId)
    .select('rp.project_id', 'p.code', 'p.name', 'rp.street_code', 'rp.households')
    .orderBy('p.code');
  if (filter.streetCode !== undefined) void q.where('rp.street_code', filter.streetCode);
  if (filter.projectCode !== undefined) void q.where('p.code', filter.projectCode);
  const rows = (await q) as { project_id: Num; code: string; name: string; street_code: string; households: Num }[];
  return rows.map((r) => ({ projectId: Number(r.project_id), code: r.code, name: r.name, streetCode: r.street_code, households: Number(r.households) }));
}

/** Revokes every live code of these projects in the round; returns how many per project. */
export async function revokeLiveCodes(trx: Knex.Transaction, roundId: number, projectIds: readonly number[], at: Date): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  if (projectIds.length === 0) return out;
  const rows = (await trx('survey_codes')
    .where('round_id', roundId)
    .whereIn('project_id', projectIds)
    .whereNull('revoked_at')
    .update({ revoked_at: at })
    .returning('project_id')) as { project_id: Num }[];
  for (const r of rows) out.set(Number(r.project_id), (out.get(Number(r.project_id)) ?? 0) + 1);
  return out;
}

export interface NewCode {
  projectId: number;
  household: string;
  codeHash: string;
}

export async function insertCodes(trx: Knex.Transaction, roundId: number, codes: readonly NewCode[], issuedBy: string, at: Date): Promise<void> {
  const rows = codes.map((c) => ({ round_id: roundId, project_id: c.projectId, household: c.household, code_hash: c.codeHash, issued_by: issuedBy, issued_at: at }));
  try {
    for (let i = 0; i < rows.length; i += 1000) await trx('survey_codes').insert(rows.slice(i, i + 1000));
  } catch (error) {
    throw toDomainError(error) ?? error;
  }
}

export interface CodeRecord {
  id: number;
  roundId: number;
  roundCode: string;
  roundStatus: string;
  projectId: number;
  projectCode: string;
  projectName: string;
  household: string;
  revokedAt: Date | null;
  /** The round's rules hash (the questionnaire is part of the rules). */
  rulesHash: string;
}

/** A code's row joined with its round and project, as both lookups select it. */
interface CodeRow {
  id: Num;
  round_id: Num;
  round_code: string;
  round_status: string;
  rules_hash: string;
  project_id: Num;
  project_code: string;
  project_name: string;
  household: string;
  revoked_at: Date | null;
}

function codeRecordOf(row: CodeRow): CodeRecord {
  return {
    id: Number(row.id),
    roundId: Number(row.round_id),
    roundCode: row.round_code,
    roundStatus: row.round_status,
    projectId: Number(row.project_id),
    projectCode: row.project_code,
    projectName: row.project_name,
    household: row.household,
    revokedAt: row.revoked_at,
    rulesHash: row.rules_hash,
  };
}

/** The code with this keyed hash (live or revoked), with its round and project; `lock` holds it to the end of the transaction. */
export async function findCodeByHash(db: Db, codeHash: string, { lock = false } = {}): Promise<CodeRecord | null> {
  const q = db('survey_codes as c')
    .join('rounds as r', 'r.id', 'c.round_id')
    .join('projects as p', 'p.id', 'c.project_id')
    .where('c.code_hash', codeHash)
    .first('c.id', 'c.round_id', 'r.code as round_code', 'r.status as round_status', 'r.rules_hash', 'c.project_id', 'p.code as project_code', 'p.name as project_name', 'c.household', 'c.revoked_at');
  if (lock) void q.forUpdate('c');
  const row = (await q) as CodeRow | undefined;
  return row ? codeRecordOf(row) : null;
}

export interface OnlineAnswer {
  roundId: number;
  projectId: number;
  household: string;
  codeId: number;
  answers: Record<string, string>;
  comment: string | null;
  /** Hundredths 0..10000. */
  score: number;
  at: Date;
  /** When the page last showed the code's questionnaire (null: never, e.g. an answer through the API). */
  openedAt: Date | null;
  addressHash: string | null;
  agentHash: string | null;
}

/**
 * Stores a household's online answer and its score as the household's individual response,
 * replacing the one it had (online or from a file; the replaced response goes to history).
 * The caller holds the code's row lock, so answers with one code are stored one after another.
 * Returns whether an earlier response of the household was replaced.
 */
export async function storeOnlineAnswer(trx: Knex.Transaction, a: OnlineAnswer): Promise<{ replaced: boolean }> {
  // One statement (every part sees the table as it was before it): the household's response, if
  // any, goes to history, the new score replaces it, and the online answer is upserted.
  try {
    const answers = JSON.stringify(a.answers);
    const rows = (
      await trx.raw(
        `with moved as (
           insert into survey_response_history (round_id, project_id, household, score, entered_by, entered_at, import_id)
           select round_id, project_id, household, score, entered_by, entered_at, import_id
             from survey_responses where round_id = :round and project_id = :project and household = :household
           returning 1
         ), response as (
           insert into survey_responses (round_id, project_id, household, score, entered_by, entered_at, import_id)
           values (:round, :project, :household, :score, :by, :at, null)
           on conflict (round_id, project_id, household)
           do update set score = excluded.score, entered_by = excluded.entered_by, entered_at = excluded.entered_at, import_id = null
           returning 1
         ), online as (
           insert into survey_online_answers (round_id, project_id, household, code_id, answers, comment, score, answered_at, opened_at, address_hash, agent_hash)
           values (:round, :project, :household, :code, :answers::jsonb, :comment, :score, :at, :opened, :address, :agent)
           on conflict (round_id, project_id, household)
           do update set code_id = excluded.code_id, answers = excluded.answers, comment = excluded.comment, score = excluded.score,
                         answered_at = excluded.answered_at, opened_at = excluded.opened_at, address_hash = excluded.address_hash, agent_hash = excluded.agent_hash,
                         submissions = survey_online_answers.submissions + 1
           returning 1
         )
         select (select count(*) from moved) as moved, (select count(*) from response) as response, (select count(*) from online) as online`,
        {
          round: a.roundId,
          project: a.projectId,
          household: a.household,
          score: a.score,
          by: ONLINE_ENTERED_BY,
          at: a.at,
          opened: a.openedAt,
          code: a.codeId,
          answers,
          comment: a.comment,
          address: a.addressHash,
          agent: a.agentHash,
        },
      )
    ).rows as { moved: Num }[];
    return { replaced: Number(rows[0]?.moved ?? 0) > 0 };
  } catch (error) {
    throw toDomainError(error) ?? error;
  }
}

/**
 * The code with this keyed hash and its round's status, the code's row locked for update (answers
 * with one code are stored one after another) and the round's row share-locked (closing the round
 * waits for answers being stored, and they for a close under way), both to the end of the transaction.
 */
export async function lockCodeAndRound(trx: Knex.Transaction, codeHash: string): Promise<(CodeRecord & { excluded: boolean; openedAt: Date | null }) | null> {
  const rows = (
    await trx.raw(
      `select c.id, c.round_id, r.code as round_code, r.status as round_status, r.rules_hash, c.project_id, p.code as project_code, p.name as project_name, c.household, c.revoked_at, c.opened_at,
              exists (select 1 from survey_online_answers a where a.round_id = c.round_id and a.project_id = c.project_id and a.household = c.household and a.exclusion_id is not null) as excluded
         from survey_codes c join rounds r on r.id = c.round_id join projects p on p.id = c.project_id
        where c.code_hash = ?
        for update of c for share of r`,
      [codeHash],
    )
  ).rows as (CodeRow & { opened_at: Date | string | null; excluded: boolean })[];
  const row = rows[0];
  if (!row) return null;
  return { ...codeRecordOf(row), excluded: row.excluded, openedAt: row.opened_at === null ? null : new Date(row.opened_at) };
}

export interface IssuedCodeCount {
  projectId: number;
  live: number;
  revoked: number;
}

/** Live and revoked codes per project of a round. */
export async function codeCounts(db: Db, roundId: number): Promise<IssuedCodeCount[]> {
  const rows = (await db('survey_codes')
    .where({ round_id: roundId })
    .groupBy('project_id')
    .orderBy('project_id')
    .select('project_id', db.raw('count(*) filter (where revoked_at is null) as live'), db.raw('count(*) filter (where revoked_at is not null) as revoked'))) as {
    project_id: Num;
    live: Num;
    revoked: Num;
  }[];
  return rows.map((r) => ({ projectId: Number(r.project_id), live: Number(r.live), revoked: Number(r.revoked) }));
}

export interface OnlineAnswerRow {
  projectCode: string;
  household: string;
  answeredAt: Date;
  /** When the page showed the questionnaire before this answer; null when it did not. */
  openedAt: Date | null;
  answers: Record<string, string>;
  addressHash: string | null;
}

/** Every current online answer of a round not excluded, with its project's code (for the anomaly report). */
export async function onlineAnswerRows(db: Db, roundId: number): Promise<OnlineAnswerRow[]> {
  const rows = (await db('survey_online_answers as a')
    .join('projects as p', 'p.id', 'a.project_id')
    .where('a.round_id', roundId)
    .whereNull('a.exclusion_id')
    .orderBy(['p.code', 'a.answered_at'])
    .select('p.code', 'a.household', 'a.answered_at', 'a.opened_at', 'a.answers', 'a.address_hash')) as {
    code: string;
    household: string;
    answered_at: Date | string;
    opened_at: Date | string | null;
    answers: unknown;
    address_hash: string | null;
  }[];
  return rows.map((r) => ({
    projectCode: r.code,
    household: r.household,
    answeredAt: new Date(r.answered_at),
    openedAt: r.opened_at === null ? null : new Date(r.opened_at),
    answers: (typeof r.answers === 'string' ? JSON.parse(r.answers) : r.answers) as Record<string, string>,
    addressHash: r.address_hash,
  }));
}

export interface ProjectSurveyProgress {
  code: string;
  name: string;
  streetCode: string;
  firmUscc: string;
  households: number;
  /** Live household codes. */
  codes: number;
  /** Households that answered online (not excluded). */
  online: number;
  /** Online answers excluded by the bureau. */
  excluded: number;
  /** Individual responses of every origin (online and files). */
  responses: number;
  /** Individual responses from files (not online). */
  fromFiles: number;
  /** Online answers of households numbered 1…户数 (codes issued without a roster). */
  numberedOnline: number;
}

/**
 * Projects of the round with online answers of numbered households (codes issued without a roster)
 * and individual responses from files as well: the two cannot be matched household by household.
 */
export async function projectsMixingOnlineAndFiles(db: Db, roundId: number): Promise<{ code: string; name: string }[]> {
  return (
    await db.raw(
      `select p.code, p.name
         from round_projects rp
         join projects p on p.id = rp.project_id
        where rp.round_id = ?
          and exists (select 1 from survey_online_answers a where a.round_id = rp.round_id and a.project_id = rp.project_id and a.household ~ '^[0-9]+$')
          and exists (select 1 from survey_responses r where r.round_id = rp.round_id and r.project_id = rp.project_id and r.entered_by <> ?)
        order by p.code`,
      [roundId, ONLINE_ENTERED_BY],
    )
  ).rows as { code: string; name: string }[];
}

/** Per snapshotted project of the round: codes issued, online answers, individual responses. */
export async function projectSurveyProgress(db: Db, roundId: number): Promise<ProjectSurveyProgress[]> {
  const rows = (
    await db.raw(
      `select p.code, p.name, rp.street_code, f.uscc, rp.households,
              (select count(*) from survey_codes c where c.round_id = rp.round_id and c.project_id = rp.project_id and c.revoked_at is null) as codes,
              (select count(*) from survey_online_answers a where a.round_id = rp.round_id and a.project_id = rp.project_id and a.exclusion_id is null) as online,
              (select count(*) from survey_online_answers a where a.round_id = rp.round_id and a.project_id = rp.project_id and a.exclusion_id is not null) as excluded,
              (select count(*) from survey_responses r where r.round_id = rp.round_id and r.project_id = rp.project_id) as responses,
              (select count(*) from survey_responses r where r.round_id = rp.round_id and r.project_id = rp.project_id and r.entered_by <> ?) as from_files,
              (select count(*) from survey_online_answers a where a.round_id = rp.round_id and a.project_id = rp.project_id and a.household ~ '^[0-9]+$') as numbered_online
         from round_projects rp
         join projects p on p.id = rp.project_id
         join firms f on f.id = rp.firm_id
        where rp.round_id = ?
        order by p.code`,
      [ONLINE_ENTERED_BY, roundId],
    )
  ).rows as { code: string; name: string; street_code: string; uscc: string; households: Num; codes: Num; online: Num; excluded: Num; responses: Num; from_files: Num; numbered_online: Num }[];
  return rows.map((r) => ({
    code: r.code,
    name: r.name,
    streetCode: r.street_code,
    firmUscc: r.uscc,
    households: Number(r.households),
    codes: Number(r.codes),
    online: Number(r.online),
    excluded: Number(r.excluded),
    responses: Number(r.responses),
    fromFiles: Number(r.from_files),
    numberedOnline: Number(r.numbered_online),
  }));
}

export interface ResidentComment {
  projectCode: string;
  projectName: string;
  /** The day it was (last) answered, yyyy-mm-dd in China time. */
  day: string;
  comment: string;
}

/**
 * The residents' comments of a round (optionally of one project), without any household
 * identifier: no household number, code, address or time of day.
 */
export interface ResidentCommentFilter {
  /** One project (by code). */
  projectCode?: string | undefined;
  /** The projects a firm manages in the round's snapshot (by USCC). */
  firmUscc?: string | undefined;
  /** Only the newest this many, newest first (otherwise by project, day and text). */
  newest?: number | undefined;
}

export async function residentComments(db: Db, roundId: number, f: ResidentCommentFilter = {}): Promise<ResidentComment[]> {
  const q = db('survey_online_answers as a')
    .join('projects as p', 'p.id', 'a.project_id')
    .where('a.round_id', roundId)
    .whereNotNull('a.comment')
    .select('p.code', 'p.name', db.raw(`to_char(a.answered_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as day`), 'a.comment');
  if (f.projectCode !== undefined) void q.where('p.code', f.projectCode);
  if (f.firmUscc !== undefined) {
    void q
      .join('round_projects as rp', (j) => j.on('rp.round_id', 'a.round_id').andOn('rp.project_id', 'a.project_id'))
      .join('firms as f', 'f.id', 'rp.firm_id')
      .where('f.uscc', f.firmUscc);
  }
  if (f.newest !== undefined) void q.orderBy([{ column: 'a.answered_at', order: 'desc' }, { column: 'p.code' }]).limit(f.newest);
  else void q.orderBy([{ column: 'p.code' }, { column: 'day' }, { column: 'a.comment' }]);
  const rows = (await q) as { code: string; name: string; day: string; comment: string }[];
  return rows.map((r) => ({ projectCode: r.code, projectName: r.name, day: r.day, comment: r.comment }));
}

/** Whether the household has an online answer in the round. */
export async function hasOnlineAnswer(db: Db, key: { roundId: number; projectId: number; household: string }): Promise<boolean> {
  const row = await db('survey_online_answers').where({ round_id: key.roundId, project_id: key.projectId, household: key.household }).first(db.raw('1'));
  return row !== undefined;
}

/**
 * Excludes these households' online answers of a project: an exclusion row with its reason, the
 * answers marked with it, and their scores moved from the household responses to history. Returns
 * the exclusion's id and how many answers it took.
 */
export async function excludeOnlineAnswers(
  trx: Knex.Transaction,
  e: { roundId: number; projectId: number; households: readonly string[]; reason: string; by: string; at: Date },
): Promise<{ id: number; households: number }> {
  const [row] = (await trx('survey_exclusions')
    .insert({ round_id: e.roundId, project_id: e.projectId, reason: e.reason, households: e.households.length, excluded_by: e.by, excluded_at: e.at })
    .returning('id')) as { id: Num }[];
  const id = Number(row?.id);
  const marked = (await trx('survey_online_answers')
    .where({ round_id: e.roundId, project_id: e.projectId })
    .whereIn('household', e.households)
    .whereNull('exclusion_id')
    .update({ exclusion_id: id })
    .returning('household')) as { household: string }[];
  await trx.raw(
    `with gone as (
       delete from survey_responses where round_id = ? and project_id = ? and household = any(?::text[]) and entered_by = ?
       returning round_id, project_id, household, score, entered_by, entered_at, import_id
     )
     insert into survey_response_history (round_id, project_id, household, score, entered_by, entered_at, import_id)
     select round_id, project_id, household, score, entered_by, entered_at, import_id from gone`,
    [e.roundId, e.projectId, marked.map((m) => m.household), ONLINE_ENTERED_BY],
  );
  return { id, households: marked.length };
}

export interface SurveyExclusionRow {
  projectId: number;
  projectCode: string;
  projectName: string;
  firmUscc: string;
  firmName: string;
  households: number;
  reason: string;
  by: string;
  /** yyyy-mm-dd in China time. */
  day: string;
}

/** The round's exclusions of online answers, by project code then in the order they were made. */
export async function surveyExclusions(db: Db, roundId: number): Promise<SurveyExclusionRow[]> {
  const rows = (
    await db.raw(
      `select e.project_id, p.code, p.name, f.uscc, f.name as firm_name, e.households, e.reason, e.excluded_by,
              to_char(e.excluded_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as day
         from survey_exclusions e
         join projects p on p.id = e.project_id
         join round_projects rp on rp.round_id = e.round_id and rp.project_id = e.project_id
         join firms f on f.id = rp.firm_id
        where e.round_id = ?
        order by p.code, e.id`,
      [roundId],
    )
  ).rows as { project_id: Num; code: string; name: string; uscc: string; firm_name: string; households: Num; reason: string; excluded_by: string; day: string }[];
  return rows.map((r) => ({
    projectId: Number(r.project_id),
    projectCode: r.code,
    projectName: r.name,
    firmUscc: r.uscc,
    firmName: r.firm_name,
    households: Number(r.households),
    reason: r.reason,
    by: r.excluded_by,
    day: r.day,
  }));
}

/** Notes that the page has just shown the code's questionnaire (the start of the household's answering time). */
export async function markCodeOpened(db: Db, codeId: number, at: Date): Promise<void> {
  await db('survey_codes').where({ id: codeId }).whereNull('revoked_at').update({ opened_at: at });
}
