/**
 * Household codes of the online survey (户码, SPEC §10): one code per snapshotted household of each
 * project of an open round, 10 characters from an alphabet without the look-alikes 0/O/1/I/L,
 * drawn with the operating system's random generator. Only a keyed hash (HMAC-SHA256 with the
 * server secret) is stored: the codes themselves exist only in what this use case returns (the
 * letters and the mail-merge file). Issuing a project's codes again revokes its earlier ones, in
 * the same transaction, audited.
 */
import { createHmac, randomInt } from 'node:crypto';
import type { Writable } from 'node:stream';
import type { Knex } from 'knex';
import { appendAudit } from '../db/audit';
import { getRound } from '../db/rounds-repo';
import { readSettingRows } from '../db/settings-repo';
import { resolveStreet } from '../db/streets-repo';
import { type SnapshotProject, insertCodes, revokeLiveCodes, snapshotProjects, surveySecret } from '../db/survey-codes-repo';
import { DomainError, type FieldProblem } from '../domain/errors';
import { roundPeriod } from '../domain/round-code';
import { type LettersInput, renderSurveyLetters, surveyCodesCsv, writeSurveyLetters } from '../reports/survey-letters';
import type { AppContext } from './context';
import { surveyBaseUrl } from './settings';
import { type Roster, rosterProblems } from './survey-roster';

/** 31 characters: digits 2–9 and the capital letters without I, L and O. */
export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const CODE_LENGTH = 10;
const CODE_PATTERN = new RegExp(`^[${CODE_ALPHABET}]{${CODE_LENGTH}}$`);

/** 户序号 1…户数, for letters without a roster. */
function numberedHouseholds(count: number): string[] {
  const out: string[] = [];
  for (let i = 1; i <= count; i += 1) out.push(String(i));
  return out;
}

/** A fresh random code. */
export function newSurveyCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i += 1) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

/**
 * A code as a resident may type it (lower case, spaces or dashes between groups) → the code, or
 * null when it cannot be one (wrong length or a character outside the alphabet).
 */
export function normalizeSurveyCode(input: string): string | null {
  const code = input.replace(/[\s\-－]/g, '').toUpperCase();
  return CODE_PATTERN.test(code) ? code : null;
}

/** The keyed hash stored for a code. */
export function surveyCodeHash(secret: Buffer, code: string): string {
  return createHmac('sha256', secret).update(`code:${code}`).digest('hex');
}

export interface IssuedCode {
  projectCode: string;
  projectName: string;
  /** 户序号 1…户数 (or the 户号 of a roster). */
  household: string;
  code: string;
  /** `<base url>/s/<code>`, what the QR code holds. */
  url: string;
}

export interface IssueCodesInput {
  round: string;
  /** Only the projects of this street (code or name). */
  street?: string;
  /** Only this project (code). */
  project?: string;
  /** The answering deadline printed on the letters (yyyy-mm-dd); default the last day of the round's half year. */
  deadline?: string;
  /** A household roster (项目编号, 户号): codes for its 户号 instead of households numbered 1…户数. */
  roster?: { fileName: string; households: Roster };
}

export interface IssueCodesResult {
  round: string;
  /** What identifies a household on the letters: 户号 from a roster, or 户序号 1…户数. */
  householdLabel: '户号' | '户序号';
  deadline: string;
  baseUrl: string;
  projects: { code: string; name: string; households: number; revoked: number }[];
  codes: IssuedCode[];
}

function checkDeadline(value: string | undefined, fallback: string): string {
  if (value === undefined) return fallback;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value.trim());
  const date = m ? new Date(`${value.trim()}T00:00:00Z`) : null;
  if (!m || !date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value.trim()) {
    throw new DomainError('INPUT_INVALID', `截止日期（--deadline）「${value}」不是有效日期：请写成 2025-06-20 这样的年-月-日。`, [{ row: null, column: 'deadline', message: '不是日期' }]);
  }
  return value.trim();
}

async function chooseProjects(trx: Knex.Transaction, roundId: number, input: IssueCodesInput): Promise<SnapshotProject[]> {
  const streetCode = input.street === undefined ? undefined : (await resolveStreet(trx, input.street, 'street')).code;
  const projects = await snapshotProjects(trx, roundId, { streetCode, projectCode: input.project });
  if (projects.length === 0) {
    const what = [input.street !== undefined ? `街道「${input.street}」` : null, input.project !== undefined ? `项目「${input.project}」` : null].filter(Boolean).join('、');
    throw new DomainError('NOT_FOUND', `评价周期 ${input.round} 的项目快照中没有${what || '任何项目'}：户码只发给本周期参评的项目。`, [
      { row: null, column: input.project !== undefined ? 'project' : 'street', message: '没有参评项目' },
    ]);
  }
  return projects;
}

/**
 * The 户号 of each chosen project from the roster. Refuses (naming the rows) a project the round's
 * snapshot does not have, a chosen project the roster leaves out, and a project with more 户号 than
 * its snapshotted households; rows of snapshot projects not chosen (another street) are left aside.
 */
function rosterHouseholds(roster: { fileName: string; households: Roster }, chosen: readonly SnapshotProject[], snapshot: readonly SnapshotProject[]): Map<string, string[]> {
  const problems: FieldProblem[] = [];
  const known = new Map(snapshot.map((p) => [p.code, p]));
  for (const [code, list] of roster.households) {
    if (!known.has(code)) problems.push({ row: list[0]?.row ?? null, column: '项目编号', message: `项目 ${code} 不在本评价周期的项目快照中` });
  }
  const out = new Map<string, string[]>();
  for (const p of chosen) {
    const list = roster.households.get(p.code);
    if (!list) {
      problems.push({ row: null, column: '项目编号', message: `名册中没有项目 ${p.code}（${p.name}）的住户` });
      continue;
    }
    if (list.length > p.households) problems.push({ row: list[p.households]?.row ?? null, column: '户号', message: `项目 ${p.code} 名册有 ${list.length} 户，多于快照户数 ${p.households} 户` });
    out.set(
      p.code,
      list.map((h) => h.household),
    );
  }
  if (problems.length > 0) throw rosterProblems(roster.fileName, problems);
  return out;
}

/**
 * Issues one code per snapshotted household of each chosen project of an open round, revoking the
 * projects' earlier codes. Refuses a round that is not open (ROUND_STATE) and an unset base URL.
 * `deliver` (writing the letters) runs before the transaction commits: codes nobody can print are
 * never issued, and the old ones stay valid if it fails.
 */
export async function issueSurveyCodes(ctx: AppContext, input: IssueCodesInput, deliver: (issued: IssueCodesResult, trx: Knex.Transaction) => Promise<void> = async () => undefined): Promise<IssueCodesResult> {
  return ctx.knex.transaction(async (trx) => {
    const round = await getRound(trx, input.round, { forUpdate: true });
    if (round.status !== 'open') {
      throw new DomainError('ROUND_STATE', `评价周期 ${round.code} 当前状态为 ${round.status}，只有进行中（open）的周期才能发放户码。`);
    }
    const deadline = checkDeadline(input.deadline, roundPeriod(round.code).to);
    const baseUrl = await surveyBaseUrl(trx);
    const projects = await chooseProjects(trx, round.id, input);
    const at = ctx.now();
    const revoked = await revokeLiveCodes(
      trx,
      round.id,
      projects.map((p) => p.projectId),
      at,
    );
    const households = input.roster ? rosterHouseholds(input.roster, projects, await snapshotProjects(trx, round.id, {})) : null;
    const secret = await surveySecret(trx);
    const codes: IssuedCode[] = [];
    const rows: { projectId: number; household: string; codeHash: string }[] = [];
    const seen = new Set<string>();
    for (const p of projects) {
      const names = households?.get(p.code) ?? numberedHouseholds(p.households);
      for (const household of names) {
        let code = newSurveyCode();
        // 31^10 ≈ 8·10^14 codes: a repeat is all but impossible, but a repeat must not be issued twice.
        while (seen.has(code)) code = newSurveyCode();
        seen.add(code);
        codes.push({ projectCode: p.code, projectName: p.name, household, code, url: `${baseUrl}/s/${code}` });
        rows.push({ projectId: p.projectId, household, codeHash: surveyCodeHash(secret, code) });
      }
    }
    await insertCodes(trx, round.id, rows, ctx.actor, at);
    const summary = projects.map((p) => ({ code: p.code, name: p.name, households: households?.get(p.code)?.length ?? p.households, revoked: revoked.get(p.projectId) ?? 0 }));
    await appendAudit(trx, {
      actor: ctx.actor,
      action: 'survey.codes.issue',
      entity: 'round',
      entityId: round.code,
      before: summary.some((p) => p.revoked > 0) ? { revoked: summary.filter((p) => p.revoked > 0).map((p) => ({ project: p.code, codes: p.revoked })) } : null,
      after: { deadline, ...(input.roster ? { roster: input.roster.fileName } : {}), projects: summary.map((p) => ({ project: p.code, codes: p.households })) },
    });
    const issued: IssueCodesResult = { round: round.code, householdLabel: households ? '户号' : '户序号', deadline, baseUrl, projects: summary, codes };
    await deliver(issued, trx);
    return issued;
  });
}

export interface SurveyLetterFiles {
  /** The A4 letters, two households a page. */
  pdf: Buffer;
  /** codes.csv for mail-merge. */
  csv: Buffer;
}

async function lettersInput(issued: IssueCodesResult, db: Knex | Knex.Transaction): Promise<LettersInput> {
  const issuer = (await readSettingRows(db)).find((r) => r.key === 'issuer')?.value ?? null;
  return { periodLabel: roundPeriod(issued.round).label, deadline: issued.deadline, answerUrl: `${issued.baseUrl}/s`, issuer, householdLabel: issued.householdLabel, codes: issued.codes };
}

/** The letters and codes.csv of issued codes in memory, with the issuing body under the text when it is set. */
export async function surveyLetterFiles(ctx: AppContext, issued: IssueCodesResult, db: Knex | Knex.Transaction = ctx.knex): Promise<SurveyLetterFiles> {
  const pdf = await renderSurveyLetters(await lettersInput(issued, db));
  return { pdf, csv: surveyCodesCsv(issued.codes, issued.householdLabel) };
}

/** The letters streamed to `pdf` page by page (a whole city's), and codes.csv. */
export async function writeSurveyLetterFiles(issued: IssueCodesResult, db: Knex | Knex.Transaction, pdf: Writable): Promise<{ csv: Buffer }> {
  await writeSurveyLetters(await lettersInput(issued, db), pdf);
  return { csv: surveyCodesCsv(issued.codes, issued.householdLabel) };
}
