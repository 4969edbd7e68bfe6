/**
 * 试算 over HTTP: POST /api/v1/rounds/{code}/simulate is the bureau's (others refused before
 * anything is read), answers the firms whose list would change with both sides' reasons, refuses a
 * bad rules document naming the key and a published round, and writes nothing; the dashboard's
 * form shows the same comparison and re-renders a bad document with its key.
 */
import request from 'supertest';
import type { Express } from 'express';
import { createApp } from '../../src/http/app';
import { backends, withoutTriggers } from '../support/test-db';
import { closeRound, computeRound } from '../../src/app/rounds';
import { tableChecksums } from '../bad-inputs/world';
import { NOW, OPEN, PUBLISHED, type City, useCityDb, contextOf, enterAllScores } from './city';
import { login } from './web-session';

describe.each(backends())('what-if (试算) through the API and the dashboard (%s)', (kind) => {
  const t = useCityDb(kind);
  let app: Express;
  let city: City;
  const as = (account: keyof City['tokens']) => `Bearer ${city.tokens[account]}`;
  const simulate = (rules: unknown, account: keyof City['tokens'] = 'bureau', code = OPEN) =>
    request(app).post(`/api/v1/rounds/${code}/simulate`).set('Authorization', as(account)).send(rules as object);

  beforeAll(async () => {
    city = t.city;
    const ctx = contextOf(t.knex, t.db.kind);
    // Firm 1 scores 95 in every source (the one red firm of 10), firm 10 scores 50 (black).
    await enterAllScores(ctx, OPEN, city.firms);
    await closeRound(ctx, OPEN);
    await computeRound(ctx, OPEN, { force: false });
    app = createApp({ knex: t.knex, dbKind: t.db.kind, now: () => NOW, log: () => {} });
  }, 180_000);

  it('refuses every account but the bureau and the admin, and a visitor', async () => {
    for (const account of ['regulator', 'streetA', 'firm'] as const) {
      const res = await simulate({ red: { minComposite: 96 } }, account);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
    }
    const visitor = await request(app).post(`/api/v1/rounds/${OPEN}/simulate`).send({});
    expect(visitor.status).toBe(401);
    expect((await simulate({}, 'admin')).status).toBe(200);
  });

  it('answers the bureau with firm 1 off the red list under a 96-point threshold, beside computation 1', async () => {
    const res = await simulate({ red: { minComposite: 96 } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ round: OPEN, status: 'computed', sameRules: false, baseline: { computation: 1, lists: { red: 1, black: 1 } }, simulated: { lists: { red: 0, black: 1 } } });
    expect(res.body.ruleChanges).toEqual([{ path: 'red.minComposite', before: 85, after: 96 }]);
    expect(res.body.changes).toHaveLength(1);
    const [c] = res.body.changes;
    expect(c).toMatchObject({ uscc: city.firms[0]?.uscc, rankBefore: 1, rankAfter: 1, compositeBefore: 95, compositeAfter: 95, listBefore: 'red', listAfter: null });
    expect(c.before.reasons.join('')).toContain('红榜');
    expect(c.after.reasons.join('')).toContain('96');
    expect(c.firedOnlyBefore.map((r: { code: string }) => r.code)).toContain('red_listed');
    expect((await simulate({})).body).toMatchObject({ sameRules: true, changes: [], compositeOnly: 0 });
  });

  it('refuses a bad document naming the key, and a published round, writing nothing', async () => {
    const before = await tableChecksums(t.knex);
    const bad = await simulate({ weights: { resident: 0, regulator: 3, street: 2 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('RULES_INVALID');
    expect(bad.body.error.message).toContain('weights.resident 必须为正数');
    const list = await simulate([1, 2]);
    expect(list.status).toBe(422);
    const published = await simulate({}, 'bureau', PUBLISHED);
    expect(published.status).toBe(409);
    expect(published.body.error.message).toContain('不能试算');
    expect(await tableChecksums(t.knex)).toEqual(before);
  });

  it('refuses a round where one project has both forms of the residents\' score, as compute does, writing nothing', async () => {
    // A household's individual answer beside the project's summary (what the close's completeness
    // report flags): put in behind the use cases, and taken out again after.
    const project = (await t.knex('projects').where({ code: city.firms[1]?.project }).first('id')) as { id: number };
    const round = (await t.knex('rounds').where({ code: OPEN }).first('id')) as { id: number };
    const response = { round_id: round.id, project_id: project.id, household: '1-101', score: 8000, entered_by: 'test' };
    await withoutTriggers(t.knex, (trx) => trx('survey_responses').insert(response));
    try {
      const before = await tableChecksums(t.knex);
      const res = await simulate({ red: { minComposite: 96 } });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('INPUT_INVALID');
      expect(res.body.error.message).toBe(`${OPEN} 有 1 处同一项目或企业录入了两种形式的评分，不能试算（见 hhb rounds close 的完整性报告）。`);
      expect(res.body.error.details.projectsWithBothResidentForms).toEqual([expect.objectContaining({ code: city.firms[1]?.project })]);
      // Compute refuses it the same way.
      await expect(computeRound(contextOf(t.knex, t.db.kind), OPEN, { force: false })).rejects.toThrow(
        `${OPEN} 有 1 处同一项目或企业录入了两种形式的评分，须先处理（见 hhb rounds close 的完整性报告）。`,
      );
      expect(await tableChecksums(t.knex)).toEqual(before);
    } finally {
      await withoutTriggers(t.knex, (trx) => trx('survey_responses').where({ round_id: round.id, project_id: project.id, household: '1-101' }).delete());
    }
    expect((await simulate({ red: { minComposite: 96 } })).status).toBe(200);
  });

  it('shows the dashboard form with the round rules, and the comparison when posted', async () => {
    const { agent, csrf } = await login(app, 'bureau');
    const dash = await agent.get(`/dashboard?round=${OPEN}`);
    expect(dash.text).toContain(`href="/dashboard/simulate/${OPEN}"`);
    const form = await agent.get(`/dashboard/simulate/${OPEN}`);
    expect(form.status).toBe(200);
    expect(form.text).toContain('&quot;minComposite&quot;: 85');
    const before = await tableChecksums(t.knex);
    const posted = await agent.post(`/dashboard/simulate/${OPEN}`).type('form').send({ _csrf: csrf, rules: JSON.stringify({ red: { minComposite: 96 } }) });
    expect(posted.status).toBe(200);
    expect(posted.text).toContain('对照：第 1 次计算');
    expect(posted.text).toContain('<code>red.minComposite</code>：85 → 96');
    expect(posted.text).toMatch(new RegExp(`<tr data-uscc="${city.firms[0]?.uscc}">`));
    expect(posted.text).toContain('试算中不再触发');
    const bad = await agent.post(`/dashboard/simulate/${OPEN}`).type('form').send({ _csrf: csrf, rules: '{"red": {"sahre": 10}}' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('「red.sahre」：是未知的键');
    expect(bad.text).toContain('{&quot;red&quot;: {&quot;sahre&quot;: 10}}');
    const broken = await agent.post(`/dashboard/simulate/${OPEN}`).type('form').send({ _csrf: csrf, rules: '{' });
    expect(broken.status).toBe(400);
    expect(broken.text).toContain('规则不是有效的 JSON');
    expect(await tableChecksums(t.knex)).toEqual(before);
  });

  it('documents the route in the OpenAPI document', async () => {
    const doc = (await request(app).get('/api/openapi.json')).body;
    const post = doc.paths['/api/v1/rounds/{code}/simulate'].post;
    expect(post.parameters.map((p: { name: string }) => p.name)).toEqual(['code', 'force']);
    expect(post.requestBody.content['application/json']).toBeDefined();
  });

  it('refuses the form to a street clerk', async () => {
    const { agent } = await login(app, 'streetA');
    expect((await agent.get(`/dashboard/simulate/${OPEN}`)).status).toBe(403);
  });
});
