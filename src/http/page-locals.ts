/**
 * What the layout of every page shows besides the page itself: who is logged in, the session's
 * CSRF token, and the city and issuing body from the settings (read once per page request, so a
 * change made with `hhb settings set` shows on the next page without a restart).
 */
import type { NextFunction, Request, Response } from 'express';
import { readSettings } from '../app/settings';
import type { ResolvedDeps } from './deps';
import { authOf } from './auth';

export interface SiteNames {
  city: string | null;
  issuer: string | null;
}

/** Loads the site names for a page request (API requests skip it). */
export function siteNames(deps: ResolvedDeps) {
  return async (_req: Request, res: Response, next: NextFunction): Promise<void> => {
    const settings = await readSettings(deps.ctxOf(res));
    res.locals.site = { city: settings.city.value, issuer: settings.issuer.value } satisfies SiteNames;
    next();
  };
}

/** The layout's variables for a page being rendered. */
export function pageLocals(res: Response): { user: ReturnType<typeof authOf>['user']; csrf: string | null; site: SiteNames } {
  const auth = authOf(res);
  return { user: auth.user, csrf: auth.csrf, site: (res.locals.site as SiteNames | undefined) ?? { city: null, issuer: null } };
}
