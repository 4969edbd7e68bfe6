/**
 * The residents' phone pages (扫码评价, SPEC §10), no account: `/s` asks for the household code,
 * `/s/<code>` (what the letter's QR code opens) shows the round's questionnaire — one fieldset a
 * item with its legend, a labelled radio button a level — and an optional comment. Every refusal
 * (malformed, unknown or revoked code, a round no longer open, too many wrong codes, an item left
 * unanswered) is a clear Chinese message on the page with the status the API would give.
 */
import express, { type Request, type Response, Router } from 'express';
import type nunjucks from 'nunjucks';
import { SurveyAnswersInvalid, openSurveyCode, submitSurveyAnswer } from '../app/survey-answers';
import { normalizeSurveyCode } from '../app/survey-codes';
import { DomainError, type FieldProblem } from '../domain/errors';
import { roundPeriod } from '../domain/round-code';
import { MAX_COMMENT_LENGTH, SURVEY_LEVELS } from '../domain/survey-questionnaire';
import type { ResolvedDeps } from './deps';
import { asDomainError, statusOf } from './error-handler';
import { checkFieldsOnce } from './form-fields';
import { pageLocals } from './page-locals';
import { SURVEY_BODY_LIMIT, surveyCodeLimiter, withRetryAfter } from './survey-api';

interface FormState {
  values: Record<string, string>;
  comment: string;
  problems: FieldProblem[];
}

export function surveyPageRouter(deps: ResolvedDeps, views: nunjucks.Environment): Router {
  const r = Router();
  const limiter = surveyCodeLimiter(deps);
  const form = express.urlencoded({ extended: false, limit: SURVEY_BODY_LIMIT, parameterLimit: 50 });
  const address = (req: Request): string => req.ip ?? 'unknown';

  const render = (res: Response, status: number, locals: Record<string, unknown>): void => {
    // A code in the address is a credential: no cache keeps the page.
    res.setHeader('Cache-Control', 'no-store');
    res.status(status).type('html').send(views.render('survey.njk', { ...pageLocals(res), ...locals }));
  };

  const refusal = (res: Response, e: unknown, code: string): void => {
    const error = asDomainError(withRetryAfter(res, e));
    const status = statusOf(error);
    if (status >= 500) throw error;
    const closed = error.code === 'ROUND_STATE';
    render(res, status, { title: closed ? '问卷已截止' : '请输入户码', view: closed ? 'closed' : 'enter', code, error: { message: error.message, items: [] } });
  };

  const questionnaire = async (req: Request, res: Response, rawCode: string, state: FormState | null, status = 200): Promise<void> => {
    let view;
    try {
      // A first showing starts the household's answering time; showing the form again after a refusal does not.
      view = await openSurveyCode(deps.ctxOf(res), limiter, rawCode, address(req), { shown: state === null });
    } catch (e) {
      return refusal(res, e, rawCode);
    }
    const invalid = new Set((state?.problems ?? []).map((p) => p.column));
    const items = view.questionnaire.items.map((item, index) => ({ index, name: item.name, value: state?.values[item.name] ?? null, invalid: invalid.has(`answers.${item.name}`) }));
    render(res, status, {
      title: view.projectName,
      view: 'form',
      code: normalizeSurveyCode(rawCode),
      projectName: view.projectName,
      periodLabel: roundPeriod(view.round).label,
      answered: view.answered,
      items,
      levels: SURVEY_LEVELS,
      maxComment: MAX_COMMENT_LENGTH,
      comment: state?.comment ?? '',
      commentInvalid: invalid.has('comment'),
      error: state && state.problems.length ? { message: '还有题目没有完成，请检查标红的部分：', items: state.problems.map((p) => p.message) } : null,
    });
  };

  r.get('/s', (_req, res) => render(res, 200, { title: '请输入户码', view: 'enter', code: '' }));

  r.post('/s', form, async (req, res) => {
    checkFieldsOnce(req.body);
    const raw = String((req.body as Record<string, unknown>)['code'] ?? '');
    try {
      const view = await openSurveyCode(deps.ctxOf(res), limiter, raw, address(req));
      if (view) res.redirect(303, `/s/${normalizeSurveyCode(raw) as string}`);
    } catch (e) {
      refusal(res, e, raw.slice(0, 20));
    }
  });

  r.get('/s/:code', async (req, res) => {
    await questionnaire(req, res, String(req.params['code']), null);
  });

  r.post('/s/:code', form, async (req, res) => {
    checkFieldsOnce(req.body);
    const rawCode = String(req.params['code']);
    const body = req.body as Record<string, unknown>;
    const opened = await openSurveyCode(deps.ctxOf(res), limiter, rawCode, address(req)).catch((e: unknown) => {
      refusal(res, e, rawCode);
      return null;
    });
    if (opened === null) return;
    const values: Record<string, string> = {};
    opened.questionnaire.items.forEach((item, index) => {
      const v = body[`q${index}`];
      if (typeof v === 'string' && v !== '') values[item.name] = v;
    });
    const comment = typeof body['comment'] === 'string' ? body['comment'] : '';
    try {
      const out = await submitSurveyAnswer(deps.ctxOf(res), limiter, { code: rawCode, answers: values, comment, address: address(req), userAgent: req.get('user-agent') ?? null });
      render(res, 201, { title: '提交成功', view: 'done', projectName: out.projectName, replaced: out.replaced });
    } catch (e) {
      if (e instanceof SurveyAnswersInvalid) return questionnaire(req, res, rawCode, { values, comment, problems: e.details as FieldProblem[] }, 422);
      if (e instanceof DomainError) return refusal(res, e, rawCode);
      throw e;
    }
  });
  return r;
}
