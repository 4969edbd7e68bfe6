/**
 * What every page module shares: rendering a view with the layout's variables, the role check of a
 * page (a visitor goes to the login page), and a form post (role, CSRF and repeated-field checks,
 * then 303 to where the action says, or the page again with the error).
 */
import express, { type Request, type Response, type Router } from 'express';
import type nunjucks from 'nunjucks';
import { z } from 'zod';
import type { Principal, Role } from '../../app/accounts';
import { DomainError, type FieldProblem } from '../../domain/errors';
import { authOf, checkCsrf } from '../auth';
import { asDomainError, statusOf } from '../error-handler';
import { checkFieldsOnce } from '../form-fields';
import { pageLocals } from '../page-locals';

/** Zod's own messages in Chinese, for the fields a schema gives no message of its own. */
const zhCN = z.locales.zhCN();

/**
 * A page's form parsed with its zod schema. A refused field is bad input (400, the page again)
 * naming the field by its label on the page: `labels` maps field names to those labels.
 */
export function parseForm<S extends z.ZodType>(body: unknown, schema: S, labels: Readonly<Record<string, string>> = {}): z.output<S> {
  const parsed = schema.safeParse(body ?? {}, { error: zhCN.localeError });
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => ({ row: null, column: String(i.path[0] ?? ''), message: i.message }));
  const named = problems.map((p) => (p.column in labels ? `「${labels[p.column] ?? ''}」${p.message}` : p.message));
  throw new DomainError('INPUT_INVALID', [...new Set(named)].join('；'), problems satisfies FieldProblem[]);
}

/** A form field that a multi-row form sends once per row: always a list (empty when absent). */
export const repeatedField = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));

/** An optional free-text field: trimmed, absent when empty. */
export const optionalText = (max: number) =>
  z
    .string()
    .max(max)
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

export const problemsOf = (e: DomainError): FieldProblem[] =>
  Array.isArray(e.details) ? (e.details as unknown[]).filter((d): d is FieldProblem => typeof d === 'object' && d !== null && 'message' in d) : [];

/** An error as a page shows it: the message and its row/column problems. */
export const errorView = (e: DomainError | undefined): { message: string; problems: FieldProblem[] } | null => (e ? { message: e.message, problems: problemsOf(e) } : null);

/**
 * The person a page is for: a visitor is sent to the login page (null), another role is refused
 * (FORBIDDEN; `why` says what the page is for).
 */
export function pageUser(req: Request, res: Response, roles: readonly Role[], why?: string): Principal | null {
  const user = authOf(res).user;
  if (!user) {
    res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
    return null;
  }
  if (!roles.includes(user.role)) throw new DomainError('FORBIDDEN', `当前账号（${user.name}）无权访问此页面${why ? `：${why}` : '。'}`);
  return user;
}

/** Renders a view with the layout's variables (who is logged in, the CSRF token, the site's names). */
export function pageRenderer(views: nunjucks.Environment) {
  return (res: Response, view: string, data: Record<string, unknown>, status = 200): void => {
    res.status(status).type('html').send(views.render(view, { ...pageLocals(res), ...data }));
  };
}

export function pageKit(r: Router, views: nunjucks.Environment) {
  const form = express.urlencoded({ extended: false, limit: '1mb', parameterLimit: 20_000 });

  const render = pageRenderer(views);

  /**
   * A form post of a page: the role and CSRF checks, then `act`, which returns where to go next
   * (303); a refused action re-renders its page with the error and its status instead.
   */
  const formPost = (
    path: string,
    roles: readonly Role[],
    act: (req: Request, res: Response, user: Principal) => Promise<string>,
    onError: (req: Request, res: Response, user: Principal, error: DomainError, status: number) => Promise<void>,
    { repeatable = [] }: { repeatable?: readonly string[] } = {},
  ): void => {
    r.post(path, form, async (req, res) => {
      const user = pageUser(req, res, roles);
      if (!user) return;
      checkCsrf(req, res);
      let location: string;
      try {
        checkFieldsOnce(req.body, repeatable);
        location = await act(req, res, user);
      } catch (e) {
        const error = asDomainError(e);
        return onError(req, res, user, error, statusOf(error));
      }
      res.redirect(303, location);
    });
  };

  return { form, render, pageUser, formPost };
}
