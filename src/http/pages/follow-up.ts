/**
 * Follow-up (/follow-up): re-inspections of black-listed firms' rectification (bureau and
 * regulators), and for the bureau the interviews held and the proposals to decide.
 */
import { type Request, type Response, Router } from 'express';
import type nunjucks from 'nunjucks';
import { z } from 'zod';
import type { Principal } from '../../app/accounts';
import { decideProposal, listInterviews, listProposals, listRectifications, recordInterview, recordReinspection } from '../../app/follow-up';
import { DomainError } from '../../domain/errors';
import type { ResolvedDeps } from '../deps';
import { doneNotice, doneQuery } from '../notice';
import { BUREAU, REGULATOR_WRITERS } from '../policy';
import { errorView, optionalText, pageKit, parseForm } from './kit';

const ReinspectionForm = z.object({ result: z.enum(['passed', 'failed'], { error: '请选择复查结论：通过或未通过。' }), note: optionalText(20_000) });
const InterviewForm = z.object({ heldOn: z.string().max(40).optional(), note: z.string().max(20_000).default('') });
const ProposalDecisionForm = z.object({ decision: z.enum(['approved', 'rejected'], { error: '请选择批准或驳回。' }), reason: z.string().max(20_000).default('') });
const LABELS = { result: '复查结论', note: '说明', heldOn: '约谈日期', decision: '决定', reason: '理由' };

export function followUpPageRouter(deps: ResolvedDeps, views: nunjucks.Environment): Router {
  const r = Router();
  const ctx = deps.ctxOf;
  const { render, pageUser, formPost } = pageKit(r, views);

  const followUp = async (res: Response, user: Principal, extra: { error?: DomainError; notice?: string } = {}, status = 200) => {
    const bureau = BUREAU.includes(user.role);
    render(
      res,
      'follow-up.njk',
      {
        title: '整改复查与处置',
        rectifications: await listRectifications(ctx(res)),
        proposals: bureau ? await listProposals(ctx(res)) : null,
        interviews: bureau ? await listInterviews(ctx(res)) : null,
        notice: extra.notice,
        error: errorView(extra.error),
      },
      status,
    );
  };
  r.get('/follow-up', async (req, res) => {
    const user = pageUser(req, res, REGULATOR_WRITERS);
    if (user) await followUp(res, user, { notice: doneNotice(req, res) });
  });
  const followUpDone = (res: Response, done: string) => `/follow-up?${doneQuery(res, done)}`;
  const followUpError = (_req: Request, res: Response, user: Principal, error: DomainError, status: number) => followUp(res, user, { error }, status);

  formPost(
    '/follow-up/rectifications/:code/:uscc',
    REGULATOR_WRITERS,
    async (req, res) => {
      const { result, note } = parseForm(req.body, ReinspectionForm, LABELS);
      await recordReinspection(ctx(res), { round: String(req.params.code), uscc: String(req.params.uscc), result, note });
      return followUpDone(res, `已录入 ${req.params.code} ${req.params.uscc} 的复查结论：${result === 'passed' ? '通过' : '未通过'}`);
    },
    followUpError,
  );
  formPost(
    '/follow-up/interviews/:code/:uscc',
    BUREAU,
    async (req, res) => {
      const { heldOn, note } = parseForm(req.body, InterviewForm, LABELS);
      const i = await recordInterview(ctx(res), { round: String(req.params.code), uscc: String(req.params.uscc), heldOn, note });
      return followUpDone(res, `已记录 ${i.firmName} 的约谈（${i.heldOn}）`);
    },
    followUpError,
  );
  formPost(
    '/follow-up/proposals/:id',
    BUREAU,
    async (req, res) => {
      const { decision, reason } = parseForm(req.body, ProposalDecisionForm, LABELS);
      const id = Number(req.params.id);
      if (!Number.isSafeInteger(id) || id <= 0) throw new DomainError('NOT_FOUND', `处置建议 ${req.params.id} 不存在。`);
      const p = await decideProposal(ctx(res), { id, decision, reason });
      return followUpDone(res, `已${decision === 'approved' ? '批准' : '驳回'}对 ${p.firmName} 的${p.kind === 'disqualification' ? '取消从业资格' : '清退'}建议`);
    },
    followUpError,
  );

  return r;
}
