/**
 * The online survey's progress as the dashboard and the street entry page show it (SPEC §10):
 * households answered online against the codes, per project and per firm against its required
 * sample, and on the dashboard the newest residents' comments and the projects the anomaly report
 * flags as ballot stuffing.
 */
import type { AppContext } from '../../app/context';
import { surveyAnomalyReport } from '../../app/survey-anomalies';
import { surveyComments } from '../../app/survey-comments';
import { surveyProgress } from '../../app/survey-progress';
import type { RoundCompleteness } from '../../db/completeness';

/** Rows of a survey progress table shown on a page (the CLI and the JSON give all). */
const SURVEY_ROWS_SHOWN = 200;
/** Residents' comments the dashboard shows, newest first. */
const NEWEST_COMMENTS = 20;

/** The panel of a round (one street's projects for a street clerk), or null while the round has no codes. */
export async function surveyPanel(ctx: AppContext, code: string, street: string | null, completeness?: RoundCompleteness) {
  const progress = await surveyProgress(ctx, code, { ...(street ? { street } : {}), ...(completeness ? { completeness } : {}) });
  const codes = progress.projects.reduce((n, x) => n + x.codes, 0);
  if (codes === 0) return null;
  const short = progress.firms.filter((f) => f.missing > 0).sort((a, b) => b.missing - a.missing || a.uscc.localeCompare(b.uscc));
  return {
    codes,
    online: progress.projects.reduce((n, x) => n + x.online, 0),
    projects: progress.projects.slice(0, SURVEY_ROWS_SHOWN),
    projectCount: progress.projects.length,
    firms: progress.firms.length,
    short: short.slice(0, SURVEY_ROWS_SHOWN),
    shortCount: short.length,
    comments: street ? [] : (await surveyComments(ctx, code, { newest: NEWEST_COMMENTS })).comments,
    anomalies: street ? [] : (await surveyAnomalyReport(ctx, code)).projects,
  };
}
