/**
 * `hhb survey anomalies <round>`: the projects whose online answers show signs of ballot stuffing
 * (bursts, identical patterns far above the city's, many households from one address), with the
 * figures behind each flag. Read-only.
 */
import { getRound } from '../db/rounds-repo';
import { onlineAnswerRows } from '../db/survey-codes-repo';
import { type ProjectAnomalies, surveyAnomalies } from '../domain/survey-anomalies';
import type { AppContext } from './context';
import { roundQuestionnaire } from './survey-answers';

export interface AnomalyReport {
  round: string;
  answers: number;
  projects: ProjectAnomalies[];
}

export async function surveyAnomalyReport(ctx: AppContext, roundCode: string): Promise<AnomalyReport> {
  const round = await getRound(ctx.knex, roundCode);
  const items = roundQuestionnaire().items.map((i) => i.name);
  const rows = await onlineAnswerRows(ctx.knex, round.id);
  const facts = rows.map((r) => ({ projectCode: r.projectCode, at: r.answeredAt.getTime(), pattern: items.map((i) => r.answers[i] ?? '').join('|'), addressHash: r.addressHash }));
  return { round: round.code, answers: rows.length, projects: surveyAnomalies(facts) };
}
