/**
 * Stored results keep their wording keys for ever, so a released wording never changes: each key is
 * rendered here with fixed arguments against the text it has always given. A test failing here means
 * a stored explanation would now read differently; give the new wording a new key instead.
 */
import type { WordingArg } from '../../../src/domain/types';
import { WORDING_KEYS, renderPhrase, say } from '../../../src/domain/wording';

/** key: [...arguments, the text]. */
const RELEASED: Record<string, WordingArg[]> = {
  project: ['XM0000001', '幸福家园1号院', 'XM0000001 幸福家园1号院'],
  project_households: ['XM0000001', '幸福家园1号院', 1039, 'XM0000001 幸福家园1号院（1039 户）'],
  project_street_households: ['XM0000001', '幸福家园1号院', '东宁街道', 1039, 'XM0000001 幸福家园1号院（东宁街道，1039 户）'],
  deduction_item: ['D01', '公共区域保洁不到位', 'XM0000001', 'D01 公共区域保洁不到位（项目 XM0000001）'],
  event: ['2025-03-01', '消防通道堵塞', null, '2025-03-01 消防通道堵塞'],
  survey_responses: [312, '86.12', '312 份有效问卷，均分 86.12'],
  survey_summary: [425, '78.6666666666667', '调查机构汇总：425 份有效样本，平均分 78.6666666666667'],
  survey_exclusion: ['2025-05-12', 37, '同一设备短时间内大量作答', '2025-05-12 排除网上答案 37 户（疑似刷票，理由：同一设备短时间内大量作答），不计入居民评分和样本量'],
  deduction_points: [false, '2.00', 3, '扣 2.00 分（同一项目记录 3 次，按一次计，取最高分值）'],
  bonus_capped: ['7', '5', '加分合计 7 分，按上限计 5 分'],
  deduction_total: ['4.5', '5', '100', '基础分 100，扣 4.5 分，加 5 分，得 100 分'],
  event_kind: ['serious', '已责令限期整改', '严重违规：已责令限期整改'],
  complaints: [3, '投诉 3 件'],
  complaints_total: [3, 3865, '0.78', '投诉 3 件，3865 户，每千户 0.78 件'],
  half_result: ['85.40', '86.00', null, '84.10', ['insufficient_sample', 'veto'], '综合得分 85.40（居民 86.00，行管 无，街道 84.10），标记：insufficient_sample、veto'],
  resident_mean: ['97.96', '居民群众评分按各项目户数加权平均：97.96'],
  street_mean: ['98.92', '街道社区评分按各项目户数加权平均：98.92'],
  missing_excluded: [['regulator', 'street'], '缺少行管部门评分、街道社区评分，不参与排名'],
  missing_renormalized: [['regulator'], true, '5:2', '缺少行管部门评分，经强制计算，按其余来源权重 5:2 重新归一计算'],
  composite_weighted: [['resident', 'regulator', 'street'], '5:3:2', '综合得分 = 居民群众评分、行管部门评分、街道社区评分按 5:3:2 加权平均'],
  half_up: ['290107491/2937400', '98.76', '综合得分精确值 290107491/2937400，四舍五入保留两位小数为 98.76'],
  annual_half_up: ['1723/20', '86.15', '年度综合得分精确值 1723/20，四舍五入保留两位小数为 86.15'],
  sample_insufficient: [3865, 520, 300, '3865 户至少需 520 份有效问卷，实有 300 份，样本量不足，不得列入红榜'],
  sample_sufficient: [3865, 520, 756, '3865 户至少需 520 份有效问卷，实有 756 份，样本量充足'],
  ranked: [1, 20000, '按综合得分（两位小数）及并列处理规则排名第 1 名（共 20000 家参与排名）'],
  graded: ['92.10', 'AAA', '综合得分 92.10 评定为 AAA 级'],
  red_tie: ['10%', false, '完全并列跨越前10%分界，均不纳入红榜候选'],
  red_listed: ['10%', '85分', '位列前10%，综合得分不低于85分且无否决情形，列入红榜'],
  red_blocked: ['10%', ['存在未完成的整改', '低于85分'], '位列前10%，但存在未完成的整改、低于85分，不列入红榜'],
  red_refill: ['10%', '前10%中有企业未能入榜，按递补规则列入红榜'],
  red_listed_grade: ['AAA', '评定等级 AAA 属于红榜等级，列入红榜'],
  red_blocked_grade: ['AAA', ['整改未通过或逾期'], '评定为 AAA 级，但整改未通过或逾期，不列入红榜'],
  veto_black: [['安全生产事故', '电梯困人'], '存在一票否决事件（安全生产事故、电梯困人），不论排名列入黑榜'],
  black_listed_grade: ['C', '评定等级 C 属于黑榜等级，列入黑榜'],
  black_tie: ['10%', true, '完全并列跨越倒数10%分界，一并纳入倒数10%候选'],
  black_not_met: ['10%', '60分', '位列倒数10%，但不低于60分，且无未整改或严重违规，不列入黑榜'],
  black_listed: ['10%', ['低于60分', '整改未通过或逾期'], '位列倒数10%且低于60分、整改未通过或逾期，列入黑榜'],
  watch_grade: ['B', '评定等级 B 属于重点监管等级，列入重点监管'],
  watch_slice: ['10%', '位列倒数10%但未达到黑榜条件，列入重点监管'],
  high_complaints: ['25.5', '20', '每千户投诉 25.5 件，超过20件'],
  watch_complaints: ['25.5', '20', '每千户投诉 25.5 件，超过20件，列入重点监管'],
  single_half: ['上半年', '仅有上半年成绩，年度综合得分取该半年度成绩'],
  annual_mean: ['1:1', '年度综合得分 = 上半年、下半年综合得分按 1:1 加权平均'],
  carried_flag: ['样本量不足', '半年度的“样本量不足”标记带入年度评价'],
};

describe('explanation wording', () => {
  it.each(Object.entries(RELEASED))('"%s" reads as it always has', (key, row) => {
    const args = row.slice(0, -1);
    expect(renderPhrase([key, ...args])).toBe(row[row.length - 1]);
  });

  it('has no key that was not released above, and has lost none', () => {
    expect([...WORDING_KEYS].sort()).toEqual(Object.keys(RELEASED).sort());
  });

  it('keeps literal text as it is and refuses a key it does not know', () => {
    expect(renderPhrase('无居民评分')).toBe('无居民评分');
    expect(renderPhrase(say('complaints', 3))).toBe('投诉 3 件');
    expect(() => renderPhrase(['no_such_wording', 1])).toThrow('no_such_wording');
  });
});
