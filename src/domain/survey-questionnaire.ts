/**
 * The resident questionnaire of the online survey (扫码评价, SPEC §10): items with weights, each
 * answered with one of the five levels 非常满意/满意/一般/不满意/非常不满意 (100/80/60/40/20).
 * A household's score is the weighted mean of its items, computed exactly and stored in hundredths
 * (rounded half-up once, which the default equal weights never need: five multiples of 20 points
 * average to a whole number of hundredths).
 */
import { ANSWER_HUNDREDTHS } from './answers';
import { exact } from './exact';
import type { Exact, Hundredths, SurveyAnswer } from './types';

export interface QuestionnaireItem {
  /** The item as residents read it and as the API names it, e.g. 安全秩序. */
  name: string;
  /** A positive integer weight; items are weighted relative to each other. */
  weight: number;
}

export interface Questionnaire {
  items: readonly QuestionnaireItem[];
}

/** The five levels, best first, as the page lists them. */
export const SURVEY_LEVELS: readonly SurveyAnswer[] = ['非常满意', '满意', '一般', '不满意', '非常不满意'];

/** The default questionnaire: five items, equal weights. */
export const DEFAULT_QUESTIONNAIRE: Questionnaire = {
  items: ['安全秩序', '环境卫生', '绿化养护', '设施维修', '服务态度'].map((name) => ({ name, weight: 1 })),
};

/** Longest comment a household may leave, in characters. */
export const MAX_COMMENT_LENGTH = 500;

export interface AnswerProblem {
  /** The item named, or `answers` for the whole set. */
  field: string;
  message: string;
}

export type CheckedAnswers = { ok: true; answers: Record<string, SurveyAnswer>; score: Hundredths; exactScore: Exact } | { ok: false; problems: AnswerProblem[] };

const isLevel = (v: unknown): v is SurveyAnswer => typeof v === 'string' && Object.prototype.hasOwnProperty.call(ANSWER_HUNDREDTHS, v);

/**
 * Checks a household's answers against the questionnaire: every item answered once with one of the
 * five levels, no item the questionnaire does not have. Returns the answers in questionnaire order
 * and the household score, or every problem found (each naming its item).
 */
export function checkAnswers(q: Questionnaire, raw: Readonly<Record<string, unknown>>): CheckedAnswers {
  const problems: AnswerProblem[] = [];
  const names = new Set(q.items.map((i) => i.name));
  for (const key of Object.keys(raw)) {
    if (!names.has(key)) problems.push({ field: key, message: `问卷中没有「${key}」这一项：应回答 ${q.items.map((i) => i.name).join('、')}` });
  }
  const answers: Record<string, SurveyAnswer> = {};
  let weighted = 0n;
  let weights = 0n;
  for (const item of q.items) {
    const value = Object.prototype.hasOwnProperty.call(raw, item.name) ? raw[item.name] : undefined;
    if (value === undefined || value === null || value === '') {
      problems.push({ field: item.name, message: `「${item.name}」没有作答：请选择 ${SURVEY_LEVELS.join('、')} 之一` });
      continue;
    }
    if (!isLevel(value)) {
      problems.push({ field: item.name, message: `「${item.name}」的回答「${String(value)}」不是 ${SURVEY_LEVELS.join('、')} 之一` });
      continue;
    }
    answers[item.name] = value;
    weighted += BigInt(item.weight) * BigInt(ANSWER_HUNDREDTHS[value]);
    weights += BigInt(item.weight);
  }
  if (problems.length > 0) return { ok: false, problems };
  const exactScore = exact(weighted, weights * 100n);
  // Half-up to whole hundredths: (2·w + W) div (2·W) for non-negative w.
  const score = Number((2n * weighted + weights) / (2n * weights));
  return { ok: true, answers, score, exactScore };
}
