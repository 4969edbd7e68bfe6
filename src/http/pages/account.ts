/**
 * Logging in and out, and changing one's password (/login, /logout, /password).
 * Failed logins are throttled per account, per client address and per both (app/login.ts); a
 * refused attempt answers 429 with Retry-After. An account whose password was reset (or generated)
 * is sent to /password after login and can use nothing else until it has chosen its own.
 */
import { randomBytes } from 'node:crypto';
import express, { type NextFunction, type Request, type Response, Router } from 'express';
import type nunjucks from 'nunjucks';
import { z } from 'zod';
import { changePassword, createSession, endSession, sha256 } from '../../app/accounts';
import { attemptLogin } from '../../app/login';
import { PASSWORD_MIN_LENGTH } from '../../app/password-policy';
import { DomainError } from '../../domain/errors';
import { SESSION_COOKIE, authOf, checkCsrf, readCookie, sameToken } from '../auth';
import type { ResolvedDeps } from '../deps';
import { asDomainError, statusOf } from '../error-handler';
import { checkFieldsOnce } from '../form-fields';
import { BUREAU } from '../policy';
import { pageRenderer } from './kit';

const LOGIN_COOKIE = 'hhb_login';

/** Where `next` may send someone after login: a path on this site only. */
const safeNext = (n: unknown) => (typeof n === 'string' && /^\/(?!\/)[^\s\\]*$/.test(n) ? n : '');

const text = z.string().max(1000).default('');
const loginForm = z.object({ _csrf: text, next: text, name: text, password: text });
const passwordForm = z.object({ _csrf: text, current: text, password: text, confirm: text });

/** Pages and API calls an account that must change its password may still reach. */
const ALLOWED_BEFORE_CHANGE = new Set(['/password', '/logout', '/login']);

/**
 * Sends a session whose password must be changed to /password (pages) or refuses it (API), so a
 * one-time password opens nothing but the change form.
 */
export function passwordChangeGate(req: Request, res: Response, next: NextFunction): void {
  const auth = authOf(res);
  if (auth.via !== 'session' || !auth.mustChangePassword || ALLOWED_BEFORE_CHANGE.has(req.path)) return next();
  if (req.path.startsWith('/api/')) throw new DomainError('FORBIDDEN', '请先在网页上修改密码（/password），再使用其他功能。', { mustChangePassword: true });
  res.redirect(303, '/password');
}

export function homeOf(role: string): string {
  return role === 'street' ? '/entry' : role === 'firm' ? '/card' : role === 'regulator' ? '/follow-up' : (BUREAU as readonly string[]).includes(role) ? '/dashboard' : '/';
}

export function accountPagesRouter(deps: ResolvedDeps, views: nunjucks.Environment): Router {
  const r = Router();
  const form = express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 20 });
  const ctx = deps.ctxOf;

  const render = pageRenderer(views);

  const loginPage = (res: Response, data: { next: string; name?: string; error?: string }, status = 200) => {
    const token = randomBytes(24).toString('base64url');
    res.cookie(LOGIN_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure: res.req.secure, path: '/login', maxAge: 3_600_000 });
    render(res, 'login.njk', { title: '登录', loginCsrf: token, name: '', ...data }, status);
  };

  r.get('/login', (req, res) => loginPage(res, { next: safeNext(req.query.next) }));
  r.post('/login', form, async (req, res) => {
    checkFieldsOnce(req.body);
    const body = loginForm.parse(req.body ?? {});
    const next = safeNext(body.next);
    const cookie = readCookie(req, LOGIN_COOKIE);
    if (!cookie || !sameToken(cookie, body._csrf)) return loginPage(res, { next, error: '登录表单已过期，请重新输入。' }, 403);
    let outcome;
    try {
      outcome = await attemptLogin(ctx(res), deps.throttle, { name: body.name, password: body.password, address: req.ip ?? req.socket.remoteAddress ?? 'unknown' });
    } catch (e) {
      const error = asDomainError(e);
      if (error.code !== 'RATE_LIMITED') throw e;
      const seconds = (error.details as { retryAfterSeconds?: number } | null)?.retryAfterSeconds;
      if (seconds) res.setHeader('Retry-After', String(seconds));
      deps.log(JSON.stringify({ t: new Date().toISOString(), event: 'login.throttled', address: req.ip ?? null }));
      return loginPage(res, { next, name: body.name, error: error.message }, 429);
    }
    if (!outcome.ok) {
      const warning = outcome.attemptsLeft === 0 ? '已连续输错多次，此账号在本机上暂停登录一段时间。' : outcome.attemptsLeft <= 2 ? `再输错 ${outcome.attemptsLeft} 次，此账号在本机上将暂停登录一段时间。` : '';
      return loginPage(res, { next, name: body.name, error: `用户名或密码错误。${warning}` }, 401);
    }
    const old = authOf(res).sessionId;
    if (old) await endSession(ctx(res), old);
    const session = await createSession(ctx(res), outcome.user, deps.sessionPolicy);
    res.clearCookie(LOGIN_COOKIE, { path: '/login' });
    res.cookie(SESSION_COOKIE, session.sessionId, { httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/', maxAge: session.expiresAt.getTime() - deps.now().getTime() });
    res.redirect(303, outcome.mustChangePassword ? '/password' : next || homeOf(outcome.user.role));
  });

  r.post('/logout', form, async (req, res) => {
    checkCsrf(req, res);
    const sid = authOf(res).sessionId;
    if (sid) await endSession(ctx(res), sid);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.redirect(303, '/');
  });

  const passwordPage = (res: Response, extra: { error?: DomainError; notice?: string } = {}, status = 200) => {
    const auth = authOf(res);
    render(
      res,
      'password.njk',
      {
        title: '修改密码',
        mustChange: auth.mustChangePassword,
        minLength: PASSWORD_MIN_LENGTH,
        error: extra.error ? { message: extra.error.message, field: (extra.error.details as { field?: string } | null)?.field ?? null } : null,
        notice: extra.notice,
      },
      status,
    );
  };
  const sessionUser = (req: Request, res: Response) => {
    const auth = authOf(res);
    if (!auth.user || auth.via !== 'session') {
      res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
      return null;
    }
    return auth.user;
  };
  r.get('/password', (req, res) => {
    if (sessionUser(req, res)) passwordPage(res, req.query.changed === '1' ? { notice: '密码已修改。本账号在其他设备上的登录已退出。' } : {});
  });
  r.post('/password', form, async (req, res) => {
    const user = sessionUser(req, res);
    if (!user) return;
    checkCsrf(req, res);
    checkFieldsOnce(req.body);
    const body = passwordForm.parse(req.body ?? {});
    try {
      if (body.password !== body.confirm) throw new DomainError('INPUT_INVALID', '两次输入的新密码不一致。', { field: 'confirm' });
      const sid = authOf(res).sessionId as string;
      await changePassword({ ...ctx(res), actor: user.name }, { name: user.name, current: body.current, next: body.password, keepSessionIdHash: sha256(sid) });
    } catch (e) {
      const error = asDomainError(e);
      return passwordPage(res, { error }, statusOf(error));
    }
    res.redirect(303, '/password?changed=1');
  });

  return r;
}
