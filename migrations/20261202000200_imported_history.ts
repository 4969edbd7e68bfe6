/**
 * History from before the system (SPEC §11): the half-year lists the bureau published before it ran
 * hhb, imported from its old spreadsheets so that the consecutive-black rule (§5.9) and the firms'
 * histories reach back past the first round run here.
 *
 * An imported round is final like a published one: its rows are written once, in the transaction
 * that imports it, and never updated or deleted (enforced here, not only in code). A round code is
 * either run in hhb or imported, never both, whichever comes first.
 * Frozen in time: never imports application code.
 */
import type { Knex } from 'knex';

const STATEMENTS = [
  `create table history_rounds (
    code text not null,
    import_id bigint not null,
    created_at timestamptz not null default now(),
    constraint history_rounds_pkey primary key (code),
    constraint history_rounds_import_fkey foreign key (import_id) references imports (id),
    constraint history_rounds_code_format check (code ~ '^[0-9]{4}-(H1|H2)$')
  )`,
  // The firm is named by its USCC and the name published then: a firm that has since left the city
  // need not be registered to keep its place in the record.
  `create table history_results (
    round_code text not null,
    uscc char(18) not null,
    name text not null,
    rank integer,
    composite integer,
    list text,
    rectification text,
    constraint history_results_pkey primary key (round_code, uscc),
    constraint history_results_round_fkey foreign key (round_code) references history_rounds (code),
    constraint history_results_rank_check check (rank is null or rank > 0),
    constraint history_results_composite_check check (composite between 0 and 10000),
    constraint history_results_list_check check (list in ('red', 'black', 'watch')),
    constraint history_results_rectification_check check (rectification in ('passed', 'failed')),
    constraint history_results_rectification_black check (rectification is null or list = 'black'),
    constraint history_results_name_not_blank check (length(btrim(name)) > 0)
  )`,
  `create index history_results_uscc_idx on history_results (uscc)`,

  `create function hhb_guard_history() returns trigger language plpgsql as $$
  begin
    raise exception 'ROUND_IMMUTABLE: % of % (imported history)', lower(tg_op), tg_table_name
      using errcode = 'P0001', hint = 'round_immutable';
  end $$`,
  // A round's rows are inserted by the transaction that imported the round, and by no later one.
  `create function hhb_guard_history_insert() returns trigger language plpgsql as $$
  begin
    if not exists (select 1 from history_rounds where code = new.round_code and created_at = now()) then
      raise exception 'ROUND_IMMUTABLE: insert into history_results of imported history round %', new.round_code
        using errcode = 'P0001', hint = 'round_immutable';
    end if;
    return new;
  end $$`,
  // One code, one origin: a round run in hhb cannot take the code of imported history, and back.
  `create function hhb_round_code_free() returns trigger language plpgsql as $$
  begin
    if tg_table_name = 'rounds' and exists (select 1 from history_rounds where code = new.code) then
      raise exception 'duplicate key value violates unique constraint "rounds_code_key"'
        using errcode = '23505', constraint = 'rounds_code_key', table = 'rounds',
              detail = format('Key (code)=(%s) already exists as imported history.', new.code);
    end if;
    if tg_table_name = 'history_rounds' and exists (select 1 from rounds where code = new.code) then
      raise exception 'duplicate key value violates unique constraint "rounds_code_key"'
        using errcode = '23505', constraint = 'rounds_code_key', table = 'history_rounds',
              detail = format('Key (code)=(%s) already exists as a round run in hhb.', new.code);
    end if;
    return new;
  end $$`,
  `create trigger history_rounds_immutable before update or delete on history_rounds for each row execute function hhb_guard_history()`,
  `create trigger history_rounds_no_truncate before truncate on history_rounds for each statement execute function hhb_guard_history()`,
  `create trigger history_results_immutable before update or delete on history_results for each row execute function hhb_guard_history()`,
  `create trigger history_results_no_truncate before truncate on history_results for each statement execute function hhb_guard_history()`,
  `create trigger history_results_insert before insert on history_results for each row execute function hhb_guard_history_insert()`,
  `create trigger rounds_code_not_history before insert or update of code on rounds for each row execute function hhb_round_code_free()`,
  `create trigger history_rounds_code_not_run before insert on history_rounds for each row execute function hhb_round_code_free()`,
];

export async function up(knex: Knex): Promise<void> {
  for (const sql of STATEMENTS) await knex.raw(sql);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop trigger if exists rounds_code_not_history on rounds');
  await knex.raw('drop table if exists history_results');
  await knex.raw('drop table if exists history_rounds');
  for (const fn of ['hhb_round_code_free()', 'hhb_guard_history_insert()', 'hhb_guard_history()']) await knex.raw(`drop function if exists ${fn}`);
}
