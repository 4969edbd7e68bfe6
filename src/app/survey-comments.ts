/**
 * Residents' comments from the online survey, for the bureau, per project (SPEC §10): what was
 * written and on which day, never which household wrote it.
 */
import { getRound } from '../db/rounds-repo';
import { type ResidentComment, type ResidentCommentFilter, residentComments } from '../db/survey-codes-repo';
import type { AppContext } from './context';

export async function surveyComments(ctx: AppContext, roundCode: string, opts: { project?: string | undefined; firm?: string | undefined; newest?: number | undefined } = {}): Promise<{ round: string; comments: ResidentComment[] }> {
  const round = await getRound(ctx.knex, roundCode);
  const filter: ResidentCommentFilter = { projectCode: opts.project, firmUscc: opts.firm, newest: opts.newest };
  return { round: round.code, comments: await residentComments(ctx.knex, round.id, filter) };
}
