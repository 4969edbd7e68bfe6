/**
 * A firm's explanation for the bureau (/dashboard/rounds/<code>/firms/<uscc>): the latest
 * computation's scores, every input and every rule that fired, with the firm's objection beside
 * it — so deciding an objection starts from the numbers the firm disputes.
 */
import { type Request, type Response, Router } from 'express';
import type nunjucks from 'nunjucks';
import { z } from 'zod';
import { listObjections } from '../../app/objections';
import { explainFirm } from '../../app/results';
import { DomainError } from '../../domain/errors';
import { authOf } from '../auth';
import type { ResolvedDeps } from '../deps';
import { pageLocals } from '../page-locals';
import { BUREAU } from '../policy';

const Params = z.object({ code: z.string().max(20), uscc: z.string().max(40) });

export function explanationPageRouter(deps: ResolvedDeps, views: nunjucks.Environment): Router {
  const r = Router();
  r.get('/dashboard/rounds/:code/firms/:uscc', async (req: Request, res: Response) => {
    const user = authOf(res).user;
    if (!user) return res.redirect(303, `/login?next=${encodeURIComponent(req.originalUrl)}`);
    if (!BUREAU.includes(user.role)) throw new DomainError('FORBIDDEN', `当前账号（${user.name}）无权访问此页面。`);
    const { code, uscc } = Params.parse(req.params);
    const firm = await explainFirm(deps.ctxOf(res), code, uscc);
    const objection = (await listObjections(deps.ctxOf(res), code, { uscc: firm.uscc }))[0] ?? null;
    res.type('html').send(views.render('explanation.njk', { ...pageLocals(res), title: `${firm.name} 计算说明`, round: code, firm, objection }));
  });
  return r;
}
