/**
 * SPEC §5.12: every firm's result carries an explanation — each input that went in, each rule that
 * fired (SPEC number, a stable code, Chinese text) — and the reasons for its list placement.
 * This module holds the shared vocabulary; each rule's file records its own firings as facts, worded
 * by src/domain/wording.ts when the explanation is read (renderExplanation).
 */
import { type ExplainedInput, type Explanation, type ExplanationFacts, type Phrase, type RuleFiring } from './types';
import { SOURCE_NAMES, renderPhrase } from './wording';

export const SOURCE_LABELS = SOURCE_NAMES;

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

export function fire(rule: string, code: string, text: Phrase): RuleFiring<Phrase> {
  return { rule, code, text };
}

export function input(source: ExplainedInput['source'], subject: Phrase, value: Phrase): ExplainedInput<Phrase> {
  return { source, subject, value };
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

/** The rules that fired, worded, in the order they fired. */
export function renderRules(rules: readonly RuleFiring<Phrase>[]): RuleFiring[] {
  return rules.map((r) => ({ rule: r.rule, code: r.code, text: renderPhrase(r.text) }));
}

/**
 * An explanation as a person reads it: every phrase worded, the inputs ordered by source, subject
 * and value so that the text does not depend on the order the inputs came in.
 */
export function renderExplanation(facts: ExplanationFacts): Explanation {
  const inputs = facts.inputs.map((i) => ({ source: i.source, subject: renderPhrase(i.subject), value: renderPhrase(i.value) }));
  inputs.sort((a, b) => SOURCE_ORDER[a.source] - SOURCE_ORDER[b.source] || compareText(a.subject, b.subject) || compareText(a.value, b.value));
  return { inputs, rules: renderRules(facts.rules) };
}

/** Code-point order: deterministic, locale-independent. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
