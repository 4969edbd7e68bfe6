/**
 * The pages' template engine: nunjucks with autoescape on, so every value a user or a file supplied
 * is HTML-escaped by the engine, and the helpers every view may call; and the error page.
 */
import { join } from 'node:path';
import type { Request, Response } from 'express';
import nunjucks from 'nunjucks';
import { ROLE_LABELS, type Role } from '../../app/accounts';
import { flagLabel, formatScore, listLabel, statusLabel } from '../../app/labels';
import type { DomainError } from '../../domain/errors';
import type { RoundStatus } from '../../domain/types';
import { ROUND_KIND_LABELS, chinaDateTime } from '../../reports/labels';
import { pageLocals } from '../page-locals';
import { problemsOf } from './kit';

export function viewEnvironment(): nunjucks.Environment {
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(join(__dirname, '..', 'views')), { autoescape: true, throwOnUndefined: false });
  env.addGlobal('score', (h: number | null | undefined) => formatScore(h ?? null));
  env.addGlobal('statusLabel', (s: RoundStatus) => statusLabel(s));
  env.addGlobal('listLabel', (l: 'red' | 'black' | 'watch' | null) => (l ? listLabel(l) : '—'));
  env.addGlobal('flagLabel', flagLabel);
  env.addGlobal('roleLabel', (r: Role) => ROLE_LABELS[r] ?? r);
  env.addFilter('chinaTime', (at: Date | string) => chinaDateTime(at instanceof Date ? at.toISOString() : at));
  env.addGlobal('kindLabel', (k: 'half' | 'annual') => ROUND_KIND_LABELS[k] ?? k);
  return env;
}

/** Renders an error as a page (the error middleware uses this outside /api). */
export function renderErrorPage(views: nunjucks.Environment) {
  return (_req: Request, res: Response, error: DomainError, status: number): void => {
    res
      .status(status)
      .type('html')
      .send(views.render('error.njk', { ...pageLocals(res), title: status === 404 ? '页面不存在' : status === 403 ? '无权访问' : '出错了', message: error.message, problems: problemsOf(error) }));
  };
}
