/**
 * Progress of the online survey (SPEC §10): per project the codes issued, the households that have
 * answered online and all individual responses; per firm its valid responses (individual ones, or a
 * contractor's summary, as compute counts them) against the sample SPEC §5.5 requires. Read-only.
 */
import { type RoundCompleteness, roundCompleteness } from '../db/completeness';
import { getRound } from '../db/rounds-repo';
import { resolveStreet } from '../db/streets-repo';
import { type ProjectSurveyProgress, projectSurveyProgress } from '../db/survey-codes-repo';
import { requiredResponses } from '../domain/survey-sufficiency';
import type { AppContext } from './context';
import { roundRules } from './rounds';

export interface FirmSurveyProgress {
  uscc: string;
  name: string;
  households: number;
  responses: number;
  required: number;
  /** Responses still needed to reach the required sample (0 when reached). */
  missing: number;
}

export interface SurveyProgress {
  round: string;
  projects: ProjectSurveyProgress[];
  firms: FirmSurveyProgress[];
}

/** `completeness`: the round's completeness when the caller has just read it (the dashboard), so it is not read twice. */
export async function surveyProgress(ctx: AppContext, roundCode: string, opts: { street?: string; completeness?: RoundCompleteness } = {}): Promise<SurveyProgress> {
  const round = await getRound(ctx.knex, roundCode);
  const streetCode = opts.street === undefined ? undefined : (await resolveStreet(ctx.knex, opts.street)).code;
  const survey = roundRules(round).survey;
  const projects = (await projectSurveyProgress(ctx.knex, round.id)).filter((p) => streetCode === undefined || p.streetCode === streetCode);
  const firmsShown = new Set(projects.map((p) => p.firmUscc));
  const completeness = opts.completeness ?? (await roundCompleteness(ctx.knex, round.id));
  const firms = completeness.firms
    .filter((f) => !f.disqualified && firmsShown.has(f.uscc))
    .map((f) => {
      const required = requiredResponses(f.households, survey);
      return { uscc: f.uscc, name: f.name, households: f.households, responses: f.responses, required, missing: Math.max(0, required - f.responses) };
    });
  return { round: round.code, projects, firms };
}
