/**
 * survey_summaries.mean: the mean exactly as the survey contractor gave it. A spreadsheet's AVERAGE
 * gives 15 significant digits (78.6666666666667); the mean is used as given, not rounded to
 * hundredths before the firm's household-weighted mean is taken. Still in hundredths (7866.66666666667),
 * so the rows already stored keep their value; up to 15 decimals of a point are 13 of a hundredth.
 * Frozen in time: never imports application code.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table survey_summaries drop constraint survey_summaries_mean_check');
  await knex.raw('alter table survey_summaries alter column mean type numeric(18, 13) using mean::numeric(18, 13)');
  await knex.raw('alter table survey_summaries add constraint survey_summaries_mean_check check (mean between 0 and 10000)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table survey_summaries drop constraint survey_summaries_mean_check');
  await knex.raw('alter table survey_summaries alter column mean type smallint using round(mean)::smallint');
  await knex.raw('alter table survey_summaries add constraint survey_summaries_mean_check check (mean between 0 and 10000)');
}
