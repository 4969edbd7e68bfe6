/**
 * Accounts that last on a real intranet:
 * - a password reset by an administrator is a one-time password, to be changed at the next login
 *   (`must_change_password`); `password_changed_at` says when the password last changed;
 * - a web session ends after a spell of inactivity as well as at its absolute end (`last_seen_at`);
 * - failed logins are counted per account, per client address and per both, in the database so
 *   that several server processes behind one proxy share the counts (`login_throttle`, the table
 *   layout of rate-limiter-flexible's PostgreSQL store: key, points, expiry in epoch milliseconds).
 * Frozen in time: never imports application code.
 */
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`alter table users
    add column must_change_password boolean not null default false,
    add column password_changed_at timestamptz`);
  await knex.raw('alter table sessions add column last_seen_at timestamptz');
  await knex.raw('update sessions set last_seen_at = created_at');
  await knex.raw('alter table sessions alter column last_seen_at set not null');
  await knex.raw(`create table login_throttle (
    key varchar(255) not null,
    points integer not null default 0,
    expire bigint,
    constraint login_throttle_pkey primary key (key)
  )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table login_throttle');
  await knex.raw('alter table sessions drop column last_seen_at');
  await knex.raw('alter table users drop column must_change_password, drop column password_changed_at');
}
