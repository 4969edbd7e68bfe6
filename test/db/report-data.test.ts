/**
 * What a round's report reads from its computation: the ranked count, the red and black candidate
 * slice sizes and the typed rules stored with it — never zeros rebuilt on the way — and, for a
 * computation stored before these were kept, the same figures derived from the round's frozen rules.
 */
import Fraction from 'fraction.js';
import { buildReportData } from '../../src/app/report';
import type { AppContext } from '../../src/app/context';
import { saveComputation } from '../../src/db/results-repo';
import { backends, useTestDb } from '../support/test-db';
import type { FirmResult, RoundResult } from '../../src/domain/types';
import { defaultRules } from '../../src/rules';
import { aFirm, aRound, RULES_HASH, setStatus } from './fixtures';

function ranked(uscc: string, name: string, rank: number): FirmResult {
  return {
    uscc,
    name,
    rank,
    composite: 9500 - rank * 100,
    compositeExact: String(95 - rank),
    scores: { resident: 9000, regulator: 9000, street: 9000 },
    households: 1000,
    complaints: 0,
    complaintsPer1000: new Fraction(0),
    responses: 300,
    requiredResponses: 278,
    grade: null,
    list: null,
    flags: [],
    reasons: [],
    explanation: { inputs: [], rules: [] },
  };
}

describe.each(backends())('report data from a stored computation (%s)', (kind) => {
  const t = useTestDb(kind);
  const ctx = (): AppContext => ({ knex: t.knex, dbKind: kind === 'postgres' ? 'postgres' : 'pglite', actor: 'test', now: () => new Date('2025-07-20T01:00:00Z') });

  async function computedRound(): Promise<{ id: number; code: string; result: RoundResult }> {
    const round = await aRound(t.knex);
    const firms: FirmResult[] = [];
    for (let i = 1; i <= 20; i++) {
      const firm = await aFirm(t.knex);
      firms.push(ranked(firm.uscc, firm.name, i));
    }
    await setStatus(t.knex, round.id, 'computed');
    // 20 ranked firms: the round's own rules ({} → 10 %, floor) would give slices of 2 and 2
    const result: RoundResult = { roundCode: round.code, kind: 'half', rulesHash: RULES_HASH, firms, ranked: 20, sliceSize: 3, blackSliceSize: 4 };
    return { ...round, result };
  }

  it('reads the slice sizes and the rules stored with the computation', async () => {
    const round = await computedRound();
    const rules = { ...defaultRules(), red: { ...defaultRules().red, share: 15, minComposite: 80 }, black: { ...defaultRules().black, share: 20 } };
    await t.knex.transaction((trx) => saveComputation(trx, round.id, round.result, { forced: false, createdBy: 'test', at: new Date(), rules }));
    const data = await buildReportData(ctx(), round.code);
    expect(data.result).toMatchObject({ ranked: 20, sliceSize: 3, blackSliceSize: 4 });
    // the method and the rule text are those the engine applied, not the round's defaults
    expect(data.round.method.join('')).toContain('排名前 15% 且综合得分不低于 80 分');
    expect(JSON.parse(data.round.rulesJson)).toMatchObject({ red: { share: 15, minComposite: 80 }, black: { share: 20 } });
  });

  it('derives them from the round rules for a computation stored before they were kept', async () => {
    const round = await computedRound();
    await t.knex.transaction((trx) => saveComputation(trx, round.id, round.result, { forced: false, createdBy: 'test', at: new Date(), rules: defaultRules() }));
    await t.knex('computations').where({ round_id: round.id }).update({ ranked: null, red_slice: null, black_slice: null, rules: null });
    const data = await buildReportData(ctx(), round.code);
    expect(data.result).toMatchObject({ ranked: 20, sliceSize: 2, blackSliceSize: 2 });
  });
});
