/**
 * How long a household took to answer (SPEC §10: answers completed in under 10 seconds are a sign of
 * ballot stuffing). `survey_codes.opened_at`: when the questionnaire of the code was last shown on the
 * phone page; `survey_online_answers.opened_at`: that moment as it stood when the answer was stored
 * (null for an answer posted without the page having shown the questionnaire, e.g. through the API).
 * Frozen in time: never imports application code.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`alter table survey_codes add column opened_at timestamptz`);
  await knex.raw(`alter table survey_online_answers add column opened_at timestamptz`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table survey_online_answers drop column opened_at');
  await knex.raw('alter table survey_codes drop column opened_at');
}
