/**
 * Scores entered one by one (the street's web form, the API): a street score per project, a
 * regulator score per firm and department. The same rules as an import (SPEC §4): the round must
 * be open, a street account enters scores for its own street's projects only, and a correction
 * supersedes the current entry, which is kept (src/db/entries-repo.ts).
 * All-or-nothing: a batch with one bad entry writes nothing and names every bad entry.
 */
import { DomainError, type FieldProblem } from '../domain/errors';
import type { Hundredths } from '../domain/types';
import { acceptsEntries } from '../domain/round-lifecycle';
import { parseScore } from '../imports/values';
import { appendAudit } from '../db/audit';
import { getRound, type RoundRecord } from '../db/rounds-repo';
import { type StreetProjectRecord, loadRoundScope, replaceRegulatorScores, replaceStreetScores, streetProjectScores } from '../db/entries-repo';
import type { AppContext } from './context';
import { statusLabel } from './labels';

export interface StreetScoreEntry {
  projectCode: string;
  /** 0–100, at most 2 decimals, as typed (string) or as a JSON number. */
  score: string | number;
  note?: string | null | undefined;
}

export interface RegulatorScoreEntry {
  firmUscc: string;
  department: string;
  score: string | number;
  note?: string | null | undefined;
}

export interface EntryOutcome {
  entered: number;
  replaced: number;
}

function requireOpen(round: RoundRecord): void {
  if (!acceptsEntries(round.status)) {
    throw new DomainError('ROUND_STATE', `评价周期 ${round.code} 当前状态为「${statusLabel(round.status)}」，只有「录入中」的评价周期可以录入评分。`, { status: round.status });
  }
}

function scoreOf(value: string | number, where: string, problems: FieldProblem[], row: number | null): Hundredths | null {
  const parsed = parseScore(String(value).trim());
  if (!parsed.ok) {
    problems.push({ row, column: where, message: parsed.message });
    return null;
  }
  return parsed.value;
}

/**
 * Enters street scores. `street`: the acting account's street — a project of another street is
 * refused with FORBIDDEN and nothing is written.
 */
export async function enterStreetScores(ctx: AppContext, code: string, entries: readonly StreetScoreEntry[], opts: { street?: string | null | undefined } = {}): Promise<EntryOutcome> {
  if (entries.length === 0) throw new DomainError('INPUT_INVALID', '没有要录入的评分。');
  const round = await getRound(ctx.knex, code);
  requireOpen(round);
  const scope = await loadRoundScope(ctx.knex, round.id);
  const problems: FieldProblem[] = [];
  const foreign: string[] = [];
  const rows: { projectId: number; score: Hundredths; note: string | null }[] = [];
  const seen = new Set<string>();
  const at = ctx.now();
  entries.forEach((e, i) => {
    const row = entries.length > 1 ? i + 1 : null;
    const projectCode = e.projectCode.trim();
    const project = scope.projects.get(projectCode);
    if (!project) {
      problems.push({ row, column: '项目编号', message: `评价周期 ${code} 中没有项目「${projectCode}」` });
      return;
    }
    if (opts.street && project.street !== opts.street) {
      foreign.push(projectCode);
      return;
    }
    if (seen.has(projectCode)) {
      problems.push({ row, column: '项目编号', message: `项目「${projectCode}」重复录入` });
      return;
    }
    seen.add(projectCode);
    const score = scoreOf(e.score, `得分（${projectCode}）`, problems, row);
    if (score === null) return;
    rows.push({ projectId: project.id, score, note: e.note?.trim() || null });
  });
  if (foreign.length) {
    throw new DomainError('FORBIDDEN', `项目 ${foreign.join('、')} 不属于本账号所在的街道（${opts.street}），不能录入其评分。`, { projects: foreign, street: opts.street });
  }
  if (problems.length) throw new DomainError('INPUT_INVALID', `有 ${problems.length} 处错误，未录入任何评分。`, problems);
  return ctx.knex.transaction(async (trx) => {
    requireOpen(await getRound(trx, code, { forUpdate: true }));
    const replaced = await replaceStreetScores(trx, { roundId: round.id, enteredBy: ctx.actor, enteredAt: at }, rows);
    await appendAudit(trx, {
      actor: ctx.actor,
      action: 'scores.enter.street',
      entity: 'round',
      entityId: code,
      after: { scores: entries.map((e) => ({ project: e.projectCode.trim(), score: String(e.score).trim() })), replaced },
    });
    return { entered: rows.length, replaced };
  });
}

/** Enters one regulator (行管部门) score for a firm and department. */
export async function enterRegulatorScore(ctx: AppContext, code: string, entry: RegulatorScoreEntry): Promise<EntryOutcome> {
  const round = await getRound(ctx.knex, code);
  requireOpen(round);
  const scope = await loadRoundScope(ctx.knex, round.id);
  const uscc = entry.firmUscc.trim().toUpperCase();
  const firmId = scope.firms.get(uscc);
  if (firmId === undefined) throw new DomainError('FIRM_NOT_FOUND', `评价周期 ${code} 中没有统一社会信用代码为「${entry.firmUscc}」的企业。`, [{ row: null, column: 'firmUscc', message: '企业不在本周期' }]);
  const department = entry.department.trim();
  if (!department) throw new DomainError('INPUT_INVALID', '部门不能为空。', [{ row: null, column: 'department', message: '部门不能为空' }]);
  const problems: FieldProblem[] = [];
  const score = scoreOf(entry.score, 'score', problems, null);
  if (score === null) throw new DomainError('INPUT_INVALID', `得分无效：${problems[0]?.message ?? ''}`, problems);
  const at = ctx.now();
  return ctx.knex.transaction(async (trx) => {
    requireOpen(await getRound(trx, code, { forUpdate: true }));
    const replaced = await replaceRegulatorScores(trx, { roundId: round.id, enteredBy: ctx.actor, enteredAt: at }, [{ firmId, department, score, note: entry.note?.trim() || null }]);
    await appendAudit(trx, { actor: ctx.actor, action: 'scores.enter.regulator', entity: 'round', entityId: code, after: { firm: uscc, department, score: String(entry.score).trim(), replaced } });
    return { entered: 1, replaced };
  });
}

export type StreetProjectRow = StreetProjectRecord;

/** A round's projects (of one street, or all) with their current street scores, for the entry form. */
export async function streetProjects(ctx: AppContext, code: string, opts: { street?: string | null | undefined } = {}): Promise<StreetProjectRow[]> {
  const round = await getRound(ctx.knex, code);
  return streetProjectScores(ctx.knex, round.id, opts.street);
}
