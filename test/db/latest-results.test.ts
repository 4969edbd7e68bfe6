/**
 * The one latest-computation query (results-repo `latestResults`) that the report's trends, the
 * consecutive-black history and a firm's history read, and the objections repository's refusal of a
 * second objection of a firm in a round, on both backends.
 */
import Fraction from 'fraction.js';
import { DomainError } from '../../src/domain/errors';
import type { FirmResult, RoundResult } from '../../src/domain/types';
import { insertObjection, objections } from '../../src/db/objections-repo';
import { latestResults, rankedCounts, saveComputation } from '../../src/db/results-repo';
import { defaultRules } from '../../src/rules';
import { backends, useTestDb } from '../support/test-db';
import { aFirm, aRound, RULES_HASH } from './fixtures';

function aResult(uscc: string, name: string, rank: number | null, list: FirmResult['list'], reason: string): FirmResult {
  return {
    uscc,
    name,
    rank,
    composite: rank === null ? null : 9000 - rank * 100,
    compositeExact: rank === null ? null : `${90 - rank}`,
    scores: { resident: 8600, regulator: 8000, street: rank === null ? null : 9000 },
    households: 100,
    complaints: 0,
    complaintsPer1000: new Fraction(0),
    responses: 80,
    requiredResponses: 80,
    grade: null,
    list,
    flags: [],
    reasons: [reason],
    explanation: { inputs: [], rules: [] },
  };
}

describe.each(backends())('latest results and objections repositories (%s)', (kind) => {
  const t = useTestDb(kind);

  it('reads each round through its latest computation only, filtered by kind, status, code and firm', async () => {
    const a = await aFirm(t.knex, { name: '甲物业' });
    const b = await aFirm(t.knex, { name: '乙物业' });
    const h1 = await aRound(t.knex, { code: '2031-H1' });
    const h2 = await aRound(t.knex, { code: '2031-H2' });
    const at = new Date('2031-07-10T02:00:00Z');
    const save = (roundId: number, code: string, firms: FirmResult[]) => {
      const result: RoundResult = { roundCode: code, kind: 'half', rulesHash: RULES_HASH, firms, ranked: firms.filter((f) => f.rank !== null).length, sliceSize: 1, blackSliceSize: 1 };
      return t.knex.transaction((trx) => saveComputation(trx, roundId, result, { forced: false, createdBy: 'bureau', at, rules: defaultRules() }));
    };
    await save(h1.id, h1.code, [aResult(a.uscc, a.name, 2, 'black', '第一次计算'), aResult(b.uscc, b.name, 1, 'red', '第一次计算')]);
    await save(h1.id, h1.code, [aResult(a.uscc, a.name, 1, 'red', '重新计算'), aResult(b.uscc, b.name, null, null, '重新计算')]);
    await save(h2.id, h2.code, [aResult(a.uscc, a.name, 1, null, '下半年'), aResult(b.uscc, b.name, 2, 'black', '下半年')]);
    await t.knex('rounds').where({ id: h1.id }).update({ status: 'published' });
    await t.knex('rounds').where({ id: h2.id }).update({ status: 'computed' });

    const all = await latestResults(t.knex, { kind: 'half', codeAtMost: '2031-H2', usccs: [a.uscc, b.uscc] });
    expect(all.map((r) => [r.roundCode, r.uscc, r.rank, r.list, r.reasons[0]])).toEqual(
      [
        ['2031-H1', a.uscc, 1, 'red', '重新计算'],
        ['2031-H1', b.uscc, null, null, '重新计算'],
        ['2031-H2', a.uscc, 1, null, '下半年'],
        ['2031-H2', b.uscc, 2, 'black', '下半年'],
      ].sort((x, y) => `${x[0]}${x[1]}`.localeCompare(`${y[0]}${y[1]}`)),
    );
    expect(all[0]).toMatchObject({ roundId: h1.id, roundStatus: 'published', firmId: a.id, composite: 8900, scores: { resident: 8600, regulator: 8000, street: 9000 } });

    const published = await latestResults(t.knex, { kind: 'half', statuses: ['published'], codeBefore: '2031-H2', usccs: [b.uscc] });
    expect(published.map((r) => [r.roundCode, r.uscc, r.reasons])).toEqual([['2031-H1', b.uscc, ['重新计算']]]);
    expect(await latestResults(t.knex, { kind: 'annual' })).toEqual([]);
    expect((await latestResults(t.knex, { firmId: b.id, statuses: ['computed'] })).map((r) => r.roundCode)).toEqual(['2031-H2']);

    const counts = await rankedCounts(t.knex, [...new Set(all.map((r) => r.computationId))]);
    expect([...counts.values()].sort()).toEqual([1, 2]);
  });

  it('refuses a second objection of a firm in a round as ALREADY_EXISTS and keeps the first', async () => {
    const a = await aFirm(t.knex, { name: '丙物业' });
    const round = await aRound(t.knex, { code: '2032-H1' });
    const names = { roundCode: round.code, uscc: a.uscc, firmName: a.name };
    const filedAt = new Date('2032-07-01T02:00:00Z');
    const first = await t.knex.transaction((trx) => insertObjection(trx, { roundId: round.id, firmId: a.id, reason: '投诉数统计有误', evidence: ['12345 工单'], filedBy: 'firm', filedAt }, names));
    expect(first).toMatchObject({ roundCode: round.code, uscc: a.uscc, firmName: a.name, evidence: ['12345 工单'], decision: null, filedAt });
    const second = t.knex.transaction((trx) => insertObjection(trx, { roundId: round.id, firmId: a.id, reason: '再次提出异议', evidence: [], filedBy: 'firm', filedAt }, names));
    await expect(second).rejects.toBeInstanceOf(DomainError);
    await expect(second).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    expect((await objections(t.knex, round.id)).map((o) => o.reason)).toEqual(['投诉数统计有误']);
  });
});
