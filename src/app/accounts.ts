/**
 * Accounts of SPEC §2: users with a role (and a street or a firm for those roles), API tokens for
 * scripts, and web sessions. Passwords are hashed with argon2id (@node-rs/argon2, OWASP's minimum
 * of 19 MiB, 2 passes); a token and a session id are random 256-bit values of which only the
 * sha256 is stored, so a copy of the database lets nobody log in.
 * A session ends after SESSION_HOURS, or earlier after the idle time passes without a request.
 * An administrator's reset gives a one-time password that must be changed at the next login.
 */
import { createHash, randomBytes } from 'node:crypto';
import { hash as argon2Hash, verify as argon2Verify } from '@node-rs/argon2';
import { DomainError } from '../domain/errors';
import { resolveStreet } from '../db/streets-repo';
import { appendAudit } from '../db/audit';
import * as repo from '../db/accounts-repo';
import type { AppContext } from './context';
import { checkNewPassword } from './password-policy';

export type Role = repo.RoleCode;
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

/** Absolute session lifetime: one working day. */
export const SESSION_HOURS = 12;
/** A session left without a request this long ends (default; `HHB_SESSION_IDLE_MINUTES`). */
export const SESSION_IDLE_MINUTES = 30;
/** A session's last-seen time is written at most this often, not on every request. */
const TOUCH_EVERY_MS = 60_000;

/** argon2id, 19 MiB, 2 passes, 1 lane (OWASP Password Storage Cheat Sheet). */
const ARGON2 = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
const randomToken = (): string => randomBytes(32).toString('base64url');
/** A generated password: 16 characters of base64url (96 bits), never in a common list. */
const generatedPassword = (): string => randomBytes(12).toString('base64url');

const NAME = /^[\p{L}\p{N}_.@-]{1,64}$/u;

const principalOf = (r: repo.UserRecord): Principal => ({
  id: r.id,
  name: r.name,
  role: r.role,
  street: r.street,
  streetName: r.streetName,
  firmUscc: r.firmUscc,
  firmName: r.firmName,
});

function notFound(name: string): never {
  throw new DomainError('NOT_FOUND', `没有用户「${name}」。`, { field: 'name' });
}

export interface AddUserInput {
  name: string;
  role: string;
  street?: string | undefined;
  firm?: string | undefined;
  /** Omitted: a password is generated, returned once, and must be changed at the first login. */
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
  const password = input.password === undefined ? generatedPassword() : checkNewPassword(input.password, name);
  const passwordHash = await argon2Hash(password, ARGON2);
  return ctx.knex.transaction(async (trx) => {
    if (await repo.userByName(trx, name)) throw new DomainError('ALREADY_EXISTS', `用户「${name}」已存在。`, { field: 'name' });
    // The street is named by its code or its name (SPEC §7); the account keeps its code.
    const streetCode = role === 'street' ? (await resolveStreet(trx, input.street as string)).code : null;
    let firmId: number | null = null;
    if (role === 'firm') {
      firmId = (await repo.firmIdByUscc(trx, (input.firm as string).trim().toUpperCase())) ?? null;
      if (firmId === null) throw new DomainError('FIRM_NOT_FOUND', `没有统一社会信用代码为「${input.firm}」的企业。`, { field: 'firm' });
    }
    await repo.insertUser(trx, { name, role, streetCode, firmId, passwordHash, mustChangePassword: generated, at: ctx.now() });
    await appendAudit(trx, { actor: ctx.actor, action: 'user.add', entity: 'user', entityId: name, after: { role, street: streetCode, firm: input.firm ?? null } });
    const user = (await repo.userByName(trx, name)) as repo.UserRecord;
    return { user: principalOf(user), password, generated };
  });
}

export async function listUsers(ctx: AppContext): Promise<(Principal & { disabled: boolean; mustChangePassword: boolean })[]> {
  return (await repo.allUsers(ctx.knex)).map((r) => ({ ...principalOf(r), disabled: r.disabled, mustChangePassword: r.mustChangePassword }));
}

/**
 * Disables an account (a clerk who left, a leaked password): it can no longer log in, its sessions
 * end and its tokens are revoked at once. `enable` lets it log in again (new tokens must be made).
 */
export async function setUserDisabled(ctx: AppContext, userName: string, disabled: boolean, reason?: string | undefined): Promise<{ user: string; sessions: number; tokens: number }> {
  return ctx.knex.transaction(async (trx) => {
    const user = (await repo.lockUserByName(trx, userName.trim())) ?? notFound(userName);
    if (user.disabled === disabled) throw new DomainError('ROUND_STATE', `用户「${user.name}」已${disabled ? '停用' : '启用'}。`);
    await repo.setUserDisabled(trx, user.id, disabled);
    let sessions = 0;
    let tokens = 0;
    if (disabled) {
      sessions = await repo.deleteSessionsOf(trx, user.id);
      tokens = await repo.revokeTokensOf(trx, user.id, ctx.now());
    }
    await appendAudit(trx, { actor: ctx.actor, action: disabled ? 'user.disable' : 'user.enable', entity: 'user', entityId: user.name, before: { disabled: !disabled }, after: { disabled, sessionsEnded: sessions, tokensRevoked: tokens }, reason: reason ?? null });
    return { user: user.name, sessions, tokens };
  });
}

/**
 * A person changes their own password (web page, or `hhb users passwd` by the operator on their
 * behalf with `current` omitted). The current password is checked when given; the new one must
 * pass the password rules and differ from the current. Other sessions of the account end.
 */
export async function changePassword(
  ctx: AppContext,
  input: { name: string; current?: string | undefined; next: string; keepSessionIdHash?: string | undefined },
): Promise<{ user: string; sessionsEnded: number }> {
  const name = input.name.trim();
  const found = (await repo.userByName(ctx.knex, name)) ?? notFound(name);
  if (input.current !== undefined) {
    const ok = found.passwordHash !== null && (await argon2Verify(found.passwordHash, input.current).catch(() => false));
    if (!ok) throw new DomainError('INPUT_INVALID', '当前密码不正确。', { field: 'current' });
    if (input.current === input.next) throw new DomainError('INPUT_INVALID', '新密码不能与当前密码相同。', { field: 'password' });
  }
  checkNewPassword(input.next, found.name);
  const passwordHash = await argon2Hash(input.next, ARGON2);
  return ctx.knex.transaction(async (trx) => {
    const user = (await repo.lockUserByName(trx, name)) ?? notFound(name);
    await repo.setPassword(trx, user.id, { passwordHash, mustChangePassword: false, at: ctx.now() });
    const sessionsEnded = await repo.deleteSessionsOf(trx, user.id, input.keepSessionIdHash);
    await appendAudit(trx, { actor: ctx.actor, action: 'user.password_change', entity: 'user', entityId: user.name, after: { sessionsEnded } });
    return { user: user.name, sessionsEnded };
  });
}

/**
 * An administrator resets a forgotten password: a one-time password is generated, shown once, and
 * must be changed at the next login; the account's sessions end (its API tokens stay).
 */
export async function resetPassword(ctx: AppContext, userName: string, reason?: string | undefined): Promise<{ user: string; password: string; sessionsEnded: number }> {
  const password = generatedPassword();
  const passwordHash = await argon2Hash(password, ARGON2);
  return ctx.knex.transaction(async (trx) => {
    const user = (await repo.lockUserByName(trx, userName.trim())) ?? notFound(userName);
    await repo.setPassword(trx, user.id, { passwordHash, mustChangePassword: true, at: ctx.now() });
    const sessionsEnded = await repo.deleteSessionsOf(trx, user.id);
    await appendAudit(trx, { actor: ctx.actor, action: 'user.password_reset', entity: 'user', entityId: user.name, after: { sessionsEnded }, reason: reason ?? null });
    return { user: user.name, password, sessionsEnded };
  });
}

/** Revokes a user's tokens: all of them, or those with the given label. */
export async function revokeTokens(ctx: AppContext, userName: string, opts: { label?: string | undefined } = {}): Promise<{ user: string; revoked: number }> {
  return ctx.knex.transaction(async (trx) => {
    const user = (await repo.userByName(trx, userName.trim())) ?? notFound(userName);
    const revoked = await repo.revokeTokensOf(trx, user.id, ctx.now(), opts.label);
    if (revoked === 0) throw new DomainError('NOT_FOUND', `用户「${user.name}」没有${opts.label !== undefined ? `用途为「${opts.label}」的` : ''}有效令牌。`);
    await appendAudit(trx, { actor: ctx.actor, action: 'token.revoke', entity: 'user', entityId: user.name, after: { label: opts.label ?? null, revoked } });
    return { user: user.name, revoked };
  });
}

/** Creates an API token for a user; returns the token (shown once: only its sha256 is stored). */
export async function createToken(ctx: AppContext, userName: string, opts: { label?: string | undefined; days?: number | undefined } = {}): Promise<{ token: string; user: string; expiresAt: Date | null }> {
  const token = `hhb_${randomToken()}`;
  return ctx.knex.transaction(async (trx) => {
    const user = (await repo.userByName(trx, userName.trim())) ?? notFound(userName);
    const expiresAt = opts.days ? new Date(ctx.now().getTime() + opts.days * 86_400_000) : null;
    await repo.insertToken(trx, { userId: user.id, label: opts.label ?? userName, tokenHash: sha256(token), at: ctx.now(), expiresAt });
    await appendAudit(trx, { actor: ctx.actor, action: 'token.create', entity: 'user', entityId: user.name, after: { label: opts.label ?? userName, expiresAt } });
    return { token, user: user.name, expiresAt };
  });
}

/** A dummy hash verified when the user does not exist, so that a wrong name takes as long as a wrong password. */
let dummyHash: Promise<string> | null = null;

/** Name and password → the user, or null (unknown name, wrong password or disabled account alike). */
export async function verifyPassword(ctx: AppContext, name: string, password: string): Promise<{ user: Principal; mustChangePassword: boolean } | null> {
  const row = await repo.userByName(ctx.knex, name.trim());
  if (!row || !row.passwordHash) {
    dummyHash ??= argon2Hash('not a password', ARGON2);
    await argon2Verify(await dummyHash, password).catch(() => false);
    return null;
  }
  const ok = await argon2Verify(row.passwordHash, password).catch(() => false);
  return ok && !row.disabled ? { user: principalOf(row), mustChangePassword: row.mustChangePassword } : null;
}

/** A bearer token → its user, or null (unknown, revoked or expired). */
export async function authenticateToken(ctx: AppContext, token: string): Promise<Principal | null> {
  const row = await repo.tokenUser(ctx.knex, sha256(token), ctx.now());
  return row ? principalOf(row) : null;
}

export interface SessionPolicy {
  /** Minutes without a request after which a session ends. */
  idleMinutes: number;
}

const idleSince = (ctx: AppContext, policy: SessionPolicy): Date => new Date(ctx.now().getTime() - policy.idleMinutes * 60_000);

/** Opens a web session: returns the cookie value and its synchronizer CSRF token. */
export async function createSession(ctx: AppContext, user: Principal, policy: SessionPolicy = { idleMinutes: SESSION_IDLE_MINUTES }): Promise<{ sessionId: string; csrf: string; expiresAt: Date }> {
  const sessionId = randomToken();
  const csrf = randomToken();
  const expiresAt = new Date(ctx.now().getTime() + SESSION_HOURS * 3_600_000);
  await ctx.knex.transaction(async (trx) => {
    await repo.pruneSessions(trx, ctx.now(), idleSince(ctx, policy));
    await repo.insertSession(trx, { idHash: sha256(sessionId), userId: user.id, csrf, at: ctx.now(), expiresAt });
    await appendAudit(trx, { actor: user.name, action: 'session.login', entity: 'user', entityId: user.name });
  });
  return { sessionId, csrf, expiresAt };
}

/**
 * The cookie value → its user, CSRF token and whether the password must be changed first; null
 * when unknown, past its end or idle too long. Each use keeps the session alive.
 */
export async function findSession(
  ctx: AppContext,
  sessionId: string,
  policy: SessionPolicy = { idleMinutes: SESSION_IDLE_MINUTES },
): Promise<{ user: Principal; csrf: string; mustChangePassword: boolean } | null> {
  const idHash = sha256(sessionId);
  const found = await repo.sessionUser(ctx.knex, idHash, ctx.now(), idleSince(ctx, policy));
  if (!found) return null;
  if (ctx.now().getTime() - found.lastSeenAt.getTime() >= TOUCH_EVERY_MS) await repo.touchSession(ctx.knex, idHash, ctx.now());
  return { user: principalOf(found.user), csrf: found.csrf, mustChangePassword: found.user.mustChangePassword };
}

export async function endSession(ctx: AppContext, sessionId: string): Promise<void> {
  await repo.deleteSession(ctx.knex, sha256(sessionId));
}
