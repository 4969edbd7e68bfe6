/**
 * The public pages: the published rankings of a round (the newest by default; during the notice
 * period only the draft lists) and a firm's history across published rounds. Bureau staff also see
 * computed rounds and unpublished history.
 */
import { type Request, type Response, Router } from 'express';
import type nunjucks from 'nunjucks';
import { z } from 'zod';
import { firmHistory } from '../../app/firm-history';
import { rankingView } from '../../app/ranking';
import { listRounds } from '../../app/rounds';
import { DomainError } from '../../domain/errors';
import { authOf } from '../auth';
import type { ResolvedDeps } from '../deps';
import { BUREAU } from '../policy';
import { pageRenderer } from './kit';

/** The ranking page's query: which page, and what to search for (a bad value is just ignored). */
const RankingQuery = z.object({ page: z.coerce.number().int().min(1).max(100_000).default(1), q: z.string().max(100).default('') });

export function publicPagesRouter(deps: ResolvedDeps, views: nunjucks.Environment): Router {
  const r = Router();
  const ctx = deps.ctxOf;
  const render = pageRenderer(views);

  const publicRound = async (req: Request, res: Response, code: string | null) => {
    const user = authOf(res).user;
    const all = await listRounds(ctx(res));
    const staff = user !== null && BUREAU.includes(user.role);
    const published = all.filter((x) => x.status === 'published').sort((a, b) => b.code.localeCompare(a.code));
    const inNotice = all.filter((x) => x.status === 'publicized').sort((a, b) => b.code.localeCompare(a.code));
    const target = code ?? published[0]?.code ?? inNotice[0]?.code ?? null;
    if (target === null) return render(res, 'rankings.njk', { title: '公开榜单', round: null, rounds: [], inNotice });
    const summary = all.find((x) => x.code === target);
    if (!summary || !(['published', 'publicized'].includes(summary.status) || (staff && summary.status === 'computed'))) {
      throw new DomainError('ROUND_NOT_FOUND', `评价周期 ${target} 不存在或尚未发布。`);
    }
    const query = RankingQuery.safeParse(req.query);
    const { page, q } = query.success ? query.data : { page: 1, q: '' };
    const view = await rankingView(ctx(res), target, { page, search: q });
    // During the notice period the public sees the draft lists only, not the full ranking (SPEC §2, §6).
    const draftOnly = summary.status !== 'published' && !staff;
    render(res, 'rankings.njk', {
      title: `${target} 红黑榜`,
      round: view,
      draftOnly,
      inNotice: inNotice.filter((x) => x.code !== target),
      red: view.red,
      black: view.black,
      watch: view.watch,
      pageLink: (n: number) => `/rounds/${encodeURIComponent(target)}?${new URLSearchParams({ ...(view.page.search ? { q: view.page.search } : {}), page: String(n) }).toString()}#ranking`,
      rounds: published,
    });
  };

  r.get('/', async (req, res) => publicRound(req, res, null));
  r.get('/rounds/:code', async (req, res) => publicRound(req, res, req.params.code));
  r.get('/firms/:uscc', async (req, res) => {
    const user = authOf(res).user;
    const history = await firmHistory(ctx(res), req.params.uscc, { publishedOnly: !(user && BUREAU.includes(user.role)) });
    const latest = history.rounds[history.rounds.length - 1]?.round ?? null;
    render(res, 'firm.njk', { title: history.name, history, latest });
  });

  return r;
}
