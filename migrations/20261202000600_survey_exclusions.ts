/**
 * Excluded online answers (SPEC §10): the bureau may exclude a project's responses flagged as
 * ballot stuffing, with a written reason. The exclusion is kept (who, when, why, how many); the
 * answers stay in survey_online_answers marked with it, and their scores leave the household
 * responses for history, so compute and the survey sufficiency no longer count them.
 * Frozen in time: never imports application code.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`create table survey_exclusions (
    id bigserial,
    round_id integer not null,
    project_id integer not null,
    reason text not null,
    households integer not null,
    excluded_by text not null,
    excluded_at timestamptz not null default now(),
    constraint survey_exclusions_pkey primary key (id),
    constraint survey_exclusions_round_project_fkey foreign key (round_id, project_id) references round_projects (round_id, project_id),
    constraint survey_exclusions_reason_not_blank check (length(btrim(reason)) > 0),
    constraint survey_exclusions_households_check check (households > 0)
  )`);
  await knex.raw(`create trigger survey_exclusions_immutable before insert or update or delete on survey_exclusions for each row execute function hhb_guard_round_rows()`);
  await knex.raw(`alter table survey_online_answers add column exclusion_id bigint, add constraint survey_online_answers_exclusion_fkey foreign key (exclusion_id) references survey_exclusions (id)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table survey_online_answers drop column exclusion_id');
  await knex.raw('drop table survey_exclusions');
}
