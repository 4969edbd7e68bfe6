/**
 * Storing a computation and reading it back (results-repo): the same FirmResults come out on both
 * backends — on PostgreSQL the rows go through COPY, so text that COPY's format treats specially
 * (tab, newline, CR, backslash, a literal \N) must survive.
 */
import Fraction from 'fraction.js';
import { latestComputation, latestFirmResult, saveComputation } from '../../src/db/results-repo';
import { renderExplanation } from '../../src/domain/explanation';
import { say } from '../../src/domain/wording';
import { backends, useTestDb } from '../support/test-db';
import type { FirmResult, RoundResult } from '../../src/domain/types';
import { defaultRules } from '../../src/rules';
import { aFirm, aRound, RULES_HASH } from './fixtures';

function aResult(uscc: string, name: string, over: Partial<FirmResult> = {}): FirmResult {
  return {
    uscc,
    name,
    rank: 1,
    composite: 8540,
    compositeExact: '427/5',
    scores: { resident: 8600, regulator: 8000, street: 9000 },
    households: 1200,
    complaints: 3,
    complaintsPer1000: new Fraction(3000, 1200),
    responses: 300,
    requiredResponses: 292,
    grade: null,
    list: 'red',
    flags: [],
    reasons: ['综合得分 85.40，位列前10%，列入红榜'],
    explanation: {
      inputs: [{ source: 'resident', subject: 'P1 一号小区（1200 户）', value: '300 份有效问卷，均分 86.00' }],
      rules: [{ rule: '5.6', code: 'red_listed', text: '位列前10%，综合得分不低于85分且无否决情形，列入红榜' }],
    },
    ...over,
  };
}

describe.each(backends())('results repository (%s)', (kind) => {
  const t = useTestDb(kind);

  it('reads back exactly the firm results it stored, whatever characters their texts hold', async () => {
    const a = await aFirm(t.knex, { name: '甲物业' });
    const b = await aFirm(t.knex, { name: '乙\t物业\\分公司' });
    const round = await aRound(t.knex);
    const odd = 'tab\there, newline\nhere, CR\rhere, backslash \\ and \\N, quote " and \u3000全角';
    const firms: FirmResult[] = [
      aResult(a.uscc, a.name),
      aResult(b.uscc, b.name, {
        rank: null,
        composite: null,
        compositeExact: null,
        scores: { resident: null, regulator: 7000, street: null },
        households: 0,
        complaints: 0,
        complaintsPer1000: null,
        responses: 0,
        requiredResponses: null,
        grade: 'B',
        list: null,
        flags: ['renormalized', 'excluded'],
        reasons: [odd],
        explanation: { inputs: [{ source: 'regulator', subject: odd, value: '\\' }], rules: [{ rule: '5.3', code: 'missing_source_excluded', text: odd }] },
      }),
    ];
    const result: RoundResult = { roundCode: round.code, kind: 'half', rulesHash: RULES_HASH, firms, ranked: 1, sliceSize: 1, blackSliceSize: 0 };
    const at = new Date('2025-07-10T02:00:00Z');
    const rules = { ...defaultRules(), red: { ...defaultRules().red, share: 15 } };
    const first = await t.knex.transaction((trx) => saveComputation(trx, round.id, result, { forced: true, createdBy: 'bureau', at, rules }));
    const second = await t.knex.transaction((trx) => saveComputation(trx, round.id, result, { forced: false, createdBy: 'bureau', at, rules }));
    expect([first, second]).toEqual([1, 2]);

    const stored = await latestComputation(t.knex, round.id);
    expect(stored).toMatchObject({ number: 2, rulesHash: RULES_HASH, forced: false });
    expect(stored?.firms).toEqual(firms);
    // the slice sizes and the typed rules the engine applied come back as stored, for the reports
    expect(stored?.placement).toEqual({ ranked: 1, sliceSize: 1, blackSliceSize: 0, rules });
  });

  it('stores explanations as facts, reads one firm or none, and reads results stored as text the same', async () => {
    const a = await aFirm(t.knex, { name: '甲物业' });
    const b = await aFirm(t.knex, { name: '乙物业' });
    const round = await aRound(t.knex);
    const facts = {
      inputs: [
        { source: 'resident' as const, subject: say('project_households', 'P1', '一号小区\t"院"', 1200), value: say('survey_responses', 300, '86.00') },
        { source: 'event' as const, subject: say('event', '2025-03-01', '电梯困人', null), value: say('event_kind', 'serious', null) },
        { source: 'regulator' as const, subject: '扣分表合计', value: say('deduction_total', '3.00', '0.00', '97.00') },
      ],
      rules: [
        { rule: '5.6', code: 'red_blocked', text: say('red_blocked', '10%', ['存在未完成的整改', '低于85分']) },
        { rule: '5.3', code: 'missing_source_forced', text: say('missing_renormalized', ['street'], true, '5:3') },
      ],
    };
    const result: RoundResult = { roundCode: round.code, kind: 'half', rulesHash: RULES_HASH, firms: [aResult(a.uscc, a.name, { explanation: facts }), aResult(b.uscc, b.name, { rank: 2 })], ranked: 2, sliceSize: 1, blackSliceSize: 0 };
    await t.knex.transaction((trx) => saveComputation(trx, round.id, result, { forced: false, createdBy: 'bureau', at: new Date('2025-07-10T02:00:00Z'), rules: defaultRules() }));

    const one = await latestFirmResult(t.knex, round.id, a.uscc);
    expect(one?.computation).toBe(1);
    expect(one?.firm?.explanation).toEqual(facts);
    expect(renderExplanation(facts).rules.map((r) => r.text)).toEqual(['位列前10%，但存在未完成的整改、低于85分，不列入红榜', '缺少街道社区评分，经强制计算，按其余来源权重 5:3 重新归一计算']);
    expect((await latestFirmResult(t.knex, round.id, '91110000000000000X'))?.firm).toBeNull();
    const listed = await latestComputation(t.knex, round.id, { explanations: false });
    expect(listed?.firms.map((f) => [f.uscc, f.explanation.inputs.length, f.explanation.rules.length])).toEqual([
      [a.uscc, 0, 0],
      [b.uscc, 0, 0],
    ]);

    // A result stored as text, as every result was before facts: read and worded, it is that text.
    const text = renderExplanation(facts);
    await t.knex('results').where({ uscc: a.uscc }).update({ explanation: JSON.stringify(text) });
    const legacy = await latestFirmResult(t.knex, round.id, a.uscc);
    expect(renderExplanation(legacy?.firm?.explanation ?? { inputs: [], rules: [] })).toEqual(text);
  });
});
