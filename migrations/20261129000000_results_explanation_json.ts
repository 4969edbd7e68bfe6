/**
 * results.explanation: json instead of jsonb, compressed with lz4 where the server has it.
 * An explanation is written once (20,000 of them, about 50 MB, per province computation) and read
 * whole, never searched or indexed inside: json stores the text as sent after a syntax check, where
 * jsonb builds and sorts a binary tree on the way in and prints it back on the way out. Measured on
 * the province's explanations: COPY in 1.4 s (jsonb, pglz) → 0.6 s (json, lz4); reading them all
 * back 2.5 s → 0.7 s. lz4 only where the server was built with it (PGlite keeps pglz).
 * Frozen in time: never imports application code.
 */
import type { Knex } from 'knex';

async function hasLz4(knex: Knex): Promise<boolean> {
  const rows = (await knex.raw(`select enumvals from pg_settings where name = 'default_toast_compression'`)).rows as { enumvals: string[] | string | null }[];
  const values = rows[0]?.enumvals;
  return Array.isArray(values) ? values.includes('lz4') : typeof values === 'string' && /\blz4\b/.test(values);
}

export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table results alter column explanation type json using explanation::json');
  if (await hasLz4(knex)) await knex.raw('alter table results alter column explanation set compression lz4');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table results alter column explanation type jsonb using explanation::jsonb');
  await knex.raw('alter table results alter column explanation set compression default');
}
