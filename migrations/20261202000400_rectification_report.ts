/**
 * A firm's own report of its rectification (SPEC §2: a firm may "report rectification"): the text it
 * wrote and the names of its evidence files, who sent it and when, shown to the regulator who
 * re-inspects. The text and time columns exist since the first schema; the evidence and the
 * sender are added here.
 * Frozen in time: never imports application code.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`alter table rectifications
    add column report_evidence jsonb not null default '[]',
    add column reported_by text`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table rectifications drop column report_evidence, drop column reported_by');
}
