/**
 * The Chinese wording of explanations (SPEC §5.12). The engine records what happened as facts — a
 * wording key and its arguments, e.g. ['survey_responses', 312, '86.12'] — and the text is made
 * from them when a person reads one firm's explanation. A province computation stores 20,000
 * explanations; their facts are a fraction of the text's size and cost nothing to build.
 *
 * Stored results keep their keys for ever, so a key's wording never changes once released: a new
 * wording is a new key (the old one stays for the results that used it). The wording test renders
 * every key with fixed arguments against its recorded text and fails when one changes.
 * Numbers arrive formatted ("86.12", "1723/20"): a wording never depends on formatting code.
 */
import type { Phrase, Source, WordingArg, WordingFact } from './types';

/** The three sources as explanations name them. */
export const SOURCE_NAMES: Readonly<Record<Source, string>> = Object.freeze({
  resident: '居民群众评分',
  regulator: '行管部门评分',
  street: '街道社区评分',
});

const names = (sources: readonly string[]): string => sources.map((s) => SOURCE_NAMES[s as Source] ?? s).join('、');
const EVENT_KINDS: Readonly<Record<string, string>> = Object.freeze({ veto: '一票否决', serious: '严重违规', general: '一般' });

const WORDING = {
  // inputs: subjects
  project: (code: string, name: string) => `${code} ${name}`,
  project_households: (code: string, name: string, households: number) => `${code} ${name}（${households} 户）`,
  project_street_households: (code: string, name: string, street: string, households: number) => `${code} ${name}（${street}，${households} 户）`,
  deduction_item: (code: string, description: string, projectCode: string | null) =>
    `${code} ${description}（${projectCode === null ? '企业层面' : `项目 ${projectCode}`}）`,
  event: (date: string, type: string, projectCode: string | null) => `${date} ${type}${projectCode === null ? '' : `（项目 ${projectCode}）`}`,
  // inputs: values
  survey_responses: (count: number, mean: string) => `${count} 份有效问卷，均分 ${mean}`,
  survey_summary: (count: number, mean: string) => `调查机构汇总：${count} 份有效样本，平均分 ${mean}`,
  survey_exclusion: (day: string, households: number, reason: string) =>
    `${day} 排除网上答案 ${households} 户（疑似刷票，理由：${reason}），不计入居民评分和样本量`,
  deduction_points: (bonus: boolean, points: string, rows: number) =>
    `${bonus ? '加' : '扣'} ${points} 分${rows > 1 ? `（同一项目记录 ${rows} 次，按一次计，取最高分值）` : ''}`,
  bonus_capped: (bonus: string, cap: string) => `加分合计 ${bonus} 分，按上限计 ${cap} 分`,
  deduction_total: (deductions: string, bonus: string, score: string) => `基础分 100，扣 ${deductions} 分，加 ${bonus} 分，得 ${score} 分`,
  event_kind: (kind: string, note: string | null) => `${EVENT_KINDS[kind] ?? kind}${note === null ? '' : `：${note}`}`,
  complaints: (count: number) => `投诉 ${count} 件`,
  complaints_total: (count: number, households: number, per1000: string) => `投诉 ${count} 件，${households} 户，每千户 ${per1000} 件`,
  half_result: (composite: string, resident: string | null, regulator: string | null, street: string | null, flags: readonly string[]) =>
    `综合得分 ${composite}（居民 ${resident ?? '无'}，行管 ${regulator ?? '无'}，街道 ${street ?? '无'}）${flags.length > 0 ? `，标记：${flags.join('、')}` : ''}`,
  // rules: §5.1–§5.5
  resident_mean: (score: string) => `居民群众评分按各项目户数加权平均：${score}`,
  street_mean: (score: string) => `街道社区评分按各项目户数加权平均：${score}`,
  missing_excluded: (missing: readonly string[]) => `缺少${names(missing)}，不参与排名`,
  missing_renormalized: (missing: readonly string[], forced: boolean, weights: string) =>
    `缺少${names(missing)}，${forced ? '经强制计算，' : ''}按其余来源权重 ${weights} 重新归一计算`,
  composite_weighted: (used: readonly string[], weights: string) => `综合得分 = ${names(used)}按 ${weights} 加权平均`,
  half_up: (exactValue: string, rounded: string) => `综合得分精确值 ${exactValue}，四舍五入保留两位小数为 ${rounded}`,
  annual_half_up: (exactValue: string, rounded: string) => `年度综合得分精确值 ${exactValue}，四舍五入保留两位小数为 ${rounded}`,
  sample_insufficient: (households: number, required: number, responses: number) =>
    `${households} 户至少需 ${required} 份有效问卷，实有 ${responses} 份，样本量不足，不得列入红榜`,
  sample_sufficient: (households: number, required: number, responses: number) =>
    `${households} 户至少需 ${required} 份有效问卷，实有 ${responses} 份，样本量充足`,
  ranked: (rank: number, ranked: number) => `按综合得分（两位小数）及并列处理规则排名第 ${rank} 名（共 ${ranked} 家参与排名）`,
  graded: (score: string, grade: string) => `综合得分 ${score} 评定为 ${grade} 级`,
  // rules: §5.6 red
  red_tie: (share: string, included: boolean) => `完全并列跨越前${share}分界，${included ? '一并纳入' : '均不纳入'}红榜候选`,
  red_listed: (share: string, minimum: string) => `位列前${share}，综合得分不低于${minimum}且无否决情形，列入红榜`,
  red_blocked: (share: string, blockers: readonly string[]) => `位列前${share}，但${blockers.join('、')}，不列入红榜`,
  red_refill: (share: string) => `前${share}中有企业未能入榜，按递补规则列入红榜`,
  red_listed_grade: (grade: string) => `评定等级 ${grade} 属于红榜等级，列入红榜`,
  red_blocked_grade: (grade: string, blockers: readonly string[]) => `评定为 ${grade} 级，但${blockers.join('、')}，不列入红榜`,
  // rules: §5.7 black
  veto_black: (events: readonly string[]) => `存在一票否决事件（${events.join('、')}），不论排名列入黑榜`,
  black_listed_grade: (grade: string) => `评定等级 ${grade} 属于黑榜等级，列入黑榜`,
  black_tie: (share: string, included: boolean) => `完全并列跨越倒数${share}分界，${included ? '一并纳入' : '均不纳入'}倒数${share}候选`,
  black_not_met: (share: string, threshold: string) => `位列倒数${share}，但不低于${threshold}，且无未整改或严重违规，不列入黑榜`,
  black_listed: (share: string, conditions: readonly string[]) => `位列倒数${share}且${conditions.join('、')}，列入黑榜`,
  // rules: §5.8 key supervision
  watch_grade: (grade: string) => `评定等级 ${grade} 属于重点监管等级，列入重点监管`,
  watch_slice: (share: string) => `位列倒数${share}但未达到黑榜条件，列入重点监管`,
  high_complaints: (per1000: string, above: string) => `每千户投诉 ${per1000} 件，超过${above}件`,
  watch_complaints: (per1000: string, above: string) => `每千户投诉 ${per1000} 件，超过${above}件，列入重点监管`,
  // rules: §5.10 year-end
  single_half: (half: string) => `仅有${half}成绩，年度综合得分取该半年度成绩`,
  annual_mean: (weights: string) => `年度综合得分 = 上半年、下半年综合得分按 ${weights} 加权平均`,
  carried_flag: (flag: string) => `半年度的“${flag}”标记带入年度评价`,
} as const;

export type WordingKey = keyof typeof WORDING;

/** Every key, for the wording test. */
export const WORDING_KEYS = Object.keys(WORDING) as WordingKey[];

/** A fact to be worded when read: say('complaints', 3) reads 投诉 3 件. */
export function say<K extends WordingKey>(key: K, ...args: Parameters<(typeof WORDING)[K]>): WordingFact {
  return [key, ...(args as WordingArg[])];
}

/** The text of a phrase; literal text is its own. */
export function renderPhrase(phrase: Phrase): string {
  if (typeof phrase === 'string') return phrase;
  const [key, ...args] = phrase;
  const wording = (WORDING as Record<string, ((...a: WordingArg[]) => string) | undefined>)[key];
  if (wording === undefined) throw new Error(`explanation wording "${key}" is unknown to this version`);
  return wording(...args);
}
