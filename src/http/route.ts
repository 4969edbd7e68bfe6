/**
 * One declaration per API route: method, path, who may call it, and the zod schemas of its params,
 * query and body. The same declaration validates requests and writes the OpenAPI document, so the
 * two cannot disagree.
 */
import type { Request, RequestHandler, Response, Router } from 'express';
import { type z } from 'zod';
import type { Principal } from '../app/accounts';
import { type Access, checkAccess, checkCsrf } from './auth';
import { RequestInvalid } from './error-handler';

export interface RouteSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  method: 'get' | 'post' | 'put' | 'delete';
  /** Express path under /api/v1, e.g. '/rounds/:code'. */
  path: string;
  /** The operation's name in the document and in generated clients: an English verb phrase, e.g. `computeRound`. */
  operationId: string;
  summary: string;
  tags: string[];
  access: Access;
  params?: P;
  query?: Q;
  body?: B;
  /** multipart/form-data with one file field `file` (the middleware runs before validation). */
  upload?: RequestHandler;
  /** Response description and media type for the document. */
  produces?: 'application/json' | 'image/png' | 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  /** Answers 304 to a matching If-None-Match (published bodies kept by published-cache.ts). */
  etag?: true;
  /** The success status: 200, or 201 for a route that creates something. The handler answers it and the document states it. */
  status?: 200 | 201;
  /** The JSON answer on success (every JSON route has one; the contract test checks real answers against it). */
  response?: z.ZodType;
  /**
   * Error statuses beyond those errorStatuses() derives from the declaration, e.g. 401/403 from a
   * public route that still guards unpublished rounds.
   */
  errors?: readonly ErrorStatus[];
}

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 422 | 429 | 500 | 503;

/**
 * The error statuses a route can answer, from its declaration. Everywhere: 401 (a bad bearer token
 * is refused before any route, public ones included), 403 (a session that must first change its
 * one-time password is refused on every API route), 500, and 503 (database unavailable). Then: 400
 * a value the use case refuses, a body that is not JSON, a path with a broken %-escape; 404 what
 * the request names may not exist; 409 a step the round's state or an earlier decision forbids;
 * 413 an oversized body or file; 422 fields failing the schema. 429 belongs to the login form only.
 */
export function errorStatuses(spec: AnyRouteSpec): ErrorStatus[] {
  const named = spec.params !== undefined || spec.query !== undefined || spec.body !== undefined;
  const writes = spec.method !== 'get';
  const out = new Set<ErrorStatus>([401, 403, 500, 503, ...(spec.errors ?? [])]);
  if (named || writes) out.add(400);
  if (named) out.add(404);
  if (writes || spec.params !== undefined) out.add(409);
  if (writes) out.add(413);
  if (named) out.add(422);
  return [...out].sort((a, b) => a - b);
}

export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  user: Principal | null;
  file: Express.Multer.File | undefined;
}

export type AnyRouteSpec = RouteSpec<z.ZodType, z.ZodType, z.ZodType>;

/** Routes registered so far, in order, for the OpenAPI document. */
export class RouteRegistry {
  readonly routes: AnyRouteSpec[] = [];
}

const where = (path: PropertyKey[]): string => path.map(String).join('.') || '(请求体)';

function parse<T extends z.ZodType>(schema: T | undefined, value: unknown, part: string): z.infer<T> {
  if (!schema) return undefined as z.infer<T>;
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const details = result.error.issues.map((i) => ({ row: null, column: `${part}.${where(i.path)}`, message: i.message }));
  throw new RequestInvalid(`请求参数无效：${details.map((d) => `${d.column}：${d.message}`).join('；')}`, details);
}

export function route<P extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType, B extends z.ZodType = z.ZodType>(
  router: Router,
  registry: RouteRegistry,
  spec: RouteSpec<P, Q, B>,
  handler: (input: RouteInput<z.infer<P>, z.infer<Q>, z.infer<B>>, req: Request, res: Response) => Promise<unknown>,
): void {
  registry.routes.push(spec as unknown as AnyRouteSpec);
  const run = async (req: Request, res: Response): Promise<void> => {
    // Who may call it is decided before anything is read from the body or written.
    const user = checkAccess(res, spec.access);
    checkCsrf(req, res);
    const input = {
      params: parse(spec.params, req.params, 'params'),
      query: parse(spec.query, req.query, 'query'),
      body: parse(spec.body, req.body, 'body'),
      user,
      file: req.file,
    };
    res.status(spec.status ?? 200);
    const out = await handler(input, req, res);
    if (!res.headersSent && out !== undefined) res.json(out);
  };
  const guard: RequestHandler = (_req, res, next) => {
    checkAccess(res, spec.access);
    next();
  };
  if (spec.upload) router[spec.method](spec.path, guard, spec.upload, run);
  else router[spec.method](spec.path, run);
}
