/**
 * Accounts in the database: users (with their street or firm), API tokens and web sessions.
 * Only hashes of tokens and session ids are stored. Rows come back as `UserRecord`, never as
 * snake_case rows.
 */
import type { Knex } from 'knex';

type Db = Knex | Knex.Transaction;

export type RoleCode = 'admin' | 'bureau' | 'regulator' | 'street' | 'firm';

export interface UserRecord {
  id: number;
  name: string;
  role: RoleCode;
  street: string | null;
  streetName: string | null;
  firmUscc: string | null;
  firmName: string | null;
  passwordHash: string | null;
  disabled: boolean;
  mustChangePassword: boolean;
}

interface UserRow {
  id: number | string;
  name: string;
  role: RoleCode;
  street_code: string | null;
  street_name: string | null;
  firm_uscc: string | null;
  firm_name: string | null;
  password_hash: string | null;
  disabled: boolean;
  must_change_password: boolean;
}

const record = (r: UserRow): UserRecord => ({
  id: Number(r.id),
  name: r.name,
  role: r.role,
  street: r.street_code,
  streetName: r.street_name,
  firmUscc: r.firm_uscc,
  firmName: r.firm_name,
  passwordHash: r.password_hash,
  disabled: Boolean(r.disabled),
  mustChangePassword: Boolean(r.must_change_password),
});

function users(db: Db) {
  return db('users as u')
    .leftJoin('streets as s', 's.code', 'u.street_code')
    .leftJoin('firms as f', 'f.id', 'u.firm_id')
    .select('u.id', 'u.name', 'u.role', 'u.street_code', 's.name as street_name', 'f.uscc as firm_uscc', 'f.name as firm_name', 'u.password_hash', 'u.disabled', 'u.must_change_password');
}

export async function userByName(db: Db, name: string): Promise<UserRecord | undefined> {
  const row = (await users(db).where('u.name', name).first()) as UserRow | undefined;
  return row ? record(row) : undefined;
}

/** The user row locked for the rest of the transaction (for changes that must not interleave). */
export async function lockUserByName(db: Knex.Transaction, name: string): Promise<UserRecord | undefined> {
  const locked = (await db('users').where({ name }).select('id').first().forUpdate()) as { id: number } | undefined;
  if (!locked) return undefined;
  const row = (await users(db).where('u.id', locked.id).first()) as UserRow | undefined;
  return row ? record(row) : undefined;
}

export async function allUsers(db: Db): Promise<UserRecord[]> {
  return ((await users(db).orderBy('u.name')) as UserRow[]).map(record);
}

export async function firmIdByUscc(db: Db, uscc: string): Promise<number | undefined> {
  const firm = (await db('firms').where({ uscc }).select('id').first()) as { id: number } | undefined;
  return firm ? Number(firm.id) : undefined;
}

export async function insertUser(
  db: Db,
  u: { name: string; role: RoleCode; streetCode: string | null; firmId: number | null; passwordHash: string; mustChangePassword: boolean; at: Date },
): Promise<number> {
  const [row] = (await db('users')
    .insert({ name: u.name, role: u.role, street_code: u.streetCode, firm_id: u.firmId, password_hash: u.passwordHash, must_change_password: u.mustChangePassword, password_changed_at: u.at, created_at: u.at })
    .returning('id')) as { id: number }[];
  return Number(row?.id);
}

export async function setUserDisabled(db: Db, userId: number, disabled: boolean): Promise<void> {
  await db('users').where({ id: userId }).update({ disabled });
}

export async function setPassword(db: Db, userId: number, p: { passwordHash: string; mustChangePassword: boolean; at: Date }): Promise<void> {
  await db('users').where({ id: userId }).update({ password_hash: p.passwordHash, must_change_password: p.mustChangePassword, password_changed_at: p.at });
}

// ---- sessions ----

export async function insertSession(db: Db, s: { idHash: string; userId: number; csrf: string; at: Date; expiresAt: Date }): Promise<void> {
  await db('sessions').insert({ id: s.idHash, user_id: s.userId, csrf: s.csrf, created_at: s.at, last_seen_at: s.at, expires_at: s.expiresAt });
}

/** Removes sessions past their absolute end or idle longer than allowed. */
export async function pruneSessions(db: Db, now: Date, idleSince: Date): Promise<void> {
  await db('sessions').where('expires_at', '<', now).orWhere('last_seen_at', '<', idleSince).delete();
}

/** The live session's user and CSRF token: not expired, seen since `idleSince`, account enabled. */
export async function sessionUser(db: Db, idHash: string, now: Date, idleSince: Date): Promise<{ user: UserRecord; csrf: string; lastSeenAt: Date } | undefined> {
  const row = (await users(db)
    .join('sessions as se', 'se.user_id', 'u.id')
    .where('se.id', idHash)
    .where('se.expires_at', '>', now)
    .where('se.last_seen_at', '>', idleSince)
    .where('u.disabled', false)
    .select('se.csrf', 'se.last_seen_at')
    .first()) as (UserRow & { csrf: string; last_seen_at: Date }) | undefined;
  return row ? { user: record(row), csrf: row.csrf, lastSeenAt: new Date(row.last_seen_at) } : undefined;
}

export async function touchSession(db: Db, idHash: string, at: Date): Promise<void> {
  await db('sessions').where({ id: idHash }).update({ last_seen_at: at });
}

export async function deleteSession(db: Db, idHash: string): Promise<void> {
  await db('sessions').where({ id: idHash }).delete();
}

/** Ends a user's sessions (all, or all but one) and says how many. */
export async function deleteSessionsOf(db: Db, userId: number, keepIdHash?: string): Promise<number> {
  let q = db('sessions').where({ user_id: userId });
  if (keepIdHash !== undefined) q = q.whereNot({ id: keepIdHash });
  return Number(await q.delete());
}

// ---- API tokens ----

export async function insertToken(db: Db, t: { userId: number; label: string; tokenHash: string; at: Date; expiresAt: Date | null }): Promise<void> {
  await db('api_tokens').insert({ user_id: t.userId, name: t.label, token_hash: t.tokenHash, created_at: t.at, expires_at: t.expiresAt });
}

/** Revokes a user's live tokens (all, or those with the label) and says how many. */
export async function revokeTokensOf(db: Db, userId: number, at: Date, label?: string): Promise<number> {
  let q = db('api_tokens').where({ user_id: userId }).whereNull('revoked_at');
  if (label !== undefined) q = q.where({ name: label });
  return Number(await q.update({ revoked_at: at }));
}

/** The user of a live token (not revoked, not expired, account enabled), noting its use. */
export async function tokenUser(db: Db, tokenHash: string, now: Date): Promise<UserRecord | undefined> {
  const row = (await users(db)
    .join('api_tokens as t', 't.user_id', 'u.id')
    .where('t.token_hash', tokenHash)
    .whereNull('t.revoked_at')
    .where((q) => q.whereNull('t.expires_at').orWhere('t.expires_at', '>', now))
    .where('u.disabled', false)
    .first()) as UserRow | undefined;
  if (!row) return undefined;
  await db('api_tokens').where({ token_hash: tokenHash }).update({ last_used_at: now });
  return record(row);
}
