/**
 * The pages as their users work them: a street clerk's entry table keeps what was typed when one
 * score is refused and numbers the rows as the table shows them; each role lands on its own page.
 */
import type { Express } from 'express';
import { createApp } from '../../src/http/app';
import { backends } from '../support/test-db';
import { NOW, OPEN, PUBLISHED, type City, useCityDb, contextOf } from './city';
import request from 'supertest';
import { rankingView, resultsPage } from '../../src/app/ranking';
import { getRoundResults, toResultsJson } from '../../src/app/results';
import { setSetting } from '../../src/app/settings';
import { issueSurveyCodes } from '../../src/app/survey-codes';
import { login } from './web-session';

describe.each(backends())('pages as their users work them (%s)', (kind) => {
  const t = useCityDb(kind);
  let app: Express;
  let city: City;

  beforeAll(async () => {
    city = t.city;
    app = createApp({ knex: t.knex, dbKind: t.db.kind, now: () => NOW, log: () => {} });
  }, 180_000);

  it('keeps the typed scores when one is refused, marks it, and names the row as the table numbers it', async () => {
    const clerk = await login(app, 'streetA');
    const page = await clerk.agent.get(`/entry?round=${OPEN}`);
    const projects = [...page.text.matchAll(/name="project" value="([^"]+)"/g)].map((m) => m[1] as string);
    expect(projects.length).toBeGreaterThanOrEqual(3);
    // Row 1 left blank, row 2 a good score, row 3 a bad one.
    const form = new URLSearchParams({ _csrf: clerk.csrf });
    projects.forEach((p, i) => {
      form.append('project', p);
      form.append('score', i === 1 ? '91.5' : i === 2 ? '101' : '');
      form.append('note', i === 1 ? '复核后' : '');
    });
    const res = await clerk.agent.post(`/entry/${OPEN}/scores`).type('form').send(form.toString());
    expect(res.status).toBe(400);
    expect(res.text).toContain('第 3 行');
    expect(res.text).not.toContain('第 2 行');
    expect(res.text).toMatch(new RegExp(`aria-label="${projects[1]} 新得分" value="91.5"`));
    expect(res.text).toMatch(new RegExp(`aria-label="${projects[1]} 备注" value="复核后"`));
    expect(res.text).toMatch(new RegExp(`aria-label="${projects[2]} 新得分" value="101" aria-invalid="true"`));
    expect(res.text).not.toMatch(new RegExp(`aria-label="${projects[1]} 新得分" value="91.5" aria-invalid`));
    const stored = await t.knex('street_scores').whereIn('project_id', t.knex('projects').whereIn('code', projects).select('id')).whereNull('superseded_at').whereIn('round_id', t.knex('rounds').where({ code: OPEN }).select('id'));
    expect(stored).toHaveLength(0);
  });

  it('sends each role to its own page after login', async () => {
    const homes: Record<string, string> = { admin: '/dashboard', bureau: '/dashboard', regulator: '/follow-up', streetA: '/entry', firm: '/card' };
    for (const [name, home] of Object.entries(homes)) {
      const { landedOn } = await login(app, name);
      expect([name, landedOn]).toEqual([name, home]);
    }
    expect(city.firms.length).toBeGreaterThan(0);
  });

  it('lets the bureau and the regulators upload their imports on the site, with the row errors of a refused file', async () => {
    const regulator = await login(app, 'regulator');
    const page = await regulator.agent.get('/imports');
    expect(page.status).toBe(200);
    expect(page.text).toContain('value="regulator"');
    expect(page.text).not.toContain('value="resident"');
    expect(page.text).not.toContain('id="master-import"');
    const [a, b] = city.firms;
    const good = `统一社会信用代码,部门,得分\n${a?.uscc},消防,88.5\n${b?.uscc},消防,90\n`;
    const ok = await regulator.agent.post('/imports/round').field('_csrf', regulator.csrf).field('round', OPEN).field('kind', 'regulator').attach('file', Buffer.from(good), 'regulator.csv');
    expect(ok.status).toBe(303);
    expect((await regulator.agent.get(ok.headers.location as string)).text).toContain(`已导入 ${OPEN} 行管部门评分 2 行`);
    const stored = await t.knex('regulator_scores').where({ department: '消防' }).whereNull('superseded_at');
    expect(stored).toHaveLength(2);

    const bad = `统一社会信用代码,部门,得分\n${a?.uscc},住建,85%\n`;
    const refused = await regulator.agent.post('/imports/round').field('_csrf', regulator.csrf).field('round', OPEN).field('kind', 'regulator').attach('file', Buffer.from(bad), 'regulator.csv');
    expect(refused.status).toBe(400);
    expect(refused.text).toMatch(/id="round-import"[^]*第 2 行[^]*85%/);
    expect(await t.knex('regulator_scores').where({ department: '住建' })).toHaveLength(0);
    const notTheirs = await regulator.agent.post('/imports/round').field('_csrf', regulator.csrf).field('round', OPEN).field('kind', 'resident').attach('file', Buffer.from(good), 'r.csv');
    expect(notTheirs.status).toBe(403);
    const master = await regulator.agent.post('/imports/master').field('_csrf', regulator.csrf).field('kind', 'streets').attach('file', Buffer.from('街道编码,街道名称\nSX,新街道\n'), 's.csv');
    expect(master.status).toBe(403);

    const bureau = await login(app, 'bureau');
    const streets = await bureau.agent.post('/imports/master').field('_csrf', bureau.csrf).field('kind', 'streets').attach('file', Buffer.from('街道编码,街道名称\nSX,新街道\n'), 's.csv');
    expect(streets.status).toBe(303);
    expect((await bureau.agent.get(streets.headers.location as string)).text).toContain('已导入街道 1 行（新增 1，更新 0）');
    const clerk = await login(app, 'streetA');
    expect((await clerk.agent.get('/imports')).status).toBe(403);
  });

  it('reads the ranking a page at a time in rank order, and finds a firm by part of its name or the start of its USCC', async () => {
    const ctx = contextOf(t.knex, t.db.kind);
    const results = await getRoundResults(ctx, PUBLISHED);
    const order = results.firms.map((f) => f.uscc);
    const pages = await Promise.all([1, 2, 3, 4].map((page) => rankingView(ctx, PUBLISHED, { page, size: 3 })));
    expect(pages.map((p) => p.page.rows.length)).toEqual([3, 3, 3, 1]);
    expect(pages.flatMap((p) => p.page.rows.map((r) => r.uscc))).toEqual(order);
    expect(pages[0]?.page).toMatchObject({ number: 1, pages: 4, total: 10 });
    expect((await rankingView(ctx, PUBLISHED, { page: 99, size: 3 })).page.number).toBe(4);
    const firm = results.firms[4];
    const row = pages[1]?.page.rows[1];
    expect(row).toEqual({ rank: firm?.rank, uscc: firm?.uscc, name: firm?.name, composite: firm?.composite, resident: firm?.scores.resident, regulator: firm?.scores.regulator, street: firm?.scores.street, list: firm?.list, reason: firm?.reasons[0] ?? null, flags: firm?.flags, reasons: firm?.reasons });

    // The results API's pages, put together, are `hhb results --json`'s firms.
    const whole = toResultsJson(results);
    const apiPages = await Promise.all([1, 2, 3, 4].map((page) => resultsPage(ctx, PUBLISHED, { page, size: 3 })));
    expect(apiPages.flatMap((p) => p.firms)).toEqual(whole.firms);
    expect(apiPages[3]).toMatchObject({ round: whole.round, status: whole.status, rulesHash: whole.rulesHash, total: 10, page: 4, size: 3 });
    expect((await resultsPage(ctx, PUBLISHED, { page: 5, size: 3 })).firms).toEqual([]);

    const byName = await request(app).get(`/rounds/${PUBLISHED}?q=${encodeURIComponent('第3物业')}`);
    expect(byName.text).toContain('「第3物业」：找到 1 家');
    expect(byName.text).toMatch(/<table class="ranking">[^]*第3物业公司[^]*<\/table>/);
    expect(byName.text).not.toMatch(/<table class="ranking">[^]*第4物业公司[^]*<\/table>/);
    const byUscc = await request(app).get(`/rounds/${PUBLISHED}?q=${city.firms[6]?.uscc.slice(0, 17).toLowerCase()}`);
    expect(byUscc.text).toContain('找到 1 家');
    expect(byUscc.text).toMatch(new RegExp(`<table class="ranking">[^]*${city.firms[6]?.name}`));
    const wildcard = await request(app).get(`/rounds/${PUBLISHED}?q=%25`);
    expect(wildcard.text).toContain('找到 0 家');
    const bad = await request(app).get(`/rounds/${PUBLISHED}?page=abc`);
    expect(bad.status).toBe(200);
    expect(bad.text).toMatch(/<table class="ranking">[^]*第1物业公司/);
  });

  it("shows the online survey's progress on the dashboard (with the latest comments) and on the street's entry page", async () => {
    const ctx = contextOf(t.knex, t.db.kind);
    const firm = city.firms.find((f) => f.street === 'SA') as City['firms'][number];
    const other = city.firms.find((f) => f.street === 'SB') as City['firms'][number];
    const before = await login(app, 'bureau');
    expect((await before.agent.get(`/dashboard?round=${OPEN}`)).text).not.toContain('id="survey-progress"');
    await setSetting(ctx, 'base_url', 'https://wuye.example.gov.cn');
    const codes = (await issueSurveyCodes(ctx, { round: OPEN, project: firm.project })).codes;
    await issueSurveyCodes(ctx, { round: OPEN, project: other.project });
    const answers = Object.fromEntries(['安全秩序', '环境卫生', '绿化养护', '设施维修', '服务态度'].map((i) => [i, '满意']));
    const answered = await request(app).post('/api/v1/survey/responses').send({ code: codes[0]?.code, answers, comment: '保安巡逻认真，<b>感谢</b>' });
    expect(answered.status).toBe(201);

    const bureau = await login(app, 'bureau');
    const dash = (await bureau.agent.get(`/dashboard?round=${OPEN}`)).text;
    expect(dash).toMatch(/id="survey-progress"[^]*已发放户码 200 个，已在线作答 1 户/);
    expect(dash).toMatch(new RegExp(`id="survey-projects"[^]*data-project="${firm.project}"><td>[^<]*</td><td>100</td><td>100</td><td>1</td>`));
    expect(dash).toMatch(new RegExp(`id="survey-short"[^]*data-uscc="${firm.uscc}"`));
    expect(dash).toContain('保安巡逻认真，&lt;b&gt;感谢&lt;/b&gt;');
    const clerk = await login(app, 'streetA');
    const entry = (await clerk.agent.get(`/entry?round=${OPEN}`)).text;
    expect(entry).toMatch(/id="survey-progress"[^]*已发放户码 100 个，已在线作答 1 户/);
    expect(entry).not.toContain(`data-project="${other.project}"`);
    expect(entry).not.toContain('保安巡逻认真');
  });
});

