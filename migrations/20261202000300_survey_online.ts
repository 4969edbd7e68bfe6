/**
 * Resident online survey (扫码评价, SPEC §10): household codes and the answers given with them.
 *
 * - `survey_secret`: one row, the server's random key for the keyed hashes (HMAC-SHA256) of codes
 *   and of addresses; created on first use by the application, never printed.
 * - `survey_codes`: one current code per snapshotted household of a project in a round, stored
 *   only as its keyed hash; reissuing revokes (revoked_at), never deletes.
 * - `survey_online_answers`: the current online answer of a household — the items as given, the
 *   comment, and the address and user agent as salted hashes. Its score goes into survey_responses
 *   (the "individual responses" form of the project), so computing a round needs no change.
 * - the settings key `base_url` (the address printed in the QR codes).
 * Frozen in time: never imports application code.
 */
import type { Knex } from 'knex';

const STATEMENTS = [
  `create table survey_secret (
    id smallint not null,
    secret bytea not null,
    created_at timestamptz not null default now(),
    constraint survey_secret_pkey primary key (id),
    constraint survey_secret_single check (id = 1),
    constraint survey_secret_length check (length(secret) = 32)
  )`,
  `create table survey_codes (
    id bigserial,
    round_id integer not null,
    project_id integer not null,
    household text not null,
    code_hash char(64) not null,
    issued_by text not null,
    issued_at timestamptz not null default now(),
    revoked_at timestamptz,
    constraint survey_codes_pkey primary key (id),
    constraint survey_codes_round_project_fkey foreign key (round_id, project_id) references round_projects (round_id, project_id),
    constraint survey_codes_hash_key unique (code_hash),
    constraint survey_codes_household_not_blank check (length(btrim(household)) > 0),
    constraint survey_codes_hash_format check (code_hash ~ '^[0-9a-f]{64}$')
  )`,
  // One live code per household: a reissue revokes the old one in the same transaction.
  `create unique index survey_codes_live_household_key on survey_codes (round_id, project_id, household) where revoked_at is null`,
  `create table survey_online_answers (
    round_id integer not null,
    project_id integer not null,
    household text not null,
    code_id bigint not null,
    answers jsonb not null,
    comment text,
    score smallint not null,
    answered_at timestamptz not null,
    address_hash char(64),
    agent_hash char(64),
    submissions integer not null default 1,
    constraint survey_online_answers_pkey primary key (round_id, project_id, household),
    constraint survey_online_answers_code_fkey foreign key (code_id) references survey_codes (id),
    constraint survey_online_answers_round_project_fkey foreign key (round_id, project_id) references round_projects (round_id, project_id),
    constraint survey_online_answers_score_check check (score between 0 and 10000),
    constraint survey_online_answers_comment_length check (comment is null or char_length(comment) <= 500),
    constraint survey_online_answers_submissions_check check (submissions > 0)
  )`,
  `create index survey_online_answers_round_time_idx on survey_online_answers (round_id, answered_at)`,
  // Like every row of a round: frozen once the round is published.
  ...['survey_codes', 'survey_online_answers'].map(
    (t) => `create trigger ${t}_immutable before insert or update or delete on ${t} for each row execute function hhb_guard_round_rows()`,
  ),
  `alter table settings drop constraint settings_key_check`,
  `alter table settings add constraint settings_key_check check (key in ('issuer', 'city', 'base_url'))`,
];

export async function up(knex: Knex): Promise<void> {
  for (const sql of STATEMENTS) await knex.raw(sql);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`delete from settings where key = 'base_url'`);
  await knex.raw(`alter table settings drop constraint settings_key_check`);
  await knex.raw(`alter table settings add constraint settings_key_check check (key in ('issuer', 'city'))`);
  await knex.raw('drop table survey_online_answers');
  await knex.raw('drop table survey_codes');
  await knex.raw('drop table survey_secret');
}
