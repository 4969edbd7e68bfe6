/**
 * Server-rendered pages (SPEC §7), in Chinese, usable on a phone, no build step: nunjucks with
 * autoescape on, so every value a user or a file supplied is HTML-escaped by the engine.
 */
import { join } from 'node:path';
import { type Request, type Response, Router } from 'express';
import nunjucks from 'nunjucks';
import { z } from 'zod';
import { ROLE_LABELS, type Principal, type Role } from '../app/accounts';
import { firmHistory } from '../app/firm-history';
import { decideProposal, listInterviews, listProposals, listRectifications, recordInterview, recordReinspection } from '../app/follow-up';
import { importRoundData } from '../app/import-round-data';
import { flagLabel, formatScore, listLabel, statusLabel } from '../app/labels';
import { type Objection, decideObjection, listObjections } from '../app/objections';
import { getRoundResults } from '../app/results';
import { rankingView } from '../app/ranking';
import { closeRound, computeRound, createRound, listRounds, openRound, publicizeRound, publishRound, reopenRound, roundCompletenessReport, type RoundSummary } from '../app/rounds';
import { enterStreetScores, streetProjects } from '../app/score-entry';
import { surveyComments } from '../app/survey-comments';
import { surveyProgress } from '../app/survey-progress';
import { DomainError, type FieldProblem } from '../domain/errors';
import { ROUND_TRANSITIONS, acceptsEntries, canTake, hasResults } from '../domain/round-lifecycle';
import type { RoundStatus } from '../domain/types';
import type { RoundCompleteness } from '../db/completeness';
import { ROUND_KIND_LABELS, chinaDateTime } from '../reports/labels';
import { completenessFor } from './api';
import { authOf, checkCsrf } from './auth';
import type { ResolvedDeps } from './deps';
import { asDomainError, statusOf } from './error-handler';
import { BUREAU, REGULATOR_WRITERS, STREET_SCORE_WRITERS } from './policy';
import { pageLocals } from './page-locals';
import { errorView, pageKit, problemsOf } from './pages/kit';
import { doneNotice, doneQuery } from './notice';
import { uploadMiddleware } from './uploads';

export function viewEnvironment(): nunjucks.Environment {
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(join(__dirname, 'views')), { autoescape: true, throwOnUndefined: false });
  env.addGlobal('score', (h: number | null | undefined) => formatScore(h ?? null));
  env.addGlobal('statusLabel', (s: RoundStatus) => statusLabel(s));
  env.addGlobal('listLabel', (l: 'red' | 'black' | 'watch' | null) => (l ? listLabel(l) : '—'));
  env.addGlobal('flagLabel', flagLabel);
  env.addGlobal('roleLabel', (r: Role) => ROLE_LABELS[r] ?? r);
  env.addFilter('chinaTime', (at: Date | string) => chinaDateTime(at instanceof Date ? at.toISOString() : at));
  env.addGlobal('kindLabel', (k: 'half' | 'annual') => ROUND_KIND_LABELS[k] ?? k);
  return env;
}

/** The dashboard's lifecycle buttons: the steps of the round's transition table, in its order. */
const STEPS = ROUND_TRANSITIONS.map(({ step, label, from }) => ({ step, label, from }));

/** The ranking page's query: which page, and what to search for (a bad value is just ignored). */
const RankingQuery = z.object({ page: z.coerce.number().int().min(1).max(100_000).default(1), q: z.string().max(100).default('') });

/** Rows of a survey progress table shown on a page (the CLI and the JSON give all). */
const SURVEY_ROWS_SHOWN = 200;
/** Residents' comments the dashboard shows, newest first. */
const NEWEST_COMMENTS = 20;


/** A radio choice of a form: one of `allowed`, or a bad-input error naming the field. */
function choice<T extends string>(value: string | undefined, allowed: readonly T[], column: string, message: string, problem: string): T {
  if (value !== undefined && (allowed as readonly string[]).includes(value)) return value as T;
  throw new DomainError('INPUT_INVALID', message, [{ row: null, column, message: problem }]);
}

export function pagesRouter(deps: ResolvedDeps, views: nunjucks.Environment): Router {
  const r = Router();
  const upload = uploadMiddleware(deps.uploadMaxBytes);
  const ctx = deps.ctxOf;

  const { render, pageUser, formPost } = pageKit(r, views);

  // ---- public ----
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

  /**
   * The online survey's progress for a page (SPEC §10): households answered online against the
   * codes, per project and per firm against its required sample; null while the round has no codes.
   */
  const surveyPanel = async (res: Response, code: string, street: string | null, completeness?: RoundCompleteness) => {
    const progress = await surveyProgress(ctx(res), code, { ...(street ? { street } : {}), ...(completeness ? { completeness } : {}) });
    const codes = progress.projects.reduce((n, x) => n + x.codes, 0);
    if (codes === 0) return null;
    const short = progress.firms.filter((f) => f.missing > 0).sort((a, b) => b.missing - a.missing || a.uscc.localeCompare(b.uscc));
    return {
      codes,
      online: progress.projects.reduce((n, x) => n + x.online, 0),
      projects: progress.projects.slice(0, SURVEY_ROWS_SHOWN),
      projectCount: progress.projects.length,
      firms: progress.firms.length,
      short: short.slice(0, SURVEY_ROWS_SHOWN),
      shortCount: short.length,
      comments: street ? [] : (await surveyComments(ctx(res), code, { newest: NEWEST_COMMENTS })).comments,
    };
  };

  // ---- bureau dashboard ----
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
      if (report && ['open', 'closed'].includes(selected.status) && selected.kind === 'half') survey = await surveyPanel(res, selected.code, null, report.detail as RoundCompleteness);
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
      const code = String((req.body as Record<string, unknown>).code ?? '').trim();
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
      const body = req.body as Record<string, string | undefined>;
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
          const o = await publicizeRound(c, code, { days: body.days ?? '7' });
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
      const body = req.body as Record<string, string | undefined>;
      const decision = choice(body.decision, ['upheld', 'rejected'] as const, 'decision', '请选择异议成立或不成立。', '未选择决定');
      const o = await decideObjection(ctx(res), { round: code, uscc: String(req.params.uscc), decision, reason: body.reason ?? '' });
      const next = decision === 'upheld' ? '；请重新开放本周期、更正数据后重新计算和公示' : '';
      return dashboardDone(res, code, `已决定：${o.firmName} 的异议${decision === 'upheld' ? '成立' : '不成立'}${next}`);
    },
    dashboardError,
  );

  // ---- follow-up: re-inspections (bureau, regulators) and proposals (bureau) ----
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
      const body = req.body as Record<string, string | undefined>;
      const result = choice(body.result, ['passed', 'failed'] as const, 'result', '请选择复查结论：通过或未通过。', '未选择复查结论');
      await recordReinspection(ctx(res), { round: String(req.params.code), uscc: String(req.params.uscc), result, note: body.note?.trim() || undefined });
      return followUpDone(res, `已录入 ${req.params.code} ${req.params.uscc} 的复查结论：${result === 'passed' ? '通过' : '未通过'}`);
    },
    followUpError,
  );
  formPost(
    '/follow-up/interviews/:code/:uscc',
    BUREAU,
    async (req, res) => {
      const body = req.body as Record<string, string | undefined>;
      const i = await recordInterview(ctx(res), { round: String(req.params.code), uscc: String(req.params.uscc), heldOn: body.heldOn, note: body.note ?? '' });
      return followUpDone(res, `已记录 ${i.firmName} 的约谈（${i.heldOn}）`);
    },
    followUpError,
  );
  formPost(
    '/follow-up/proposals/:id',
    BUREAU,
    async (req, res) => {
      const body = req.body as Record<string, string | undefined>;
      const decision = choice(body.decision, ['approved', 'rejected'] as const, 'decision', '请选择批准或驳回。', '未选择决定');
      const id = Number(req.params.id);
      if (!Number.isSafeInteger(id) || id <= 0) throw new DomainError('NOT_FOUND', `处置建议 ${req.params.id} 不存在。`);
      const p = await decideProposal(ctx(res), { id, decision, reason: body.reason ?? '' });
      return followUpDone(res, `已${decision === 'approved' ? '批准' : '驳回'}对 ${p.firmName} 的${p.kind === 'disqualification' ? '取消从业资格' : '清退'}建议`);
    },
    followUpError,
  );

  // ---- street score entry ----
  const entry = async (req: Request, res: Response, user: Principal, extra: { round?: string; error?: DomainError; notice?: string; typed?: Record<string, { score: string; note: string; invalid: boolean }> } = {}, status = 200) => {
    const open = (await listRounds(ctx(res))).filter((x) => acceptsEntries(x.status) && x.kind === 'half');
    const wanted = extra.round ?? (typeof req.query.round === 'string' ? req.query.round : undefined);
    const round = open.find((x) => x.code === wanted)?.code ?? open[open.length - 1]?.code ?? null;
    const street = user.role === 'street' ? user.street : null;
    const projects = round ? await streetProjects(ctx(res), round, { street }) : [];
    const survey = round ? await surveyPanel(res, round, street) : null;
    render(
      res,
      'entry.njk',
      {
        survey,
        title: '街道评分录入',
        rounds: open,
        round,
        street,
        streetName: user.streetName,
        projects,
        scored: projects.filter((p) => p.score !== null).length,
        notice: extra.notice,
        error: errorView(extra.error),
        typed: extra.typed ?? {},
      },
      status,
    );
  };
  r.get('/entry', async (req, res) => {
    const user = pageUser(req, res, STREET_SCORE_WRITERS);
    if (user) await entry(req, res, user, { notice: doneNotice(req, res) });
  });
  /** What the clerk typed in the entry table, per project, so a refused save shows it again. */
  const typedEntries = (req: Request) => {
    const body = req.body as Record<string, string | string[] | undefined>;
    const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
    const scores = list(body.score);
    const notes = list(body.note);
    return list(body.project).map((projectCode, i) => ({ projectCode, score: scores[i] ?? '', note: notes[i] ?? '', tableRow: i + 1 }));
  };
  formPost(
    '/entry/:code/scores',
    STREET_SCORE_WRITERS,
    async (req, res, user) => {
      const code = String(req.params.code);
      const kept = typedEntries(req).filter((e) => e.score.trim() !== '');
      const entries = kept.map((e) => ({ projectCode: e.projectCode, score: e.score, note: e.note || null }));
      try {
        const out = await enterStreetScores(ctx(res), code, entries, { street: user.role === 'street' ? user.street : null });
        return `/entry?round=${encodeURIComponent(code)}&${doneQuery(res, `已保存 ${out.entered} 个项目的评分${out.replaced ? `（更正 ${out.replaced} 个）` : ''}`)}`;
      } catch (e) {
        // The use case numbers the scores it was given; the page numbers the rows of its table.
        const error = asDomainError(e);
        if (Array.isArray(error.details)) {
          const details = (error.details as FieldProblem[]).map((p) => (typeof p.row === 'number' ? { ...p, row: kept[p.row - 1]?.tableRow ?? p.row } : p));
          throw new DomainError(error.code, error.message, details);
        }
        throw error;
      }
    },
    (req, res, user, error, status) => {
      const bad = new Set(problemsOf(error).map((p) => p.row));
      const typed = Object.fromEntries(typedEntries(req).map((e) => [e.projectCode, { score: e.score, note: e.note, invalid: bad.has(e.tableRow) }]));
      return entry(req, res, user, { round: String(req.params.code), error, typed }, status);
    },
    { repeatable: ['project', 'score', 'note'] },
  );
  r.post(
    '/entry/:code/upload',
    (req, res, next) => {
      if (pageUser(req, res, STREET_SCORE_WRITERS)) next();
    },
    upload,
    async (req, res) => {
      const user = authOf(res).user as Principal;
      checkCsrf(req, res);
      const code = String(req.params.code);
      try {
        if (!req.file) throw new DomainError('INPUT_INVALID', '请选择要上传的文件。');
        const out = await importRoundData(ctx(res), code, 'street', req.file.path, user.role === 'street' && user.street ? { streetScope: user.street } : {});
        res.redirect(303, `/entry?round=${encodeURIComponent(code)}&${doneQuery(res, `已导入 ${out.rows} 行街道评分${out.replaced ? `（更正 ${out.replaced} 个）` : ''}`)}`);
      } catch (e) {
        const error = asDomainError(e);
        await entry(req, res, user, { round: code, error }, statusOf(error));
      }
    },
  );

  return r;
}

/** Renders an error as a page (the error middleware uses this outside /api). */
export function renderErrorPage(views: nunjucks.Environment) {
  return (_req: Request, res: Response, error: DomainError, status: number): void => {
    res
      .status(status)
      .type('html')
      .send(views.render('error.njk', { ...pageLocals(res), title: status === 404 ? '页面不存在' : status === 403 ? '无权访问' : '出错了', message: error.message, problems: problemsOf(error) }));
  };
}
