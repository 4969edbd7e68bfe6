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
import type { ResolvedDeps } from '../deps';
import { BUREAU } from '../policy';
import { pageRenderer, pageUser } from './kit';

const Params = z.object({ code: z.string().max(20), uscc: z.string().max(40) });

export function explanationPageRouter(deps: ResolvedDeps, views: nunjucks.Environment): Router {
  const r = Router();
  const render = pageRenderer(views);
  r.get('/dashboard/rounds/:code/firms/:uscc', async (req: Request, res: Response) => {
    if (!pageUser(req, res, BUREAU)) return;
    const { code, uscc } = Params.parse(req.params);
    const firm = await explainFirm(deps.ctxOf(res), code, uscc);
    const objection = (await listObjections(deps.ctxOf(res), code, { uscc: firm.uscc }))[0] ?? null;
    render(res, 'explanation.njk', { title: `${firm.name} 计算说明`, round: code, firm, objection });
  });
  return r;
}
