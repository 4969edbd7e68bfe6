/**
 * The whole model of SPEC §3–§6. Frozen in time: this file never imports application code.
 *
 * Units: every score is an integer number of hundredths (0..10000, 8540 = 85.40); no floats anywhere.
 * Entries (scores, summaries, complaints, deductions, events) are never overwritten: a correction
 * inserts a new row and marks the old one `superseded_at`/`superseded_by`; a partial unique index
 * allows one current entry per key.
 */
import type { Knex } from 'knex';

/** Columns every entry table has: who entered it, when, and whether a later entry replaced it. */
const ENTRY_COLUMNS = `
  note text,
  entered_by text not null,
  entered_at timestamptz not null default now(),
  superseded_at timestamptz,
  superseded_by bigint`;

const UP: string[] = [
  `create table streets (
    code text not null,
    name text not null,
    district text,
    created_at timestamptz not null default now(),
    constraint streets_pkey primary key (code),
    constraint streets_code_not_blank check (length(btrim(code)) > 0),
    constraint streets_name_not_blank check (length(btrim(name)) > 0)
  )`,
  `create table firms (
    id serial,
    uscc char(18) not null,
    name text not null,
    legal_rep text,
    phone text,
    status text not null default 'active',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint firms_pkey primary key (id),
    constraint firms_uscc_key unique (uscc),
    constraint firms_status_check check (status in ('active', 'suspended', 'disqualified')),
    constraint firms_name_not_blank check (length(btrim(name)) > 0)
  )`,
  `create table projects (
    id serial,
    code text not null,
    name text not null,
    street_code text not null,
    community text,
    firm_id integer not null,
    households integer not null,
    kind text not null default 'commodity',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint projects_pkey primary key (id),
    constraint projects_code_key unique (code),
    constraint projects_street_fkey foreign key (street_code) references streets (code) on update cascade,
    constraint projects_firm_fkey foreign key (firm_id) references firms (id),
    constraint projects_households_check check (households > 0),
    constraint projects_kind_check check (kind in ('commodity', 'old', 'affordable'))
  )`,
  `create index projects_firm_idx on projects (firm_id)`,
  `create index projects_street_idx on projects (street_code)`,
  `create table rounds (
    id serial,
    code text not null,
    kind text not null,
    status text not null default 'draft',
    rules jsonb not null,
    rules_hash char(64) not null,
    notice_ends_on date,
    opened_at timestamptz,
    closed_at timestamptz,
    computed_at timestamptz,
    publicized_at timestamptz,
    published_at timestamptz,
    created_at timestamptz not null default now(),
    created_by text not null,
    constraint rounds_pkey primary key (id),
    constraint rounds_code_key unique (code),
    constraint rounds_code_format check (code ~ '^[0-9]{4}-(H1|H2|Y)$'),
    constraint rounds_kind_check check (kind in ('half', 'annual')),
    constraint rounds_kind_matches_code check ((kind = 'annual') = (code like '%-Y')),
    constraint rounds_status_check check (status in ('draft', 'open', 'closed', 'computed', 'publicized', 'published')),
    constraint rounds_rules_hash_format check (rules_hash ~ '^[0-9a-f]{64}$')
  )`,
  // The snapshot taken when a round opens (SPEC §3).
  `create table round_firms (
    round_id integer not null,
    firm_id integer not null,
    name text not null,
    status text not null,
    constraint round_firms_pkey primary key (round_id, firm_id),
    constraint round_firms_round_fkey foreign key (round_id) references rounds (id),
    constraint round_firms_firm_fkey foreign key (firm_id) references firms (id),
    constraint round_firms_status_check check (status in ('active', 'suspended', 'disqualified'))
  )`,
  `create table round_projects (
    round_id integer not null,
    project_id integer not null,
    firm_id integer not null,
    street_code text not null,
    community text,
    households integer not null,
    kind text not null,
    constraint round_projects_pkey primary key (round_id, project_id),
    constraint round_projects_round_fkey foreign key (round_id) references rounds (id),
    constraint round_projects_project_fkey foreign key (project_id) references projects (id),
    constraint round_projects_round_firm_fkey foreign key (round_id, firm_id) references round_firms (round_id, firm_id),
    constraint round_projects_street_fkey foreign key (street_code) references streets (code) on update cascade,
    constraint round_projects_households_check check (households > 0),
    constraint round_projects_kind_check check (kind in ('commodity', 'old', 'affordable'))
  )`,
  `create index round_projects_firm_idx on round_projects (round_id, firm_id)`,
  `create table imports (
    id bigserial,
    round_id integer,
    kind text not null,
    file_name text not null,
    sha256 char(64) not null,
    rows integer not null,
    entered_by text not null,
    created_at timestamptz not null default now(),
    constraint imports_pkey primary key (id),
    constraint imports_round_fkey foreign key (round_id) references rounds (id),
    constraint imports_rows_check check (rows >= 0),
    constraint imports_sha256_format check (sha256 ~ '^[0-9a-f]{64}$')
  )`,
  // 街道评分: one per project.
  `create table street_scores (
    id bigserial,
    round_id integer not null,
    project_id integer not null,
    score smallint not null,${ENTRY_COLUMNS},
    constraint street_scores_pkey primary key (id),
    constraint street_scores_round_fkey foreign key (round_id) references rounds (id),
    constraint street_scores_project_fkey foreign key (project_id) references projects (id),
    constraint street_scores_score_check check (score between 0 and 10000)
  )`,
  `create unique index street_scores_current_key on street_scores (round_id, project_id) where superseded_at is null`,
  // 行管部门直接评分: one per firm and department.
  `create table regulator_scores (
    id bigserial,
    round_id integer not null,
    firm_id integer not null,
    department text not null,
    score smallint not null,${ENTRY_COLUMNS},
    constraint regulator_scores_pkey primary key (id),
    constraint regulator_scores_round_fkey foreign key (round_id) references rounds (id),
    constraint regulator_scores_firm_fkey foreign key (firm_id) references firms (id),
    constraint regulator_scores_score_check check (score between 0 and 10000),
    constraint regulator_scores_department_not_blank check (length(btrim(department)) > 0)
  )`,
  `create unique index regulator_scores_current_key on regulator_scores (round_id, firm_id, department) where superseded_at is null`,
  // 调查机构汇总: valid responses and mean per project.
  `create table survey_summaries (
    id bigserial,
    round_id integer not null,
    project_id integer not null,
    responses integer not null,
    mean smallint not null,${ENTRY_COLUMNS},
    constraint survey_summaries_pkey primary key (id),
    constraint survey_summaries_round_fkey foreign key (round_id) references rounds (id),
    constraint survey_summaries_project_fkey foreign key (project_id) references projects (id),
    constraint survey_summaries_responses_check check (responses > 0),
    constraint survey_summaries_mean_check check (mean between 0 and 10000)
  )`,
  `create unique index survey_summaries_current_key on survey_summaries (round_id, project_id) where superseded_at is null`,
  // 投诉数 (12345 hotline…) per project.
  `create table complaints (
    id bigserial,
    round_id integer not null,
    project_id integer not null,
    count integer not null,${ENTRY_COLUMNS},
    constraint complaints_pkey primary key (id),
    constraint complaints_round_fkey foreign key (round_id) references rounds (id),
    constraint complaints_project_fkey foreign key (project_id) references projects (id),
    constraint complaints_count_check check (count >= 0)
  )`,
  `create unique index complaints_current_key on complaints (round_id, project_id) where superseded_at is null`,
  // 扣分表 rows; points in hundredths (a bonus item's points are its bonus; 0 only for the NONE item, 检查无扣分).
  `create table deductions (
    id bigserial,
    round_id integer not null,
    firm_id integer not null,
    project_id integer,
    item text not null,
    points integer not null,${ENTRY_COLUMNS},
    constraint deductions_pkey primary key (id),
    constraint deductions_round_fkey foreign key (round_id) references rounds (id),
    constraint deductions_firm_fkey foreign key (firm_id) references firms (id),
    constraint deductions_project_fkey foreign key (project_id) references projects (id),
    constraint deductions_points_check check (points >= 0 and points <= 10000),
    constraint deductions_item_not_blank check (length(btrim(item)) > 0)
  )`,
  `create index deductions_round_firm_idx on deductions (round_id, firm_id) where superseded_at is null`,
  // 违规事件 / 荣誉.
  `create table events (
    id bigserial,
    round_id integer not null,
    firm_id integer not null,
    project_id integer,
    occurred_on date not null,
    type text not null,
    veto boolean not null default false,
    severity text not null default 'minor',${ENTRY_COLUMNS},
    constraint events_pkey primary key (id),
    constraint events_round_fkey foreign key (round_id) references rounds (id),
    constraint events_firm_fkey foreign key (firm_id) references firms (id),
    constraint events_project_fkey foreign key (project_id) references projects (id),
    constraint events_severity_check check (severity in ('minor', 'serious')),
    constraint events_type_not_blank check (length(btrim(type)) > 0)
  )`,
  `create index events_round_firm_idx on events (round_id, firm_id) where superseded_at is null`,
  // 居民问卷: one current response per household per project per round; replaced ones go to history.
  // No declared foreign keys here: a per-row RI check costs ~3 µs × 2–3 per row, the bulk of a
  // 10-million-row load. The same references ((round_id, project_id) in the round's snapshot,
  // import_id in imports) are checked once per statement by hhb_survey_statement() below.
  `create table survey_responses (
    round_id integer not null,
    project_id integer not null,
    household text not null,
    score smallint not null,
    entered_by text not null,
    entered_at timestamptz not null default now(),
    import_id bigint,
    constraint survey_responses_pkey primary key (round_id, project_id, household),
    constraint survey_responses_score_check check (score between 0 and 10000),
    constraint survey_responses_household_not_blank check (length(household) > 0)
  )`,
  `create table survey_response_history (
    id bigserial,
    round_id integer not null,
    project_id integer not null,
    household text not null,
    score smallint not null,
    entered_by text not null,
    entered_at timestamptz not null,
    import_id bigint,
    superseded_at timestamptz not null default now(),
    superseded_by_import bigint,
    constraint survey_response_history_pkey primary key (round_id, id),
    constraint survey_response_history_score_check check (score between 0 and 10000)
  )`,
  `create index survey_response_history_household_idx on survey_response_history (round_id, project_id, household)`,
  `create index survey_responses_import_idx on survey_responses (import_id) where import_id is not null`,
  `create table computations (
    id serial,
    round_id integer not null,
    number integer not null,
    rules_hash char(64) not null,
    forced boolean not null default false,
    created_by text not null,
    created_at timestamptz not null default now(),
    constraint computations_pkey primary key (id),
    constraint computations_round_fkey foreign key (round_id) references rounds (id),
    constraint computations_round_number_key unique (round_id, number),
    constraint computations_number_check check (number > 0)
  )`,
  `create table results (
    computation_id integer not null,
    firm_id integer not null,
    uscc char(18) not null,
    name text not null,
    rank integer,
    composite integer,
    composite_exact text,
    resident integer,
    regulator integer,
    street integer,
    households integer not null,
    complaints integer not null default 0,
    responses integer not null default 0,
    required_responses integer,
    grade text,
    list text,
    flags jsonb not null default '[]',
    reasons jsonb not null default '[]',
    explanation jsonb not null,
    constraint results_pkey primary key (computation_id, firm_id),
    constraint results_computation_fkey foreign key (computation_id) references computations (id),
    constraint results_firm_fkey foreign key (firm_id) references firms (id),
    constraint results_rank_check check (rank is null or rank > 0),
    constraint results_composite_check check (composite between 0 and 10000),
    constraint results_resident_check check (resident between 0 and 10000),
    constraint results_regulator_check check (regulator between 0 and 10000),
    constraint results_street_check check (street between 0 and 10000),
    constraint results_list_check check (list in ('red', 'black', 'watch'))
  )`,
  // 异议: one per firm per round.
  `create table objections (
    id serial,
    round_id integer not null,
    firm_id integer not null,
    reason text not null,
    evidence jsonb not null default '[]',
    filed_by text not null,
    filed_at timestamptz not null default now(),
    decision text,
    decision_reason text,
    decided_by text,
    decided_at timestamptz,
    constraint objections_pkey primary key (id),
    constraint objections_round_firm_key unique (round_id, firm_id),
    constraint objections_round_fkey foreign key (round_id) references rounds (id),
    constraint objections_firm_fkey foreign key (firm_id) references firms (id),
    constraint objections_decision_check check (decision in ('upheld', 'rejected')),
    constraint objections_decision_complete check (decision is null or (decision_reason is not null and decided_by is not null and decided_at is not null))
  )`,
  // 荣誉证书.
  `create table certificates (
    id serial,
    round_id integer not null,
    firm_id integer not null,
    number text not null,
    created_at timestamptz not null default now(),
    constraint certificates_pkey primary key (id),
    constraint certificates_number_key unique (number),
    constraint certificates_round_firm_key unique (round_id, firm_id),
    constraint certificates_round_fkey foreign key (round_id) references rounds (id),
    constraint certificates_firm_fkey foreign key (firm_id) references firms (id)
  )`,
  // 整改通知书 and its re-inspection (回头看).
  `create table rectifications (
    id serial,
    round_id integer not null,
    firm_id integer not null,
    issued_on date not null,
    deadline date not null,
    reinspect_by date not null,
    result text,
    result_on date,
    note text,
    reported_at timestamptz,
    report text,
    constraint rectifications_pkey primary key (id),
    constraint rectifications_round_firm_key unique (round_id, firm_id),
    constraint rectifications_round_fkey foreign key (round_id) references rounds (id),
    constraint rectifications_firm_fkey foreign key (firm_id) references firms (id),
    constraint rectifications_result_check check (result in ('passed', 'failed')),
    constraint rectifications_dates_check check (deadline >= issued_on and reinspect_by >= deadline)
  )`,
  // 约谈.
  `create table interviews (
    id serial,
    round_id integer not null,
    firm_id integer not null,
    scheduled_on date,
    held_on date,
    note text,
    constraint interviews_pkey primary key (id),
    constraint interviews_round_fkey foreign key (round_id) references rounds (id),
    constraint interviews_firm_fkey foreign key (firm_id) references firms (id)
  )`,
  // 取消从业资格建议 / 清退建议.
  `create table proposals (
    id serial,
    round_id integer not null,
    firm_id integer not null,
    kind text not null,
    reason text not null,
    status text not null default 'pending',
    created_at timestamptz not null default now(),
    decided_by text,
    decided_at timestamptz,
    decision_reason text,
    constraint proposals_pkey primary key (id),
    constraint proposals_round_firm_kind_key unique (round_id, firm_id, kind),
    constraint proposals_round_fkey foreign key (round_id) references rounds (id),
    constraint proposals_firm_fkey foreign key (firm_id) references firms (id),
    constraint proposals_kind_check check (kind in ('disqualification', 'exit')),
    constraint proposals_status_check check (status in ('pending', 'approved', 'rejected'))
  )`,
  `create table users (
    id serial,
    name text not null,
    role text not null,
    street_code text,
    firm_id integer,
    password_hash text,
    disabled boolean not null default false,
    created_at timestamptz not null default now(),
    constraint users_pkey primary key (id),
    constraint users_name_key unique (name),
    constraint users_street_fkey foreign key (street_code) references streets (code) on update cascade,
    constraint users_firm_fkey foreign key (firm_id) references firms (id),
    constraint users_role_check check (role in ('admin', 'bureau', 'regulator', 'street', 'firm')),
    constraint users_street_scope check ((role = 'street') = (street_code is not null)),
    constraint users_firm_scope check ((role = 'firm') = (firm_id is not null))
  )`,
  `create table api_tokens (
    id serial,
    user_id integer not null,
    name text not null,
    token_hash char(64) not null,
    created_at timestamptz not null default now(),
    last_used_at timestamptz,
    expires_at timestamptz,
    revoked_at timestamptz,
    constraint api_tokens_pkey primary key (id),
    constraint api_tokens_token_hash_key unique (token_hash),
    constraint api_tokens_user_fkey foreign key (user_id) references users (id) on delete cascade
  )`,
  `create table sessions (
    id text not null,
    user_id integer not null,
    csrf text not null,
    created_at timestamptz not null default now(),
    expires_at timestamptz not null,
    constraint sessions_pkey primary key (id),
    constraint sessions_user_fkey foreign key (user_id) references users (id) on delete cascade
  )`,
  `create index sessions_expires_idx on sessions (expires_at)`,
  // Append-only, hash-chained audit log (SPEC §2). id and hash are set by the trigger below.
  `create table audit_log (
    id bigint not null,
    at timestamptz not null default now(),
    actor text not null,
    action text not null,
    entity text not null,
    entity_id text,
    before jsonb,
    after jsonb,
    reason text,
    prev_hash char(64),
    hash char(64) not null,
    constraint audit_log_pkey primary key (id)
  )`,
  `create sequence audit_log_id_seq owned by audit_log.id`,
  `create index audit_log_entity_idx on audit_log (entity, entity_id)`,

  // ---- Immutability of published rounds (SPEC §3), enforced here and not only in code. ----
  `create function hhb_round_is_published(p_round_id integer) returns boolean
    language sql stable as $$ select coalesce((select status = 'published' from rounds where id = p_round_id), false) $$`,
  // Rows carrying a round_id: no insert, update or delete once their round is published.
  `create function hhb_guard_round_rows() returns trigger language plpgsql as $$
  begin
    if tg_op in ('UPDATE', 'DELETE') and hhb_round_is_published(old.round_id) then
      raise exception 'ROUND_IMMUTABLE: % of % in published round %', lower(tg_op), tg_table_name, old.round_id
        using errcode = 'P0001', hint = 'round_immutable';
    end if;
    if tg_op in ('INSERT', 'UPDATE') and hhb_round_is_published(new.round_id) then
      raise exception 'ROUND_IMMUTABLE: % of % in published round %', lower(tg_op), tg_table_name, new.round_id
        using errcode = 'P0001', hint = 'round_immutable';
    end if;
    if tg_op = 'DELETE' then return old; end if;
    return new;
  end $$`,
  // results carry their round through their computation.
  `create function hhb_guard_results() returns trigger language plpgsql as $$
  declare
    r integer;
  begin
    if tg_op in ('UPDATE', 'DELETE') then
      select round_id into r from computations where id = old.computation_id;
      if hhb_round_is_published(r) then
        raise exception 'ROUND_IMMUTABLE: % of results in published round %', lower(tg_op), r
          using errcode = 'P0001', hint = 'round_immutable';
      end if;
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
      select round_id into r from computations where id = new.computation_id;
      if hhb_round_is_published(r) then
        raise exception 'ROUND_IMMUTABLE: % of results in published round %', lower(tg_op), r
          using errcode = 'P0001', hint = 'round_immutable';
      end if;
    end if;
    if tg_op = 'DELETE' then return old; end if;
    return new;
  end $$`,
  `create function hhb_guard_rounds() returns trigger language plpgsql as $$
  begin
    if old.status = 'published' then
      raise exception 'ROUND_IMMUTABLE: % of published round %', lower(tg_op), old.code
        using errcode = 'P0001', hint = 'round_immutable';
    end if;
    if tg_op = 'DELETE' then return old; end if;
    return new;
  end $$`,
  `create trigger rounds_immutable before update or delete on rounds for each row execute function hhb_guard_rounds()`,
  `create trigger results_immutable before insert or update or delete on results for each row execute function hhb_guard_results()`,
  ...['round_firms', 'round_projects', 'street_scores', 'regulator_scores', 'survey_summaries', 'complaints', 'deductions', 'events',
    'computations'].map(
    (t) => `create trigger ${t}_immutable before insert or update or delete on ${t} for each row execute function hhb_guard_round_rows()`,
  ),
  // Survey tables take millions of rows per load: one check per statement over its transition
  // tables — the round is not published, and the references hold — instead of triggers per row.
  `create function hhb_survey_statement() returns trigger language plpgsql as $$
  declare
    r integer;
    bad record;
  begin
    if tg_op = 'INSERT' then
      select n.round_id into r from (select distinct round_id from new_rows) n where hhb_round_is_published(n.round_id) limit 1;
    elsif tg_op = 'UPDATE' then
      select n.round_id into r from (select round_id from old_rows union select round_id from new_rows) n where hhb_round_is_published(n.round_id) limit 1;
    else
      select n.round_id into r from (select distinct round_id from old_rows) n where hhb_round_is_published(n.round_id) limit 1;
    end if;
    if r is not null then
      raise exception 'ROUND_IMMUTABLE: % of % in published round %', lower(tg_op), tg_table_name, r
        using errcode = 'P0001', hint = 'round_immutable';
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
      select n.round_id, n.project_id into bad
        from (select distinct round_id, project_id from new_rows) n
       where not exists (select 1 from round_projects rp where rp.round_id = n.round_id and rp.project_id = n.project_id)
       limit 1;
      if found then
        raise exception 'insert or update on table "%" violates foreign key constraint "%_round_project_fkey"', tg_table_name, tg_table_name
          using errcode = '23503', constraint = tg_table_name || '_round_project_fkey', table = tg_table_name,
                detail = format('Key (round_id, project_id)=(%s, %s) is not present in table "round_projects".', bad.round_id, bad.project_id);
      end if;
      select n.import_id into bad
        from (select distinct import_id from new_rows where import_id is not null) n
       where not exists (select 1 from imports i where i.id = n.import_id)
       limit 1;
      if found then
        raise exception 'insert or update on table "%" violates foreign key constraint "%_import_fkey"', tg_table_name, tg_table_name
          using errcode = '23503', constraint = tg_table_name || '_import_fkey', table = tg_table_name,
                detail = format('Key (import_id)=(%s) is not present in table "imports".', bad.import_id);
      end if;
    end if;
    return null;
  end $$`,
  ...['survey_responses', 'survey_response_history'].flatMap((t) => [
    `create trigger ${t}_statement_insert after insert on ${t} referencing new table as new_rows for each statement execute function hhb_survey_statement()`,
    `create trigger ${t}_statement_update after update on ${t} referencing old table as old_rows new table as new_rows for each statement execute function hhb_survey_statement()`,
    `create trigger ${t}_statement_delete after delete on ${t} referencing old table as old_rows for each statement execute function hhb_survey_statement()`,
  ]),
  // The other side of those references: a snapshot row or an import still used by responses stays.
  `create function hhb_survey_referenced() returns trigger language plpgsql as $$
  begin
    if tg_table_name = 'round_projects' then
      if exists (select 1 from survey_responses s where s.round_id = old.round_id and s.project_id = old.project_id)
         or exists (select 1 from survey_response_history h where h.round_id = old.round_id and h.project_id = old.project_id) then
        raise exception 'update or delete on table "round_projects" violates foreign key constraint "survey_responses_round_project_fkey"'
          using errcode = '23503', constraint = 'survey_responses_round_project_fkey', table = 'round_projects',
                detail = format('Key (round_id, project_id)=(%s, %s) is still referenced from table "survey_responses".', old.round_id, old.project_id);
      end if;
    elsif exists (select 1 from survey_responses s where s.import_id = old.id)
       or exists (select 1 from survey_response_history h where h.import_id = old.id) then
      raise exception 'update or delete on table "imports" violates foreign key constraint "survey_responses_import_fkey"'
        using errcode = '23503', constraint = 'survey_responses_import_fkey', table = 'imports',
              detail = format('Key (id)=(%s) is still referenced from table "survey_responses".', old.id);
    end if;
    if tg_op = 'DELETE' then return old; end if;
    return new;
  end $$`,
  `create trigger round_projects_survey_referenced before delete or update of round_id, project_id on round_projects
     for each row execute function hhb_survey_referenced()`,
  `create trigger imports_survey_referenced before delete or update of id on imports for each row execute function hhb_survey_referenced()`,

  // ---- Audit chain: one writer at a time (transaction-scoped advisory lock), ids in lock order. ----
  // hash = sha256(canonical content), canonical = JSON array of text-or-null:
  // [prev_hash, id, at (UTC, microseconds), actor, action, entity, entity_id, before::text, after::text, reason]
  `create function hhb_audit_canonical(p_prev text, p_id bigint, p_at timestamptz, p_actor text, p_action text, p_entity text,
      p_entity_id text, p_before jsonb, p_after jsonb, p_reason text) returns text language sql immutable as $$
    select '[' || array_to_string(array[
      coalesce(to_json(p_prev)::text, 'null'),
      to_json(p_id::text)::text,
      to_json(to_char(p_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))::text,
      coalesce(to_json(p_actor)::text, 'null'),
      coalesce(to_json(p_action)::text, 'null'),
      coalesce(to_json(p_entity)::text, 'null'),
      coalesce(to_json(p_entity_id)::text, 'null'),
      coalesce(to_json(p_before::text)::text, 'null'),
      coalesce(to_json(p_after::text)::text, 'null'),
      coalesce(to_json(p_reason)::text, 'null')
    ], ',') || ']' $$`,
  `create function hhb_audit_chain() returns trigger language plpgsql as $$
  begin
    perform pg_advisory_xact_lock(727274001);
    new.id := nextval('audit_log_id_seq');
    new.at := clock_timestamp();
    select hash into new.prev_hash from audit_log order by id desc limit 1;
    new.hash := encode(sha256(convert_to(hhb_audit_canonical(new.prev_hash, new.id, new.at, new.actor, new.action, new.entity,
      new.entity_id, new.before, new.after, new.reason), 'UTF8')), 'hex');
    return new;
  end $$`,
  `create function hhb_audit_append_only() returns trigger language plpgsql as $$
  begin
    raise exception 'AUDIT_APPEND_ONLY: audit_log rows cannot be %', lower(tg_op) using errcode = 'P0001', hint = 'audit_append_only';
  end $$`,
  `create trigger audit_log_chain before insert on audit_log for each row execute function hhb_audit_chain()`,
  `create trigger audit_log_append_only before update or delete on audit_log for each row execute function hhb_audit_append_only()`,
  `create trigger audit_log_no_truncate before truncate on audit_log for each statement execute function hhb_audit_append_only()`,
];

const TABLES_IN_DROP_ORDER = [
  'audit_log', 'sessions', 'api_tokens', 'users', 'proposals', 'interviews', 'rectifications', 'certificates', 'objections',
  'results', 'computations', 'survey_response_history', 'survey_responses', 'events', 'deductions', 'complaints',
  'survey_summaries', 'regulator_scores', 'street_scores', 'imports', 'round_projects', 'round_firms', 'rounds', 'projects',
  'firms', 'streets',
];

const FUNCTIONS = [
  'hhb_audit_append_only()', 'hhb_audit_chain()',
  'hhb_audit_canonical(text, bigint, timestamptz, text, text, text, text, jsonb, jsonb, text)',
  'hhb_guard_rounds()', 'hhb_guard_results()', 'hhb_guard_round_rows()', 'hhb_survey_statement()', 'hhb_survey_referenced()', 'hhb_round_is_published(integer)',
];

export async function up(knex: Knex): Promise<void> {
  for (const sql of UP) await knex.raw(sql);
}

export async function down(knex: Knex): Promise<void> {
  for (const table of TABLES_IN_DROP_ORDER) await knex.raw(`drop table if exists ${table} cascade`);
  for (const fn of FUNCTIONS) await knex.raw(`drop function if exists ${fn}`);
}
