/**
 * POST /api/v1/survey/responses (public, SPEC §10): a household answers with its code. 201 with the
 * round, the project and whether an earlier answer was replaced; 400 a malformed code, 403 an
 * unknown or revoked one, 409 a round no longer open, 422 answers that do not fit the
 * questionnaire (naming the item), 413 a body over 16 KB, 429 after 10 wrong codes from one address.
 */
import express, { type Response, Router } from 'express';
import { z } from 'zod';
import { SurveyAnswersInvalid, submitSurveyAnswer, surveyCodeLimiter as limiterOn } from '../app/survey-answers';
import { DomainError } from '../domain/errors';
import { DEFAULT_QUESTIONNAIRE, SURVEY_LEVELS } from '../domain/survey-questionnaire';
import type { ResolvedDeps } from './deps';
import { RequestInvalid } from './error-handler';
import { type RouteRegistry, route } from './route';

/** A household's answer is a few hundred bytes; 16 KB leaves room for a 500-character comment. */
export const SURVEY_BODY_LIMIT = '16kb';

const example = Object.fromEntries(DEFAULT_QUESTIONNAIRE.items.map((i, n) => [i.name, SURVEY_LEVELS[n % 2] as string]));

export const SurveyAnswerBody = z.strictObject(
  {
    code: z.string({ error: '缺少户码（code）' }).max(64, '户码过长').meta({ description: '通知书上的 10 位户码（大小写、空格和连字符不计）', example: 'K7M4Q9TXA2' }),
    answers: z
      .record(z.string(), z.unknown(), { error: '缺少问卷答案（answers）：应为 {"项目名":"满意程度"}' })
      .meta({ description: `每项一个满意程度：${SURVEY_LEVELS.join('、')}；项目为本周期问卷的各项（默认 ${DEFAULT_QUESTIONNAIRE.items.map((i) => i.name).join('、')}）`, example }),
    comment: z.string({ error: '留言（comment）应为文字' }).max(4000, '留言过长').nullable().optional().meta({ description: '留言，最多 500 字；不含任何住户信息地转给主管部门' }),
  },
  { error: '只能提交 code、answers 和 comment' },
);

export const SurveyAnswerResponse = z.object({
  round: z.string().meta({ description: '评价周期', example: '2025-H1' }),
  project: z.string().meta({ description: '项目编号' }),
  replaced: z.boolean().meta({ description: '是否替换了本户之前的作答' }),
});

/** The limiter of wrong codes per address, shared by the API and the phone pages. */
export function surveyCodeLimiter(deps: ResolvedDeps) {
  return limiterOn(deps.knex);
}

/** A 429 tells the client when to come back. */
export function withRetryAfter(res: Response, error: unknown): unknown {
  if (error instanceof DomainError && error.code === 'RATE_LIMITED') {
    const seconds = (error.details as { retryAfterSeconds?: number } | null)?.retryAfterSeconds;
    if (seconds) res.setHeader('Retry-After', String(seconds));
  }
  return error;
}

export function surveyApiRouter(deps: ResolvedDeps, registry: RouteRegistry): Router {
  const r = Router();
  const limiter = surveyCodeLimiter(deps);
  r.use('/survey/responses', express.json({ limit: SURVEY_BODY_LIMIT }));
  route(
    r,
    registry,
    {
      method: 'post',
      path: '/survey/responses',
      operationId: 'answerSurvey',
      summary: '居民凭户码提交问卷（同一户码在周期进行中再次提交则替换原答案）',
      tags: ['扫码评价'],
      access: 'public',
      body: SurveyAnswerBody,
      status: 201,
      response: SurveyAnswerResponse,
      errors: [429],
    },
    async ({ body }, req, res) => {
      try {
        const out = await submitSurveyAnswer(deps.ctxOf(res), limiter, { code: body.code, answers: body.answers, comment: body.comment, address: req.ip ?? 'unknown', userAgent: req.get('user-agent') ?? null });
        return { round: out.round, project: out.project, replaced: out.replaced };
      } catch (e) {
        if (e instanceof SurveyAnswersInvalid) throw new RequestInvalid(e.message, e.details);
        throw withRetryAfter(res, e);
      }
    },
  );
  return r;
}
