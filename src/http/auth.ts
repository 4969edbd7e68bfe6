/**
 * Who is asking: a bearer token (scripts) or the session cookie (web), or nobody (the public).
 * Session-bound synchronizer CSRF tokens guard every state-changing request made with the cookie;
 * a bearer token is not sent by browsers on their own, so it needs none.
 */
import { timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { type SessionPolicy, authenticateToken, findSession, type Principal, type Role } from '../app/accounts';
import type { AppContext } from '../app/context';
import { DomainError } from '../domain/errors';

export const SESSION_COOKIE = 'hhb_sid';

export interface RequestAuth {
  user: Principal | null;
  via: 'session' | 'token' | null;
  /** The session's CSRF token (null without a session). */
  csrf: string | null;
  sessionId: string | null;
  /** The session's account logged in with a one-time password and must choose its own first. */
  mustChangePassword: boolean;
}

export function authOf(res: Response): RequestAuth {
  return (res.locals.auth as RequestAuth | undefined) ?? { user: null, via: null, csrf: null, sessionId: null, mustChangePassword: false };
}

export function userOf(res: Response): Principal | null {
  return authOf(res).user;
}

/** Cookie header → name → value (no dependency needed for one cookie). */
export function readCookie(req: Request, name: string): string | null {
  const header = req.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return null;
      }
    }
  }
  return null;
}

/** Sets res.locals.auth; a bad bearer token is refused (401), a stale cookie just means "not logged in". */
export function authenticate(ctxOf: (res: Response) => AppContext, sessionPolicy: SessionPolicy) {
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const auth: RequestAuth = { user: null, via: null, csrf: null, sessionId: null, mustChangePassword: false };
    res.locals.auth = auth;
    const header = req.headers.authorization;
    if (header !== undefined) {
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      const user = m?.[1] ? await authenticateToken(ctxOf(res), m[1]) : null;
      if (!user) throw new DomainError('UNAUTHENTICATED', '访问令牌无效、已过期或已撤销。');
      auth.user = user;
      auth.via = 'token';
      next();
      return;
    }
    const sid = readCookie(req, SESSION_COOKIE);
    if (sid) {
      const session = await findSession(ctxOf(res), sid, sessionPolicy);
      if (session) {
        auth.user = session.user;
        auth.via = 'session';
        auth.csrf = session.csrf;
        auth.sessionId = sid;
        auth.mustChangePassword = session.mustChangePassword;
      }
    }
    next();
  };
}

/** Two tokens compared in constant time. */
export function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The request's CSRF token: the `_csrf` form field or the X-CSRF-Token header. */
function csrfOf(req: Request): string | null {
  const body = req.body as Record<string, unknown> | undefined;
  const field = body && typeof body === 'object' ? body._csrf : undefined;
  if (typeof field === 'string') return field;
  const header = req.headers['x-csrf-token'];
  return typeof header === 'string' ? header : null;
}

/** Refuses a state-changing request made with the session cookie whose CSRF token is missing or wrong. */
export function checkCsrf(req: Request, res: Response): void {
  const auth = authOf(res);
  if (auth.via !== 'session' || ['GET', 'HEAD', 'OPTIONS'].includes(req.method)) return;
  const given = csrfOf(req);
  if (given === null || auth.csrf === null || !sameToken(given, auth.csrf)) {
    throw new DomainError('FORBIDDEN', '表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试。', { csrf: true });
  }
}

/** 'public': anyone; otherwise the roles allowed (401 without login, 403 with another role). */
export type Access = 'public' | readonly Role[];

export function checkAccess(res: Response, access: Access): Principal | null {
  const user = userOf(res);
  if (access === 'public') return user;
  if (!user) throw new DomainError('UNAUTHENTICATED', '请先登录。');
  if (!access.includes(user.role)) throw new DomainError('FORBIDDEN', `当前账号（${user.name}）无权进行此操作。`, { role: user.role, allowed: access });
  return user;
}
