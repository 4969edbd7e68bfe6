/**
 * Accounts of SPEC §2: users with a role (and a street or a firm for those roles), API tokens for
 * scripts, and web sessions. Passwords are hashed with argon2id (@node-rs/argon2, OWASP's minimum
 * of 19 MiB, 2 passes); a token and a session id are random 256-bit values of which only the
 * sha256 is stored, so a copy of the database lets nobody log in.
 */
import { createHash, randomBytes } from 'node:crypto';
import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';
import { DomainError } from '../domain/errors';
import { resolveStreet } from '../db/streets-repo';
import { appendAudit } from '../db/audit';
import type { AppContext } from './context';

export type Role = 'admin' | 'bureau' | 'regulator' | 'street' | 'firm';
export const ROLES: readonly Role[] = ['admin', 'bureau', 'regulator', 'street', 'firm'];
export const ROLE_LABELS: Record<Role, string> = { admin: '系统管理员', bureau: '住建局', regulator: '行管部门', street: '街道办事处', firm: '物业企业' };

/** Who is acting, as the HTTP layer and the use cases need to know it. */
export interface Principal {
  id: number;
  name: string;
  role: Role;
  /** The street a `street` account is bound to. */
  street: string | null;
  streetName: string | null;
  /** The firm a `firm` account is bound to. */
  firmUscc: string | null;
  firmName: string | null;
}

/** Session lifetime: one working day. */
export const SESSION_HOURS = 12;

/** argon2id, 19 MiB, 2 passes, 1 lane (OWASP Password Storage Cheat Sheet). */
const ARGON2 = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
const randomToken = (): string => randomBytes(32).toString('base64url');

const NAME = /^[\p{L}\p{N}_.@-]{1,64}$/u;

interface UserRow {
  id: number;
  name: string;
  role: Role;
  street_code: string | null;
  street_name: string | null;
  firm_uscc: string | null;
  firm_name: string | null;
  password_hash: string | null;
  disabled: boolean;
}

function usersQuery(ctx: AppContext) {
  return ctx
    .knex('users as u')
    .leftJoin('streets as s', 's.code', 'u.street_code')
    .leftJoin('firms as f', 'f.id', 'u.firm_id')
    .select('u.id', 'u.name', 'u.role', 'u.street_code', 's.name as street_name', 'f.uscc as firm_uscc', 'f.name as firm_name', 'u.password_hash', 'u.disabled');
}

const principalOf = (r: UserRow): Principal => ({
  id: Number(r.id),
  name: r.name,
  role: r.role,
  street: r.street_code,
  streetName: r.street_name,
  firmUscc: r.firm_uscc,
  firmName: r.firm_name,
});

export interface AddUserInput {
  name: string;
  role: string;
  street?: string | undefined;
  firm?: string | undefined;
  /** Omitted: a password is generated and returned once. */
  password?: string | undefined;
}

export async function addUser(ctx: AppContext, input: AddUserInput): Promise<{ user: Principal; password: string; generated: boolean }> {
  const name = input.name.trim();
  if (!NAME.test(name)) throw new DomainError('INPUT_INVALID', `用户名「${input.name}」无效：应为 1–64 个字母、数字、汉字或 _ . @ -。`, { field: 'name' });
  if (!(ROLES as readonly string[]).includes(input.role)) {
    throw new DomainError('INPUT_INVALID', `角色「${input.role}」无效：应为 ${ROLES.join('、')} 之一。`, { field: 'role' });
  }
  const role = input.role as Role;
  if (role === 'street' && !input.street) throw new DomainError('INPUT_INVALID', '街道账号须用 --street 指定所属街道（编码或名称）。', { field: 'street' });
  if (role === 'firm' && !input.firm) throw new DomainError('INPUT_INVALID', '企业账号须用 --firm 指定企业统一社会信用代码。', { field: 'firm' });
  if (role !== 'street' && input.street) throw new DomainError('INPUT_INVALID', `只有街道账号（street）可以指定街道，${role} 账号不能。`, { field: 'street' });
  if (role !== 'firm' && input.firm) throw new DomainError('INPUT_INVALID', `只有企业账号（firm）可以指定企业，${role} 账号不能。`, { field: 'firm' });
  const generated = input.password === undefined;
  const password = input.password ?? randomBytes(12).toString('base64url');
  if (password.length < 10) throw new DomainError('INPUT_INVALID', '密码至少 10 个字符。', { field: 'password' });
  const passwordHash = await argon2Hash(password, ARGON2);
  return ctx.knex.transaction(async (trx) => {
    if (await trx('users').where({ name }).first()) throw new DomainError('ALREADY_EXISTS', `用户「${name}」已存在。`, { field: 'name' });
    let firmId: number | null = null;
    // The street is named by its code or its name (SPEC §7); the account keeps its code.
    const streetCode = role === 'street' ? (await resolveStreet(trx, input.street as string)).code : null;
    if (role === 'firm') {
      const firm = await trx('firms').where({ uscc: (input.firm as string).trim().toUpperCase() }).first();
      if (!firm) throw new DomainError('FIRM_NOT_FOUND', `没有统一社会信用代码为「${input.firm}」的企业。`, { field: 'firm' });
      firmId = Number(firm.id);
    }
    const [row] = (await trx('users')
      .insert({ name, role, street_code: streetCode, firm_id: firmId, password_hash: passwordHash, created_at: ctx.now() })
      .returning('id')) as { id: number }[];
    await appendAudit(trx, { actor: ctx.actor, action: 'user.add', entity: 'user', entityId: name, after: { role, street: streetCode, firm: input.firm ?? null } });
    const user = (await usersQuery({ ...ctx, knex: trx as unknown as AppContext['knex'] }).where('u.id', row?.id).first()) as UserRow;
    return { user: principalOf(user), password, generated };
  });
}

export async function listUsers(ctx: AppContext): Promise<(Principal & { disabled: boolean })[]> {
  const rows = (await usersQuery(ctx).orderBy('u.name')) as UserRow[];
  return rows.map((r) => ({ ...principalOf(r), disabled: r.disabled }));
}

/**
 * Disables an account (a clerk who left, a leaked password): it can no longer log in, its sessions
 * end and its tokens are revoked at once. `enable` lets it log in again (new tokens must be made).
 */
export async function setUserDisabled(ctx: AppContext, userName: string, disabled: boolean, reason?: string | undefined): Promise<{ user: string; sessions: number; tokens: number }> {
  return ctx.knex.transaction(async (trx) => {
    const user = await trx('users').where({ name: userName.trim() }).first().forUpdate();
    if (!user) throw new DomainError('NOT_FOUND', `没有用户「${userName}」。`, { field: 'name' });
    if (Boolean(user.disabled) === disabled) throw new DomainError('ROUND_STATE', `用户「${user.name}」已${disabled ? '停用' : '启用'}。`);
    await trx('users').where({ id: user.id }).update({ disabled });
    let sessions = 0;
    let tokens = 0;
    if (disabled) {
      sessions = await trx('sessions').where({ user_id: user.id }).delete();
      tokens = await trx('api_tokens').where({ user_id: user.id }).whereNull('revoked_at').update({ revoked_at: ctx.now() });
    }
    await appendAudit(trx, { actor: ctx.actor, action: disabled ? 'user.disable' : 'user.enable', entity: 'user', entityId: user.name, before: { disabled: !disabled }, after: { disabled, sessionsEnded: sessions, tokensRevoked: tokens }, reason: reason ?? null });
    return { user: user.name as string, sessions, tokens };
  });
}

/** Revokes a user's tokens: all of them, or those with the given label. */
export async function revokeTokens(ctx: AppContext, userName: string, opts: { label?: string | undefined } = {}): Promise<{ user: string; revoked: number }> {
  return ctx.knex.transaction(async (trx) => {
    const user = await trx('users').where({ name: userName.trim() }).first();
    if (!user) throw new DomainError('NOT_FOUND', `没有用户「${userName}」。`, { field: 'name' });
    let q = trx('api_tokens').where({ user_id: user.id }).whereNull('revoked_at');
    if (opts.label !== undefined) q = q.where({ name: opts.label });
    const revoked = await q.update({ revoked_at: ctx.now() });
    if (revoked === 0) throw new DomainError('NOT_FOUND', `用户「${user.name}」没有${opts.label !== undefined ? `用途为「${opts.label}」的` : ''}有效令牌。`);
    await appendAudit(trx, { actor: ctx.actor, action: 'token.revoke', entity: 'user', entityId: user.name, after: { label: opts.label ?? null, revoked } });
    return { user: user.name as string, revoked };
  });
}

/** Creates an API token for a user; returns the token (shown once: only its sha256 is stored). */
export async function createToken(ctx: AppContext, userName: string, opts: { label?: string | undefined; days?: number | undefined } = {}): Promise<{ token: string; user: string; expiresAt: Date | null }> {
  const token = `hhb_${randomToken()}`;
  return ctx.knex.transaction(async (trx) => {
    const user = await trx('users').where({ name: userName.trim() }).first();
    if (!user) throw new DomainError('NOT_FOUND', `没有用户「${userName}」。`, { field: 'name' });
    const expiresAt = opts.days ? new Date(ctx.now().getTime() + opts.days * 86_400_000) : null;
    await trx('api_tokens').insert({ user_id: user.id, name: opts.label ?? userName, token_hash: sha256(token), created_at: ctx.now(), expires_at: expiresAt });
    await appendAudit(trx, { actor: ctx.actor, action: 'token.create', entity: 'user', entityId: user.name, after: { label: opts.label ?? userName, expiresAt } });
    return { token, user: user.name as string, expiresAt };
  });
}

/** A dummy hash verified when the user does not exist, so that a wrong name takes as long as a wrong password. */
let dummyHash: Promise<string> | null = null;

/** Name and password → the user, or null (unknown name, wrong password or disabled account alike). */
export async function verifyPassword(ctx: AppContext, name: string, password: string): Promise<Principal | null> {
  const row = (await usersQuery(ctx).where('u.name', name.trim()).first()) as UserRow | undefined;
  if (!row || !row.password_hash) {
    dummyHash ??= argon2Hash('not a password', ARGON2);
    await argon2Verify(await dummyHash, password).catch(() => false);
    return null;
  }
  const ok = await argon2Verify(row.password_hash, password).catch(() => false);
  return ok && !row.disabled ? principalOf(row) : null;
}

/** A bearer token → its user, or null (unknown, revoked or expired). */
export async function authenticateToken(ctx: AppContext, token: string): Promise<Principal | null> {
  const hashed = sha256(token);
  const row = (await usersQuery(ctx)
    .join('api_tokens as t', 't.user_id', 'u.id')
    .where('t.token_hash', hashed)
    .whereNull('t.revoked_at')
    .where((q) => q.whereNull('t.expires_at').orWhere('t.expires_at', '>', ctx.now()))
    .where('u.disabled', false)
    .first()) as UserRow | undefined;
  if (!row) return null;
  await ctx.knex('api_tokens').where({ token_hash: hashed }).update({ last_used_at: ctx.now() });
  return principalOf(row);
}

/** Opens a web session: returns the cookie value and its synchronizer CSRF token. */
export async function createSession(ctx: AppContext, user: Principal): Promise<{ sessionId: string; csrf: string; expiresAt: Date }> {
  const sessionId = randomToken();
  const csrf = randomToken();
  const expiresAt = new Date(ctx.now().getTime() + SESSION_HOURS * 3_600_000);
  await ctx.knex.transaction(async (trx) => {
    await trx('sessions').where('expires_at', '<', ctx.now()).delete();
    await trx('sessions').insert({ id: sha256(sessionId), user_id: user.id, csrf, created_at: ctx.now(), expires_at: expiresAt });
    await appendAudit(trx, { actor: user.name, action: 'session.login', entity: 'user', entityId: user.name });
  });
  return { sessionId, csrf, expiresAt };
}

/** The cookie value → its user and CSRF token, or null when unknown or expired. */
export async function findSession(ctx: AppContext, sessionId: string): Promise<{ user: Principal; csrf: string } | null> {
  const row = (await usersQuery(ctx)
    .join('sessions as se', 'se.user_id', 'u.id')
    .where('se.id', sha256(sessionId))
    .where('se.expires_at', '>', ctx.now())
    .where('u.disabled', false)
    .select('se.csrf')
    .first()) as (UserRow & { csrf: string }) | undefined;
  return row ? { user: principalOf(row), csrf: row.csrf } : null;
}

export async function endSession(ctx: AppContext, sessionId: string): Promise<void> {
  await ctx.knex('sessions').where({ id: sha256(sessionId) }).delete();
}
