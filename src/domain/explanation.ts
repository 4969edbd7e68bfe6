/**
 * SPEC §5.12: every firm's result carries an explanation — each input that went in, each rule that
 * fired (SPEC number, a stable code, Chinese text) — and the reasons for its list placement.
 * This module holds the shared vocabulary; each rule's file words its own firings.
 */
import { type ExplainedInput, type Explanation, type RuleFiring, type Source, type SurveyExclusionInput } from './types';

export const SOURCE_LABELS: Record<Source, string> = {
  resident: '居民群众评分',
  regulator: '行管部门评分',
  street: '街道社区评分',
};

/** What each rule number of a firing is called where a person reads it (the CLI's explanation, pages). */
export const RULE_TITLES: Record<string, string> = {
  '5.1': '项目得分汇总到企业',
  '5.2': '综合得分',
  '5.3': '缺少评分',
  '5.4': '精确计算与四舍五入',
  '5.5': '问卷样本量',
  '5.6': '红榜',
  '5.7': '黑榜',
  '5.8': '重点监管',
  '5.9': '发布后的处置',
  '5.10': '年度综合评价',
  '5.11': '评定等级',
};

/** A firing's rule as a person reads it: its title, never a section number. */
export function ruleTitle(rule: string): string {
  return RULE_TITLES[rule] ?? '评价规则';
}

export function fire(rule: string, code: string, text: string): RuleFiring {
  return { rule, code, text };
}

export function input(source: ExplainedInput['source'], subject: string, value: string): ExplainedInput {
  return { source, subject, value };
}

/**
 * A project's excluded online answers as its explanation reads them: how many households, on which
 * day, and the bureau's written reason (SPEC §10).
 */
export function surveyExclusionText(e: SurveyExclusionInput): string {
  return `${e.day} 排除网上答案 ${e.households} 户（疑似刷票，理由：${e.reason}），不计入居民评分和样本量`;
}

/** A percentage from a rule document (10 → "10%", 12.5 → "12.5%"). */
export function percentLabel(share: number): string {
  return `${share}%`;
}

/** A 0–100 rule threshold (85 → "85分", 59.5 → "59.5分"). */
export function pointsLabel(points: number): string {
  return `${points}分`;
}

const SOURCE_ORDER: Record<ExplainedInput['source'], number> = { resident: 0, regulator: 1, street: 2, complaints: 3, event: 4, rectification: 5, half: 6 };

/** Orders an explanation so that it does not depend on the order the inputs came in. */
export function sortedExplanation(inputs: ExplainedInput[], rules: RuleFiring[]): Explanation {
  const sortedInputs = [...inputs].sort(
    (a, b) => SOURCE_ORDER[a.source] - SOURCE_ORDER[b.source] || compareText(a.subject, b.subject) || compareText(a.value, b.value),
  );
  return { inputs: sortedInputs, rules: [...rules] };
}

/** Code-point order: deterministic, locale-independent. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
