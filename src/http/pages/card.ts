/**
 * A firm's score card (/card): each publicized or published round's result with its reasons and
 * explanation, the firm's objection during the notice period, its rectification report, and after
 * publication the comments residents left online on its projects (never with a household).
 */
import { type Request, type Response, Router } from 'express';
import type nunjucks from 'nunjucks';
import { z } from 'zod';
import { listRectifications, reportRectification } from '../../app/follow-up';
import { fileObjection, listObjections } from '../../app/objections';
import { explainFirm } from '../../app/results';
import { listRounds } from '../../app/rounds';
import { surveyComments } from '../../app/survey-comments';
import { DomainError } from '../../domain/errors';
import type { ResolvedDeps } from '../deps';
import { doneNotice, doneQuery } from '../notice';
import { errorView, pageKit, parseForm } from './kit';

const lines = (text: string): string[] => text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
const ObjectionForm = z.object({ reason: z.string().max(20_000).default(''), evidence: z.string().max(20_000).default('') });
const RectificationForm = z.object({ report: z.string().max(20_000).default(''), evidence: z.string().max(20_000).default('') });

export function cardPageRouter(deps: ResolvedDeps, views: nunjucks.Environment): Router {
  const r = Router();
  const ctx = deps.ctxOf;
  const { render, pageUser, formPost } = pageKit(r, views);

  // ---- a firm's score card ----
  const card = async (req: Request, res: Response, extra?: { error: DomainError; status: number }) => {
    const user = pageUser(req, res, ['firm']);
    if (!user) return;
    const uscc = user.firmUscc as string;
    const rounds = (await listRounds(ctx(res))).filter((x) => x.status === 'publicized' || x.status === 'published').reverse();
    const cards = [];
    for (const round of rounds) {
      try {
        const firm = await explainFirm(ctx(res), round.code, uscc);
        const objection = (await listObjections(ctx(res), round.code, { uscc }))[0] ?? null;
        const rectification = (await listRectifications(ctx(res), { round: round.code })).find((x) => x.uscc === uscc) ?? null;
        // Residents' comments on the firm's projects, after publication, never with a household.
        const comments = round.status === 'published' && round.kind === 'half' ? (await surveyComments(ctx(res), round.code, { firm: uscc })).comments : [];
        cards.push({ round: round.code, status: round.status, noticeEndsOn: round.noticeEndsOn, firm, objection, rectification, comments });
      } catch (e) {
        if (!(e instanceof DomainError && e.code === 'FIRM_NOT_FOUND')) throw e;
      }
    }
    render(res, 'card.njk', { title: '本企业评分卡', firmName: user.firmName, cards, notice: doneNotice(req, res), error: errorView(extra?.error) }, extra?.status ?? 200);
  };
  r.get('/card', async (req, res) => card(req, res));
  formPost(
    '/card/:code/objection',
    ['firm'],
    async (req, res, user) => {
      const code = String(req.params.code);
      const body = parseForm(req.body, ObjectionForm, { reason: '异议理由', evidence: '证据' });
      await fileObjection(ctx(res), { round: code, uscc: user.firmUscc as string, reason: body.reason, evidence: lines(body.evidence) });
      return `/card?${doneQuery(res, `已就 ${code} 提出异议，住建局将在 5 个工作日内作出决定`)}`;
    },
    (req, res, _user, error, status) => card(req, res, { error, status }),
  );
  formPost(
    '/card/:code/rectification',
    ['firm'],
    async (req, res, user) => {
      const code = String(req.params.code);
      const body = parseForm(req.body, RectificationForm, { report: '整改报告', evidence: '证据' });
      const out = await reportRectification(ctx(res), { round: code, uscc: user.firmUscc as string, text: body.report, evidence: lines(body.evidence) });
      return `/card?${doneQuery(res, `已${out.replaced ? '更新' : '提交'} ${code} 的整改报告，行管部门复查时将看到`)}`;
    },
    (req, res, _user, error, status) => card(req, res, { error, status }),
  );

  return r;
}
