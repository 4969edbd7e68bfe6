/**
 * What every report needs from a computation, stored with it: the number of ranked firms, the sizes
 * of the red (top) and black (bottom) candidate slices, and the typed rules as the engine applied
 * them (defaults filled in). Reports read them back instead of rebuilding them. Computations stored
 * before this migration keep nulls; readers then derive the figures from the round's frozen rules.
 * Frozen in time: never imports application code.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`alter table computations
    add column ranked integer,
    add column red_slice integer,
    add column black_slice integer,
    add column rules json,
    add constraint computations_slices_check check (
      (ranked is null and red_slice is null and black_slice is null)
      or (ranked >= 0 and red_slice between 0 and ranked and black_slice between 0 and ranked)
    )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`alter table computations
    drop constraint computations_slices_check,
    drop column rules,
    drop column black_slice,
    drop column red_slice,
    drop column ranked`);
}
