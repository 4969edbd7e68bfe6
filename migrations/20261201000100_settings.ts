/**
 * The bureau's own settings: the issuing body printed on every notice and certificate (issuer, e.g.
 * 磐石市住房和城乡建设局) and the city name (city, e.g. 磐石市). One row a key; who changed it and
 * when is kept here and, with the old and new value, in the audit log.
 * Frozen in time: never imports application code.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`create table settings (
    key text not null,
    value text not null,
    updated_by text not null,
    updated_at timestamptz not null default now(),
    constraint settings_pkey primary key (key),
    constraint settings_key_check check (key in ('issuer', 'city')),
    constraint settings_value_not_blank check (length(btrim(value)) > 0)
  )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table settings');
}
