/**
 * The follow-up of a round through the web: the notice period shown to the public, a firm objecting from its score
 * card, publication refused while the objection is undecided, the overdue flag on the dashboard after
 * 5 working days, the bureau's decision, a regulator's failed re-inspection, and the resulting
 * disqualification proposal approved on the follow-up page — on PGlite and on PostgreSQL.
 */
import request from 'supertest';
import type { Express } from 'express';
import { createApp } from '../../src/http/app';
import { backends } from '../support/test-db';
import { NOW, OPEN, PASSWORD, PUBLISHED, XSS_NAME, type City, useCityDb, contextOf, enterAllScores } from './city';
import { addUser } from '../../src/app/accounts';
import { closeRound, computeRound } from '../../src/app/rounds';
import { login } from './web-session';

const DAY = 86_400_000;

describe.each(backends())('objections, re-inspections and proposals on the web (%s)', (kind) => {
  const t = useCityDb(kind);
  let app: Express;
  let city: City;
  let clock = NOW;
  const bearer = (who: keyof City['tokens']) => `Bearer ${city.tokens[who]}`;

  beforeAll(async () => {
    city = t.city;
    const ctx = contextOf(t.knex, t.db.kind);
    await enterAllScores(ctx, OPEN, city.firms);
    await closeRound(ctx, OPEN);
    await computeRound(ctx, OPEN, { force: false });
    app = createApp({ knex: t.knex, dbKind: t.db.kind, now: () => clock, log: () => {} });
  }, 180_000);

  it('recomputes from the dashboard and says what changed against the previous computation', async () => {
    const bureau = await login(app, 'bureau');
    const again = await bureau.agent.post(`/dashboard/rounds/${OPEN}/compute`).type('form').send({ _csrf: bureau.csrf });
    expect(again.status).toBe(303);
    const page = await bureau.agent.get(again.headers.location as string);
    expect(page.text).toContain(`${OPEN} 第 2 次计算完成；与上次计算相比名次和榜单没有变化`);
  });

  it('shows the draft lists to the public during the notice period', async () => {
    const out = await request(app).post(`/api/v1/rounds/${OPEN}/publicize`).set('Authorization', bearer('bureau')).send({ days: 7 });
    expect(out.status).toBe(200);
    expect(out.body.noticeEndsOn).toBe('2025-07-08');
    const home = await request(app).get('/');
    expect(home.text).toMatch(new RegExp(`id="in-notice"[^]*${OPEN} 拟列入名单[^]*2025-07-08`));
    const page = await request(app).get(`/rounds/${OPEN}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('公示期至 2025-07-08');
    expect(page.text).toMatch(new RegExp(`id="red-list"[^]*${city.firms[0]?.name}[^]*id="black-list"`));
    expect(page.text).not.toContain('综合排名'); // the draft lists only, not the full ranking
    expect((await request(app).get(`/api/v1/rounds/${OPEN}/results`)).status).toBe(401);
    expect((await request(app).get(`/api/v1/rounds/${OPEN}/results`).set('Authorization', bearer('bureau'))).status).toBe(200);
  });

  it('lets a firm object once from its score card, and refuses publication while it is undecided', async () => {
    const firm = await login(app, 'firm');
    const card = await firm.agent.get('/card');
    expect(card.text).toContain(`action="/card/${OPEN}/objection"`);
    const filed = await firm.agent.post(`/card/${OPEN}/objection`).type('form').send({ _csrf: firm.csrf, reason: '第 1 号小区的居民满意度样本漏录了 12 户', evidence: '入户调查表.pdf\n业主签名册.jpg' });
    expect(filed.status).toBe(303);
    const after = await firm.agent.get('/card');
    expect(after.text).toContain('住建局尚未作出决定');
    expect(after.text).not.toContain(`action="/card/${OPEN}/objection"`);
    const again = await firm.agent.post(`/card/${OPEN}/objection`).type('form').send({ _csrf: firm.csrf, reason: '再提一次异议试试看' });
    expect(again.status).toBe(409);
    expect(again.text).toContain('只能提出一次');
    const forged = await request(app).post(`/api/v1/rounds/${OPEN}/objections`).set('Authorization', bearer('firm')).send({ uscc: city.firms[1]?.uscc, reason: '替别的企业提出异议' });
    expect(forged.status).toBe(403);

    clock = new Date(NOW.getTime() + 8 * DAY); // notice period over
    const publish = await request(app).post(`/api/v1/rounds/${OPEN}/publish`).set('Authorization', bearer('bureau')).send({});
    expect(publish.status).toBe(409);
    expect(publish.body.error.message).toContain('异议');
  });

  it('flags an objection undecided after 5 working days on the dashboard, and records the decision with its reason', async () => {
    const listed = await request(app).get(`/api/v1/rounds/${OPEN}/objections`).set('Authorization', bearer('bureau'));
    expect(listed.body.objections).toHaveLength(1);
    expect(listed.body.objections[0]).toMatchObject({ uscc: city.firms[0]?.uscc, evidence: ['入户调查表.pdf', '业主签名册.jpg'], workingDays: 6, overdue: true });
    const bureau = await login(app, 'bureau');
    const dash = await bureau.agent.get(`/dashboard?round=${OPEN}`);
    expect(dash.text).toMatch(new RegExp(`id="overdue-objections"[^]*${city.firms[0]?.name}[^]*6 个工作日`));
    // The bureau opens the firm's explanation from the objection, with the objection beside it.
    const link = `/dashboard/rounds/${OPEN}/firms/${city.firms[0]?.uscc}`;
    expect(dash.text).toContain(`href="${link}" class="explanation-link"`);
    const explained = await bureau.agent.get(link);
    expect(explained.status).toBe(200);
    expect(explained.text).toContain('第 1 号小区的居民满意度样本漏录了 12 户');
    expect(explained.text).toMatch(/id="inputs"[^]*<tbody><tr><td>[^<]+<\/td>/);
    expect(explained.text).toMatch(/id="rules"[^]*<li>/);
    expect((await (await login(app, 'firm')).agent.get(link)).status).toBe(403);
    expect((await request(app).get(link)).status).toBe(303);
    const noReason = await bureau.agent.post(`/dashboard/rounds/${OPEN}/objections/${city.firms[0]?.uscc}`).type('form').send({ _csrf: bureau.csrf, decision: 'rejected', reason: ' ' });
    expect(noReason.status).toBe(400);
    expect(noReason.text).toContain('须写明理由');
    const decided = await bureau.agent.post(`/dashboard/rounds/${OPEN}/objections/${city.firms[0]?.uscc}`).type('form').send({ _csrf: bureau.csrf, decision: 'rejected', reason: '经核查样本无误' });
    expect(decided.status).toBe(303);
    const dash2 = await bureau.agent.get(decided.headers.location as string);
    expect(dash2.text).toContain('决定：不成立');
    expect(dash2.text).not.toContain('id="overdue-objections"');
    const audit = await request(app).get(`/api/v1/audit?entity=${OPEN}/`).set('Authorization', bearer('bureau'));
    expect(audit.body.entries.find((e: { action: string }) => e.action === 'objection.decide')).toMatchObject({ actor: 'bureau', reason: '经核查样本无误', after: { decision: 'rejected' } });
  });

  it('lets a black-listed firm report its rectification, which the regulator sees when re-inspecting', async () => {
    const black = city.firms[9] as City['firms'][number];
    await addUser(contextOf(t.knex, t.db.kind), { name: 'black-firm', role: 'firm', firm: black.uscc, password: PASSWORD });
    const firm = await login(app, 'black-firm');
    const card = await firm.agent.get('/card');
    expect(card.text).toContain(`action="/card/${PUBLISHED}/rectification"`);
    const short = await firm.agent.post(`/card/${PUBLISHED}/rectification`).type('form').send({ _csrf: firm.csrf, report: '已整改', evidence: '' });
    expect(short.status).toBe(400);
    expect(short.text).toContain('至少写 10 个字');
    const report = { _csrf: firm.csrf, report: '电梯已由维保单位全面检修并取得检验合格证，消防通道杂物已清理。', evidence: '电梯检验报告.pdf\r\n整改前后照片.zip\r\n' };
    const sent = await firm.agent.post(`/card/${PUBLISHED}/rectification`).type('form').send(report);
    expect(sent.status).toBe(303);
    expect((await firm.agent.get(sent.headers.location as string)).text).toContain(`已提交 ${PUBLISHED} 的整改报告`);
    const regulator = await login(app, 'regulator');
    const page = await regulator.agent.get('/follow-up');
    expect(page.text).toMatch(new RegExp(`data-uscc="${black.uscc}"[^]*电梯已由维保单位全面检修[^]*材料：电梯检验报告.pdf、整改前后照片.zip`));
    const other = await login(app, 'firm');
    expect((await other.agent.post(`/card/${PUBLISHED}/rectification`).type('form').send({ ...report, _csrf: other.csrf })).status).toBe(404);
    const audit = await t.knex('audit_log').where({ action: 'rectification.report', entity_id: `${PUBLISHED}/${black.uscc}` });
    expect(audit).toHaveLength(1);
  });

  it("takes a regulator's failed re-inspection, proposes disqualification at publication, and the bureau approves it", async () => {
    const black = city.firms[9] as City['firms'][number];
    const regulator = await login(app, 'regulator');
    const page = await regulator.agent.get('/follow-up');
    expect(page.status).toBe(200);
    expect(page.text).toContain(`action="/follow-up/rectifications/${PUBLISHED}/${black.uscc}"`);
    expect(page.text).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(page.text).not.toContain(XSS_NAME);
    expect(page.text).not.toContain('id="proposals"'); // proposals are the bureau's
    const done = await regulator.agent.post(`/follow-up/rectifications/${PUBLISHED}/${black.uscc}`).type('form').send({ _csrf: regulator.csrf, result: 'failed', note: '电梯隐患未整改' });
    expect(done.status).toBe(303);
    expect((await regulator.agent.get('/follow-up')).text).toMatch(/未通过（2025-07-09）：电梯隐患未整改/);
    const firm = await login(app, 'black-firm');
    expect((await firm.agent.get('/card')).text).not.toContain(`action="/card/${PUBLISHED}/rectification"`);
    const late = await firm.agent.post(`/card/${PUBLISHED}/rectification`).type('form').send({ _csrf: firm.csrf, report: '复查之后再补充一份整改说明材料', evidence: '' });
    expect(late.status).toBe(409);
    expect((await regulator.agent.get('/dashboard')).status).toBe(403);

    const publish = await request(app).post(`/api/v1/rounds/${OPEN}/publish`).set('Authorization', bearer('bureau')).send({});
    expect(publish.status).toBe(200);
    const proposals = await request(app).get('/api/v1/proposals?status=pending').set('Authorization', bearer('bureau'));
    const proposal = proposals.body.proposals.find((p: { uscc: string; kind: string }) => p.uscc === black.uscc && p.kind === 'disqualification');
    expect(proposal).toBeDefined();

    const bureau = await login(app, 'bureau');
    expect((await bureau.agent.get('/dashboard')).text).toContain('待决定处置建议 ');
    const approved = await bureau.agent.post(`/follow-up/proposals/${proposal.id}`).type('form').send({ _csrf: bureau.csrf, decision: 'approved', reason: '连续两期黑榜且整改未通过' });
    expect(approved.status).toBe(303);
    expect((await t.knex('firms').where({ uscc: black.uscc }).first()).status).toBe('disqualified');
    const interviewed = await bureau.agent.post(`/follow-up/interviews/${OPEN}/${black.uscc}`).type('form').send({ _csrf: bureau.csrf, heldOn: '2025-07-09', note: '约谈法定代表人，限期整改电梯隐患' });
    expect(interviewed.status).toBe(303);
    const future = await bureau.agent.post(`/follow-up/interviews/${PUBLISHED}/${black.uscc}`).type('form').send({ _csrf: bureau.csrf, heldOn: '2099-01-01', note: '将来的日期' });
    expect(future.status).toBe(400);
    expect(future.text).toContain('晚于今天');
    const interviews = await request(app).get(`/api/v1/interviews?round=${OPEN}`).set('Authorization', bearer('bureau'));
    expect(interviews.body.interviews).toEqual([expect.objectContaining({ uscc: black.uscc, heldOn: '2025-07-09', note: '约谈法定代表人，限期整改电梯隐患' })]);
    const publicPage = await request(app).get(`/firms/${black.uscc}`);
    expect(publicPage.text).toContain('已取消从业资格');
    expect(publicPage.text).toMatch(new RegExp(`${PUBLISHED}</td>[^]*复查未通过（2025-07-09）[^]*${OPEN}</td>[^]*待复查[^]*2025-07-09 已约谈[^]*取消从业资格建议：已批准（连续两期黑榜且整改未通过）`));
    const certificate = await t.knex('certificates as c').join('firms as f', 'f.id', 'c.firm_id').where('f.uscc', city.firms[0]?.uscc).first('c.number');
    expect(certificate?.number).toBeTruthy();
    expect((await request(app).get(`/firms/${city.firms[0]?.uscc}`)).text).toContain(`<td>${certificate.number}</td>`); // the red firm's certificate
    const rects = await request(app).get(`/api/v1/rectifications?round=${OPEN}`).set('Authorization', bearer('regulator'));
    expect(rects.body.rectifications.map((r: { uscc: string }) => r.uscc)).toContain(black.uscc);
  });
});
