/**
 * The residents' phone pages: /s asks for the code and opens /s/<code>; the questionnaire has a
 * fieldset with a legend per item and a label on every control; an unanswered item comes back
 * with the answers kept and a message naming it; an answer is stored and a second one replaces it;
 * wrong codes and a closed round get clear Chinese messages with the API's statuses.
 */
import type { Express } from 'express';
import request from 'supertest';
import { closeRound, createRound, openRound } from '../../src/app/rounds';
import { setSetting } from '../../src/app/settings';
import { issueSurveyCodes } from '../../src/app/survey-codes';
import { createApp } from '../../src/http/app';
import { aFirm, aProject, aStreet } from '../db/fixtures';
import { contextOf } from '../http/city';
import { backends, useTestDb } from '../support/test-db';

const LEVELS = ['非常满意', '满意', '一般', '不满意', '非常不满意'];

describe.each(backends())('the survey phone pages on %s', (kind) => {
  const t = useTestDb(kind);
  let app: Express;
  let code: string;
  let other: string;
  let address = 0;
  const from = () => `10.2.0.${++address}`;

  beforeAll(async () => {
    const ctx = contextOf(t.knex, t.db.kind);
    await aStreet(t.knex, { code: 'SP', name: '和平街道' });
    const firm = await aFirm(t.knex, { name: '和平物业' });
    await aProject(t.knex, { firmId: firm.id, street: 'SP', households: 2, code: 'HP1', name: '和平<花园>' });
    await setSetting(ctx, 'base_url', 'https://wuye.example.gov.cn');
    await createRound(ctx, { code: '2025-H1' });
    await openRound(ctx, '2025-H1');
    const issued = await issueSurveyCodes(ctx, { round: '2025-H1' });
    code = issued.codes[0]?.code as string;
    other = issued.codes[1]?.code as string;
    app = createApp({ knex: t.knex, dbKind: t.db.kind, trustProxy: true, log: () => {} });
  }, 120_000);

  it('asks for the code on /s with a labelled field, and sends a good code on to its questionnaire', async () => {
    const page = await request(app).get('/s');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<label class="block" for="code">户码</label>');
    expect(page.headers['cache-control']).toBe('no-store');
    const go = await request(app).post('/s').set('X-Forwarded-For', from()).type('form').send({ code: ` ${code.toLowerCase()} ` });
    expect(go.status).toBe(303);
    expect(go.headers['location']).toBe(`/s/${code}`);
  });

  it('refuses a malformed and an unknown code with a message on the page', async () => {
    const malformed = await request(app).post('/s').set('X-Forwarded-For', from()).type('form').send({ code: '12345' });
    expect(malformed.status).toBe(400);
    expect(malformed.text).toContain('户码格式不对');
    expect(malformed.text).toContain('role="alert"');
    const unknown = await request(app).get('/s/ABCDEFGHJK').set('X-Forwarded-For', from());
    expect(unknown.status).toBe(403);
    expect(unknown.text).toContain('户码无效或已作废');
  });

  it('shows the questionnaire: a fieldset and legend per item, a label on every radio button, the comment labelled', async () => {
    const page = await request(app).get(`/s/${code}`).set('X-Forwarded-For', from());
    expect(page.status).toBe(200);
    expect(page.text).toContain('和平&lt;花园&gt;');
    expect(page.text.match(/<fieldset/g)).toHaveLength(5);
    for (const item of ['安全秩序', '环境卫生', '绿化养护', '设施维修', '服务态度']) expect(page.text).toContain(`. ${item}</legend>`);
    const radios = [...page.text.matchAll(/<input type="radio" id="([^"]+)"/g)].map((m) => m[1]);
    expect(radios).toHaveLength(25);
    for (const id of radios) expect(page.text).toContain(`<label for="${id}">`);
    expect(page.text).toContain('<label class="block" for="comment">');
  });

  it('returns the form with the answers kept and the unanswered item named, then stores an answer and replaces it', async () => {
    const partial = { q0: '满意', q1: '一般', q2: '满意', q3: '非常满意', comment: '希望增加路灯' };
    const missing = await request(app).post(`/s/${code}`).set('X-Forwarded-For', from()).type('form').send(partial);
    expect(missing.status).toBe(422);
    expect(missing.text).toContain('「服务态度」没有作答');
    expect(missing.text).toContain('aria-invalid="true"');
    expect(missing.text).toContain('value="一般" checked');
    expect(missing.text).toContain('希望增加路灯');
    expect(await t.knex('survey_responses').count({ n: '*' }).first()).toEqual({ n: kind === 'pglite' ? 0 : '0' });

    const done = await request(app).post(`/s/${code}`).set('X-Forwarded-For', from()).type('form').send({ ...partial, q4: '满意' });
    expect(done.status).toBe(201);
    expect(done.text).toContain('提交成功');
    expect(done.text).toContain('已记录本户的答案');
    const again = await request(app).get(`/s/${code}`).set('X-Forwarded-For', from());
    expect(again.text).toContain('本户已经作答过');
    const replaced = await request(app).post(`/s/${code}`).set('X-Forwarded-For', from()).type('form').send({ q0: LEVELS[0], q1: LEVELS[0], q2: LEVELS[0], q3: LEVELS[0], q4: LEVELS[0] });
    expect(replaced.status).toBe(201);
    expect(replaced.text).toContain('已用本次答案替换');
    expect((await t.knex('survey_responses').select('household', 'score')) as unknown[]).toEqual([{ household: '1', score: 10000 }]);
    const stored = (await t.knex('survey_online_answers').first('comment')) as { comment: string | null };
    expect(stored.comment).toBeNull();
  });

  it('tells a household the survey has closed once the round is closed', async () => {
    await closeRound(contextOf(t.knex, t.db.kind), '2025-H1');
    const page = await request(app).get(`/s/${other}`).set('X-Forwarded-For', from());
    expect(page.status).toBe(409);
    expect(page.text).toContain('问卷已截止');
    const post = await request(app).post(`/s/${other}`).set('X-Forwarded-For', from()).type('form').send({ q0: '满意' });
    expect(post.status).toBe(409);
  });
});
