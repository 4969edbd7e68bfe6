import type { Hundredths, SurveyAnswer } from './types';

/** 居民满意度五级答案 → score in hundredths (100/80/60/40/20 points). */
export const ANSWER_HUNDREDTHS: Readonly<Record<SurveyAnswer, Hundredths>> = {
  非常满意: 10000,
  满意: 8000,
  一般: 6000,
  不满意: 4000,
  非常不满意: 2000,
};

/** The score of a five-level answer (surrounding spaces ignored), or null when the text is not one of the five. */
export function answerToHundredths(text: string): Hundredths | null {
  const key = text.trim();
  return Object.prototype.hasOwnProperty.call(ANSWER_HUNDREDTHS, key) ? ANSWER_HUNDREDTHS[key as SurveyAnswer] : null;
}
