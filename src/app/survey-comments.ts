/**
 * Residents' comments from the online survey, for the bureau, per project (SPEC §10): what was
 * written and on which day, never which household wrote it.
 */
import { getRound } from '../db/rounds-repo';
import { type ResidentComment, residentComments } from '../db/survey-codes-repo';
import type { AppContext } from './context';

export async function surveyComments(ctx: AppContext, roundCode: string, opts: { project?: string } = {}): Promise<{ round: string; comments: ResidentComment[] }> {
  const round = await getRound(ctx.knex, roundCode);
  return { round: round.code, comments: await residentComments(ctx.knex, round.id, opts.project) };
}
