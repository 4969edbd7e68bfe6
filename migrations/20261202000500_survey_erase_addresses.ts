/**
 * SPEC §10: residents' addresses and user agents are kept only as salted hashes, and erased at
 * publication. The database does it, whoever publishes: a BEFORE UPDATE trigger on rounds clears
 * them in the same transaction as the status becomes `published` — before the row changes, while
 * the round's answers may still be written.
 * Frozen in time: never imports application code.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`create function hhb_survey_erase_addresses() returns trigger language plpgsql as $$
  begin
    if new.status = 'published' and old.status <> 'published' then
      update survey_online_answers set address_hash = null, agent_hash = null
       where round_id = new.id and (address_hash is not null or agent_hash is not null);
    end if;
    return new;
  end $$`);
  await knex.raw(`create trigger rounds_survey_erase_addresses before update of status on rounds for each row execute function hhb_survey_erase_addresses()`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop trigger rounds_survey_erase_addresses on rounds');
  await knex.raw('drop function hhb_survey_erase_addresses()');
}
