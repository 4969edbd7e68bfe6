/**
 * The online questionnaire as part of a round's rules (`survey.questionnaire`, SPEC §10 and §5):
 * checked when the rules load (an empty list, a repeated item, a weight that is not a positive
 * integer, an unknown key — each named by its key path), absent from the default rules (whose hash
 * does not change), and asked by the phone page and the API of that round: its items, weighted.
 */
import type { Express } from 'express';
import request from 'supertest';
import { createRound, openRound } from '../../src/app/rounds';
import { setSetting } from '../../src/app/settings';
import { issueSurveyCodes } from '../../src/app/survey-codes';
import { DomainError } from '../../src/domain/errors';
import { createApp } from '../../src/http/app';
import { defaultRules, parseRules, rulesHash } from '../../src/rules';
import { aFirm, aProject, aStreet } from '../db/fixtures';
import { contextOf } from '../http/city';
import { backends, useTestDb } from '../support/test-db';

const QUESTIONNAIRE = { items: [{ name: '安全秩序', weight: 3 }, { name: '停车管理', weight: 1 }] };

function refusal(json: unknown): { message: string; path: string } {
  try {
    parseRules(json);
  } catch (e) {
    if (e instanceof DomainError) return { message: e.message, path: String((e.details as { path: string }).path) };
    throw e;
  }
  throw new Error('规则本应被拒绝');
}

describe('the questionnaire in the rules', () => {
  it('is absent from the default rules, whose hash stays what it was without it', () => {
    const rules = defaultRules();
    expect(rules.survey.questionnaire).toBeUndefined();
    expect(rulesHash(parseRules({ survey: {} }))).toBe(rulesHash(rules));
    expect(rulesHash(parseRules({ survey: { questionnaire: QUESTIONNAIRE } }))).not.toBe(rulesHash(rules));
  });

  it('takes items with integer weights, weight 1 when left out', () => {
    expect(parseRules({ survey: { questionnaire: { items: [{ name: '安全秩序' }, { name: '电梯运行', weight: 2 }] } } }).survey.questionnaire).toEqual({
      items: [
        { name: '安全秩序', weight: 1 },
        { name: '电梯运行', weight: 2 },
      ],
    });
  });

  it('refuses an empty list, a repeated item, a weight that is not a positive integer, and an unknown key, naming the key', () => {
    expect(refusal({ survey: { questionnaire: { items: [] } } })).toMatchObject({ path: 'survey.questionnaire.items', message: expect.stringContaining('至少需要 1 项') });
    expect(refusal({ survey: { questionnaire: { items: [{ name: '安全秩序' }, { name: '安全秩序' }] } } })).toMatchObject({ path: 'survey.questionnaire.items[1].name', message: expect.stringContaining('重复') });
    expect(refusal({ survey: { questionnaire: { items: [{ name: '安全秩序', weight: 0 }] } } })).toMatchObject({ path: 'survey.questionnaire.items[0].weight', message: expect.stringContaining('必须为正数') });
    expect(refusal({ survey: { questionnaire: { items: [{ name: '安全秩序', weight: 1.5 }] } } })).toMatchObject({ path: 'survey.questionnaire.items[0].weight' });
    expect(refusal({ survey: { questionnaire: { items: [{ name: ' 安全秩序' }] } } })).toMatchObject({ path: 'survey.questionnaire.items[0].name' });
    expect(refusal({ survey: { questionnaire: { items: [{ name: '安全秩序' }], levels: 3 } } }).path).toBe('survey.questionnaire.levels');
  });
});

describe.each(backends())('a round asking its own questionnaire on %s', (kind) => {
  const t = useTestDb(kind);
  let app: Express;
  let codes: string[];
  let address = 0;
  const from = () => `10.4.0.${++address}`;

  beforeAll(async () => {
    const ctx = contextOf(t.knex, t.db.kind);
    await aStreet(t.knex, { code: 'QS', name: '青山街道' });
    const firm = await aFirm(t.knex, { name: '青山物业' });
    await aProject(t.knex, { firmId: firm.id, street: 'QS', households: 3, code: 'QS1', name: '青山小区' });
    await setSetting(ctx, 'base_url', 'https://wuye.example.gov.cn');
    await createRound(ctx, { code: '2025-H1', rules: { survey: { questionnaire: QUESTIONNAIRE } } });
    await openRound(ctx, '2025-H1');
    codes = (await issueSurveyCodes(ctx, { round: '2025-H1' })).codes.map((c) => c.code);
    app = createApp({ knex: t.knex, dbKind: t.db.kind, trustProxy: true, log: () => {} });
  }, 120_000);

  it('shows its items on the phone page and scores an answer with their weights', async () => {
    const page = await request(app).get(`/s/${codes[0] as string}`).set('X-Forwarded-For', from());
    expect(page.status).toBe(200);
    expect(page.text).toContain('停车管理');
    expect(page.text).not.toContain('绿化养护');
    const ok = await request(app)
      .post('/api/v1/survey/responses')
      .set('X-Forwarded-For', from())
      .send({ code: codes[0], answers: { 安全秩序: '非常满意', 停车管理: '不满意' } });
    expect(ok.status).toBe(201);
    // (3 × 100 + 1 × 40) / 4 = 85
    const stored = (await t.knex('survey_responses').select('score')) as { score: number | string }[];
    expect(stored.map((s) => Number(s.score))).toEqual([8500]);
  });

  it('refuses the default items in that round, naming the item it lacks and the one it does not have', async () => {
    const res = await request(app)
      .post('/api/v1/survey/responses')
      .set('X-Forwarded-For', from())
      .send({ code: codes[1], answers: { 安全秩序: '满意', 环境卫生: '满意' } });
    expect(res.status).toBe(422);
    const text = JSON.stringify(res.body);
    expect(text).toContain('问卷中没有「环境卫生」这一项');
    expect(text).toContain('「停车管理」没有作答');
    expect(Number(((await t.knex('survey_online_answers').count({ n: '*' })) as { n: unknown }[])[0]?.n)).toBe(1);
  });
});
