/**
 * The bureau's dashboard (/dashboard): the rounds, the selected round's completeness, survey
 * progress and result preview, its lifecycle steps (each offered from the statuses the round's
 * transition table allows), objections to decide and what waits in follow-up.
 */
import { type Request, type Response, Router } from 'express';
import type nunjucks from 'nunjucks';
import { z } from 'zod';
import type { Principal } from '../../app/accounts';
import { listProposals, listRectifications } from '../../app/follow-up';
import { statusLabel } from '../../app/labels';
import { type Objection, decideObjection, listObjections } from '../../app/objections';
import { getRoundResults } from '../../app/results';
import { closeRound, computeRound, createRound, listRounds, openRound, publicizeRound, publishRound, reopenRound, roundCompletenessReport, type RoundSummary } from '../../app/rounds';
import { DomainError } from '../../domain/errors';
import { ROUND_TRANSITIONS, canTake, hasResults } from '../../domain/round-lifecycle';
import type { RoundCompleteness } from '../../db/completeness';
import { completenessFor } from '../api';
import type { ResolvedDeps } from '../deps';
import { doneNotice, doneQuery } from '../notice';
import { BUREAU } from '../policy';
import { errorView, pageKit, parseForm } from './kit';
import { surveyPanel } from './survey-panel';

/** The dashboard's lifecycle buttons: the steps of the round's transition table, in its order. */
const STEPS = ROUND_TRANSITIONS.map(({ step, label, from }) => ({ step, label, from }));

const NewRoundForm = z.object({ code: z.string().max(40).default('').transform((s) => s.trim()) });
/** One form for every step; each step reads the fields it has (the checkboxes send "1"). */
const StepForm = z.object({
  force: z.string().max(10).optional(),
  days: z.string().max(10).default('7'),
  early: z.string().max(10).optional(),
  reason: z.string().max(20_000).optional(),
});
const ObjectionDecisionForm = z.object({
  decision: z.enum(['upheld', 'rejected'], { error: '请选择异议成立或不成立。' }),
  reason: z.string().max(20_000).default(''),
});
const LABELS = { code: '周期代码', days: '公示天数', reason: '理由', decision: '决定' };

export function dashboardPageRouter(deps: ResolvedDeps, views: nunjucks.Environment): Router {
  const r = Router();
  const ctx = deps.ctxOf;
  const { render, pageUser, formPost } = pageKit(r, views);

  const dashboard = async (req: Request, res: Response, user: Principal, extra: { error?: DomainError; notice?: string; round?: string } = {}, status = 200) => {
    const rounds = await listRounds(ctx(res));
    const wanted = extra.round ?? (typeof req.query.round === 'string' ? req.query.round : undefined);
    const selected: RoundSummary | undefined = rounds.find((x) => x.code === wanted) ?? rounds[rounds.length - 1];
    let completeness = null;
    let preview = null;
    let survey = null;
    if (selected) {
      const report = ['open', 'closed', 'computed', 'publicized'].includes(selected.status) ? await roundCompletenessReport(ctx(res), selected.code) : null;
      if (report) completeness = completenessFor(user, report);
      if (report && ['open', 'closed'].includes(selected.status) && selected.kind === 'half') survey = await surveyPanel(ctx(res), selected.code, null, report.detail as RoundCompleteness);
      if (['computed', 'publicized'].includes(selected.status)) {
        const view = await getRoundResults(ctx(res), selected.code);
        preview = { computation: view.computation, red: view.firms.filter((f) => f.list === 'red'), black: view.firms.filter((f) => f.list === 'black'), watch: view.firms.filter((f) => f.list === 'watch') };
      }
    }
    const objections = selected && hasResults(selected.status) ? await listObjections(ctx(res), selected.code) : [];
    const overdue: Objection[] = [];
    for (const x of rounds.filter((y) => y.status === 'publicized')) overdue.push(...(await listObjections(ctx(res), x.code)).filter((o) => o.overdue));
    const pending = { proposals: (await listProposals(ctx(res), { status: 'pending' })).length, rectifications: (await listRectifications(ctx(res), { pending: true })).length };
    const steps = STEPS.map((s) => ({
      ...s,
      refusal: selected && !canTake(s.step, selected.status) ? `当前「${statusLabel(selected.status)}」，须处于「${s.from.map(statusLabel).join('」或「')}」` : null,
    }));
    // A compute refused for missing scores (SPEC §5.3) offers the forced compute beside the list.
    const forceCompute = extra.error?.code === 'MISSING_SOURCES' && selected ? { round: selected.code, gaps: extra.error.details } : null;
    render(res, 'dashboard.njk', { title: '工作台', rounds, selected, completeness, survey, preview, steps, objections, overdue, pending, forceCompute, notice: extra.notice, error: errorView(extra.error) }, status);
  };

  r.get('/dashboard', async (req, res) => {
    const user = pageUser(req, res, BUREAU);
    if (user) await dashboard(req, res, user, { notice: doneNotice(req, res) });
  });
  const dashboardDone = (res: Response, code: string, done: string) => `/dashboard?round=${encodeURIComponent(code)}&${doneQuery(res, done)}`;
  const dashboardError = (req: Request, res: Response, user: Principal, error: DomainError, status: number) => dashboard(req, res, user, { error, round: req.params.code === undefined ? undefined : String(req.params.code) }, status);

  formPost(
    '/dashboard/rounds',
    BUREAU,
    async (req, res) => {
      const { code } = parseForm(req.body, NewRoundForm, LABELS);
      await createRound(ctx(res), { code });
      return dashboardDone(res, code, `已新建评价周期 ${code}`);
    },
    dashboardError,
  );

  formPost(
    '/dashboard/rounds/:code/:step',
    BUREAU,
    async (req, res) => {
      const code = String(req.params.code);
      const body = parseForm(req.body, StepForm, LABELS);
      const c = ctx(res);
      let done: string;
      switch (req.params.step) {
        case 'open': {
          const o = await openRound(c, code);
          done = `${code} 已开始录入（${o.firms} 家企业、${o.projects} 个项目）`;
          break;
        }
        case 'close': {
          const o = await closeRound(c, code);
          done = `${code} 已停止录入${o.problems.length ? `，有 ${o.problems.length} 类数据不全` : '，数据齐全'}`;
          break;
        }
        case 'compute': {
          const o = await computeRound(c, code, { force: body.force === '1' });
          const changes = o.changes === null ? '' : o.changes.length === 0 ? '；与上次计算相比名次和榜单没有变化' : `；与上次计算相比 ${o.changes.length} 家企业有变化：${o.changes.slice(0, 10).map((x) => x.text).join('；')}${o.changes.length > 10 ? '……' : ''}`;
          done = `${code} 第 ${o.computation} 次计算完成${changes}`;
          break;
        }
        case 'publicize': {
          const o = await publicizeRound(c, code, { days: body.days });
          done = `${code} 已公示，至 ${o.noticeEndsOn}`;
          break;
        }
        case 'publish':
          await publishRound(c, code, { early: body.early === '1', reason: body.reason });
          done = `${code} 已发布`;
          break;
        case 'reopen':
          await reopenRound(c, code, body.reason ?? '');
          done = `${code} 已重新开放`;
          break;
        default:
          throw new DomainError('NOT_FOUND', `没有这个操作：${req.params.step}`);
      }
      return dashboardDone(res, code, done);
    },
    dashboardError,
  );

  formPost(
    '/dashboard/rounds/:code/objections/:uscc',
    BUREAU,
    async (req, res) => {
      const code = String(req.params.code);
      const { decision, reason } = parseForm(req.body, ObjectionDecisionForm, LABELS);
      const o = await decideObjection(ctx(res), { round: code, uscc: String(req.params.uscc), decision, reason });
      const next = decision === 'upheld' ? '；请重新开放本周期、更正数据后重新计算和公示' : '';
      return dashboardDone(res, code, `已决定：${o.firmName} 的异议${decision === 'upheld' ? '成立' : '不成立'}${next}`);
    },
    dashboardError,
  );

  return r;
}
