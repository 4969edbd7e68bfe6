/**
 * Answers submitted within seconds of the questionnaire being shown (SPEC §10's fourth sign of
 * ballot stuffing): the phone page keeps the moment it shows a code's questionnaire, the answer
 * keeps it, and the anomaly report flags a project with 5 or more answers under 10 seconds — not
 * one answered at a person's pace, nor answers posted through the API (no page showed them).
 */
import type { Express } from 'express';
import request from 'supertest';
import { createRound, openRound } from '../../src/app/rounds';
import { setSetting } from '../../src/app/settings';
import { excludeFlaggedAnswers, surveyAnomalyReport } from '../../src/app/survey-anomalies';
import { issueSurveyCodes } from '../../src/app/survey-codes';
import { FAST_ANSWER_MS, type OnlineAnswerFact, flaggedHouseholds, surveyAnomalies } from '../../src/domain/survey-anomalies';
import { createApp } from '../../src/http/app';
import { aFirm, aProject, aStreet } from '../db/fixtures';
import { contextOf } from '../http/city';
import { backends, useTestDb } from '../support/test-db';

const ITEMS = ['安全秩序', '环境卫生', '绿化养护', '设施维修', '服务态度'];
const LEVELS = ['非常满意', '满意', '一般', '不满意'];

describe('the fast-answers sign', () => {
  const at = Date.parse('2025-03-02T02:00:00Z');
  const fact = (household: string, took: number | null, i: number): OnlineAnswerFact => ({
    projectCode: 'P',
    household,
    // An hour apart, each its own way of answering, each from its own address: no other sign.
    at: at + i * 3_600_000,
    openedAt: took === null ? null : at + i * 3_600_000 - took,
    pattern: `p${i}`,
    addressHash: `a${i}`,
  });

  it('flags 5 answers under 10 seconds and names those households, not 4, nor answers of 10 seconds or without a shown page', () => {
    const five = [0, 1, 2, 3, 4].map((i) => fact(`h${i}`, FAST_ANSWER_MS - 1, i));
    const others = [fact('slow', FAST_ANSWER_MS, 5), fact('api', null, 6), fact('later', 90_000, 7)];
    const report = surveyAnomalies([...five, ...others]);
    expect(report).toEqual([{ projectCode: 'P', answers: 8, anomalies: [{ kind: 'fast_answers', value: 5, reason: '5 份从打开问卷到提交不足 10 秒（≥ 5 份）' }] }]);
    expect([...flaggedHouseholds([...five, ...others], 'P')].sort()).toEqual(['h0', 'h1', 'h2', 'h3', 'h4']);
    expect(surveyAnomalies([...five.slice(1), ...others])).toEqual([]);
  });
});

describe.each(backends())('answers within seconds of the phone page on %s', (kind) => {
  const t = useTestDb(kind);
  let app: Express;
  let codes: string[];
  let address = 0;
  const from = () => `10.3.0.${++address}`;
  const answers = (i: number) => Object.fromEntries(ITEMS.map((item, k) => [item, LEVELS[(i + k) % 4] as string]));

  beforeAll(async () => {
    const ctx = contextOf(t.knex, t.db.kind);
    await aStreet(t.knex, { code: 'FA', name: '福安街道' });
    const firm = await aFirm(t.knex, { name: '福安物业' });
    await aProject(t.knex, { firmId: firm.id, street: 'FA', households: 7, code: 'FA1', name: '福安小区' });
    await setSetting(ctx, 'base_url', 'https://wuye.example.gov.cn');
    await createRound(ctx, { code: '2025-H1' });
    await openRound(ctx, '2025-H1');
    codes = (await issueSurveyCodes(ctx, { round: '2025-H1' })).codes.map((c) => c.code);
    app = createApp({ knex: t.knex, dbKind: t.db.kind, trustProxy: true, log: () => {} });
  }, 120_000);

  it('keeps when the page showed the questionnaire and flags the project answered within seconds of it', async () => {
    // Two answers through the API (no page showed them), then four opened and submitted at once.
    for (const [i, code] of codes.slice(0, 2).entries()) {
      const api = await request(app).post('/api/v1/survey/responses').set('X-Forwarded-For', from()).send({ code, answers: answers(i) });
      expect(api.status).toBe(201);
    }
    const quick = async (i: number) => {
      const ip = from();
      const code = codes[i] as string;
      expect((await request(app).get(`/s/${code}`).set('X-Forwarded-For', ip)).status).toBe(200);
      const form = Object.fromEntries(ITEMS.map((_, k) => [`q${k}`, answers(i)[ITEMS[k] as string]]));
      expect((await request(app).post(`/s/${code}`).set('X-Forwarded-For', ip).type('form').send(form)).status).toBe(201);
    };
    for (const i of [2, 3, 4, 5]) await quick(i);
    const ctx = contextOf(t.knex, t.db.kind);
    expect((await surveyAnomalyReport(ctx, '2025-H1')).projects).toEqual([]);
    await quick(6);
    const report = await surveyAnomalyReport(ctx, '2025-H1');
    expect(report.answers).toBe(7);
    expect(report.projects).toEqual([{ projectCode: 'FA1', answers: 7, anomalies: [{ kind: 'fast_answers', value: 5, reason: expect.stringContaining('5 份从打开问卷到提交不足 10 秒') }] }]);
    const stored = (await t.knex('survey_online_answers').orderBy('household').select('household', 'opened_at')) as { household: string; opened_at: Date | null }[];
    expect(stored.map((s) => [s.household, s.opened_at === null])).toEqual([
      ['1', true],
      ['2', true],
      ['3', false],
      ['4', false],
      ['5', false],
      ['6', false],
      ['7', false],
    ]);
    // Excluding takes the five fast answers and leaves the two posted through the API.
    const out = await excludeFlaggedAnswers({ ...ctx, actor: '王科长' }, '2025-H1', 'FA1', '5 份打开即提交，经核查为代答');
    expect(out.households).toBe(5);
    const left = (await t.knex('survey_responses').orderBy('household').pluck('household')) as string[];
    expect(left).toEqual(['1', '2']);
  });
});
