/**
 * `hhb survey anomalies <round>`: the projects whose online answers show signs of ballot stuffing
 * (bursts, identical patterns far above the city's, many households from one address, answers
 * submitted within seconds of the questionnaire being shown), with the
 * figures behind each flag. Read-only.
 */
import { appendAudit } from '../db/audit';
import { getRound } from '../db/rounds-repo';
import { type OnlineAnswerRow, excludeOnlineAnswers, onlineAnswerRows, snapshotProjects } from '../db/survey-codes-repo';
import { DomainError } from '../domain/errors';
import { type OnlineAnswerFact, type ProjectAnomalies, flaggedHouseholds, surveyAnomalies } from '../domain/survey-anomalies';
import type { Rules } from '../domain/rules';
import type { AppContext } from './context';
import { roundRules } from './rounds';
import { roundQuestionnaire } from './survey-answers';

export interface AnomalyReport {
  round: string;
  answers: number;
  projects: ProjectAnomalies[];
}

export async function surveyAnomalyReport(ctx: AppContext, roundCode: string): Promise<AnomalyReport> {
  const round = await getRound(ctx.knex, roundCode);
  const rows = await onlineAnswerRows(ctx.knex, round.id);
  return { round: round.code, answers: rows.length, projects: surveyAnomalies(factsOf(rows, roundRules(round))) };
}

function factsOf(rows: readonly OnlineAnswerRow[], rules: Rules): OnlineAnswerFact[] {
  const items = roundQuestionnaire(rules).items.map((i) => i.name);
  return rows.map((r) => ({
    projectCode: r.projectCode,
    household: r.household,
    at: r.answeredAt.getTime(),
    openedAt: r.openedAt === null ? null : r.openedAt.getTime(),
    pattern: items.map((i) => r.answers[i] ?? '').join('|'),
    addressHash: r.addressHash,
  }));
}

/**
 * `hhb survey exclude <round> <project> --reason`: the bureau excludes a project's flagged online
 * answers with a written reason (audited; the answers are kept, marked, and no longer counted by
 * compute or the survey sufficiency). Only while the round is open or closed; refused when the
 * project has no flagged answer.
 */
export async function excludeFlaggedAnswers(ctx: AppContext, roundCode: string, projectCode: string, reason: string): Promise<{ round: string; project: string; households: number }> {
  const why = reason.replace(/\s+/g, ' ').trim();
  if ([...why].length < 4) throw new DomainError('INPUT_INVALID', '排除须写明理由（--reason，至少 4 个字），例如「10 分钟内集中提交 22 份，经核查为物业代答」。', [{ row: null, column: 'reason', message: '理由过短' }]);
  return ctx.knex.transaction(async (trx) => {
    const round = await getRound(trx, roundCode, { forUpdate: true });
    if (round.status !== 'open' && round.status !== 'closed') {
      throw new DomainError('ROUND_STATE', `评价周期 ${round.code} 当前状态为 ${round.status}：只有进行中或已截止（计算前）的周期可以排除问卷。`);
    }
    const project = (await snapshotProjects(trx, round.id, { projectCode }))[0];
    if (!project) throw new DomainError('NOT_FOUND', `评价周期 ${round.code} 的项目快照中没有项目「${projectCode}」。`, [{ row: null, column: 'project', message: '没有该项目' }]);
    const households = [...flaggedHouseholds(factsOf(await onlineAnswerRows(trx, round.id), roundRules(round)), project.code)].sort();
    if (households.length === 0) throw new DomainError('ROUND_STATE', `项目 ${project.code}（${project.name}）的网上问卷没有异常标记，无可排除的答案（见 hhb survey anomalies ${round.code}）。`);
    const out = await excludeOnlineAnswers(trx, { roundId: round.id, projectId: project.projectId, households, reason: why, by: ctx.actor, at: ctx.now() });
    await appendAudit(trx, { actor: ctx.actor, action: 'survey.exclude', entity: 'project', entityId: project.code, after: { round: round.code, exclusion: out.id, households: out.households }, reason: why });
    return { round: round.code, project: project.code, households: out.households };
  });
}
