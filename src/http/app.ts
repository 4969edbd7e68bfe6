/**
 * createApp(deps): the whole web application (API, pages, OpenAPI document) as an Express 5 app
 * that never listens — `hhb serve` listens, tests use supertest.
 */
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { apiRouter } from './api';
import { authOf, authenticate, userOf } from './auth';
import { type HttpDeps, resolveDeps } from './deps';
import { errorHandler } from './error-handler';
import { openApiDocument } from './openapi';
import { renderErrorPage, viewEnvironment } from './pages/views';
import { dashboardPageRouter } from './pages/dashboard';
import { entryPageRouter } from './pages/entry';
import { followUpPageRouter } from './pages/follow-up';
import { publicPagesRouter } from './pages/public';
import { PublishedCache } from './published-cache';
import { RouteRegistry } from './route';
import { settingsApiRouter } from './settings-api';
import { settingsPageRouter } from './pages/settings';
import { simulatePageRouter } from './pages/simulate';
import { surveyApiRouter } from './survey-api';
import { surveyPageRouter } from './survey-page';
import { accountPagesRouter, passwordChangeGate } from './pages/account';
import { explanationPageRouter } from './pages/explanation';
import { importsPageRouter } from './pages/imports';
import { cardPageRouter } from './pages/card';
import { siteNames } from './page-locals';
import { DomainError } from '../domain/errors';

export type { HttpDeps } from './deps';

/** One JSON line per request on finish: method, path, status, ms, user. */
function requestLog(log: (line: string) => void) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      log(JSON.stringify({ t: new Date().toISOString(), method: req.method, path: req.originalUrl.split('?')[0], status: res.statusCode, ms: Math.round(ms * 10) / 10, user: userOf(res)?.name ?? null }));
    });
    next();
  };
}

export function createApp(input: HttpDeps): Express {
  const deps = resolveDeps(input);
  const views = viewEnvironment();
  const registry = new RouteRegistry();
  const cache = new PublishedCache();
  const app = express();
  app.disable('x-powered-by');
  if (deps.trustProxy !== undefined) app.set('trust proxy', deps.trustProxy);

  app.use(requestLog(deps.log));
  // Bureau intranets often serve plain HTTP: there, `upgrade-insecure-requests` would send the
  // login form and the chart images to https:// and break them. It is added only over TLS.
  const directives = { 'img-src': ["'self'", 'data:'], 'script-src': ["'self'"], 'form-action': ["'self'"] };
  const overPlainHttp = helmet({ contentSecurityPolicy: { directives: { ...directives, 'upgrade-insecure-requests': null } }, strictTransportSecurity: false });
  const overTls = helmet({ contentSecurityPolicy: { directives }, strictTransportSecurity: false });
  app.use((req, res, next) => (req.secure ? overTls : overPlainHttp)(req, res, next));
  app.use((req, res, next) => {
    // HSTS only over TLS (directly or behind a trusted proxy).
    if (req.secure) res.setHeader('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    next();
  });
  app.get('/healthz', async (_req, res) => {
    await deps.knex.raw('select 1');
    res.json({ ok: true });
  });
  app.get('/api/openapi.json', (_req, res) => {
    res.json(openApiDocument(registry));
  });
  app.use(authenticate(deps.ctxOf, deps.sessionPolicy));
  app.use(passwordChangeGate);
  // What a logged-in person sees is theirs: no browser or proxy keeps it (published rankings, the
  // same bytes for everyone, keep their public caching in published-cache.ts).
  app.use((_req, res, next) => {
    if (authOf(res).user !== null) res.setHeader('Cache-Control', 'no-store');
    next();
  });
  app.use('/api/v1', surveyApiRouter(deps, registry));
  app.use('/api/v1', express.json({ limit: '1mb' }), settingsApiRouter(deps, registry), apiRouter(deps, registry, cache));
  app.use('/api', (req) => {
    throw new DomainError('NOT_FOUND', `没有这个接口：${req.method} ${req.originalUrl.split('?')[0]}`);
  });
  app.use(siteNames(deps), accountPagesRouter(deps, views), explanationPageRouter(deps, views), importsPageRouter(deps, views), cardPageRouter(deps, views), publicPagesRouter(deps, views), dashboardPageRouter(deps, views), followUpPageRouter(deps, views), entryPageRouter(deps, views), settingsPageRouter(deps, views), simulatePageRouter(deps, views), surveyPageRouter(deps, views));
  app.use((req) => {
    throw new DomainError('NOT_FOUND', `页面不存在：${req.path}`);
  });
  app.use(errorHandler(renderErrorPage(views), deps.log));
  return app;
}
