/**
 * The one table from error kinds to HTTP statuses, and the error middleware: JSON
 * `{"error":{"code","message","details"}}` under /api, an HTML page elsewhere. Only src/http knows
 * HTTP statuses (cli/exit-codes.ts is the other table).
 */
import type { NextFunction, Request, Response } from 'express';
import { MulterError } from 'multer';
import { DomainError, type ErrorKind } from '../domain/errors';
import { toDomainError } from '../db/sqlstate';

export const HTTP_STATUS: Record<ErrorKind, number> = {
  bad_input: 400,
  not_found: 404,
  workflow: 409,
  forbidden: 403,
  unauthenticated: 401,
  too_large: 413,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

/** Request validation (zod) answers 422: the request was well-formed but its values are not. */
export const VALIDATION_STATUS = 422;

export interface ErrorBody {
  error: { code: string; message: string; details: unknown };
}

/** A request whose fields fail the route's zod schema (code INPUT_INVALID, status 422). */
export class RequestInvalid extends DomainError {
  constructor(message: string, details: unknown) {
    super('INPUT_INVALID', message, details);
  }
}

export function statusOf(error: DomainError): number {
  if (error instanceof RequestInvalid) return VALIDATION_STATUS;
  return HTTP_STATUS[error.kind];
}

/** Anything thrown → a DomainError a person can read (an unexpected failure says no more than that). */
export function asDomainError(error: unknown): DomainError {
  if (error instanceof DomainError) return error;
  // Database errors the db layer did not translate, e.g. the database restarting: 503 DB_UNAVAILABLE.
  const translated = toDomainError(error);
  if (translated) return translated;
  if (error instanceof MulterError) {
    if (error.code === 'LIMIT_FILE_SIZE') return new DomainError('PAYLOAD_TOO_LARGE', '上传的文件过大。', { field: error.field ?? null });
    return new DomainError('INPUT_INVALID', `上传的表单无效（${error.code}）。`, { field: error.field ?? null });
  }
  const e = error as { type?: string; status?: number; expose?: boolean };
  if (e && e.type === 'entity.too.large') return new DomainError('PAYLOAD_TOO_LARGE', '请求内容过大。');
  if (e && e.type === 'entity.parse.failed') return new DomainError('INPUT_INVALID', '请求内容不是有效的 JSON。');
  // The router's own refusal of a path it cannot decode (a broken %-escape from a mangled link).
  if (error instanceof URIError && e.status === 400) return new DomainError('INPUT_INVALID', '请求无效：地址中含有无法解码的字符（%），请检查链接是否完整。');
  if (e && typeof e.status === 'number' && e.status >= 400 && e.status < 500 && e.expose) return new DomainError('INPUT_INVALID', '请求无效。');
  return new DomainError('INTERNAL', '服务器内部错误，请稍后再试或联系管理员。');
}

export function errorBody(error: DomainError): ErrorBody {
  return { error: { code: error.code, message: error.message, details: error.details } };
}

/** Pages render errors through this (set by createApp). */
export type RenderErrorPage = (req: Request, res: Response, error: DomainError, status: number) => void;

export function errorHandler(renderPage: RenderErrorPage, log: (line: string) => void) {
  return (error: unknown, req: Request, res: Response, next: NextFunction): void => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const domain = asDomainError(error);
    if (domain.code === 'INTERNAL' && !(error instanceof DomainError && error.code === 'INTERNAL')) {
      log(JSON.stringify({ level: 'error', method: req.method, path: req.path, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }));
    }
    const status = statusOf(domain);
    res.locals.errorCode = domain.code;
    if (req.path.startsWith('/api/')) {
      res.status(status).json(errorBody(domain));
    } else {
      renderPage(req, res, domain, status);
    }
  };
}
