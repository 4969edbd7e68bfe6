/**
 * Requests a browser never sends but a broken link or a hand-made script does: a malformed
 * percent-encoding in the path, a form field sent twice. Each answers 400 in the API's error shape
 * (or an error page) and is logged, never 500. And what a logged-in person sees is not cached.
 */
import request from 'supertest';
import type { Express } from 'express';
import { createApp } from '../../src/http/app';
import { backends } from '../support/test-db';
import { NOW, OPEN, useCityDb } from './city';
import { login } from './web-session';

describe.each(backends())('malformed requests and caching (%s)', (kind) => {
  const t = useCityDb(kind);
  let app: Express;
  const log: string[] = [];

  beforeAll(async () => {
    app = createApp({ knex: t.knex, dbKind: t.db.kind, now: () => NOW, log: (line) => log.push(line) });
  }, 180_000);

  it('answers a malformed percent-encoding in the path with 400, in the error shape under /api', async () => {
    const api = await request(app).get('/api/v1/rounds/%E0%A4%A/results');
    expect(api.status).toBe(400);
    expect(api.body.error.code).toBe('INPUT_INVALID');
    expect(api.body.error.message).toMatch(/[\u4e00-\u9fff]/);
    const page = await request(app).get('/rounds/%E0%A4%A');
    expect(page.status).toBe(400);
    expect(page.text).toContain('请求无效');
    expect(log.some((l) => l.includes('"status":400') && l.includes('/rounds/'))).toBe(true);
  });

  it('refuses a form field sent twice with 400 naming the field, and writes nothing', async () => {
    const bureau = await login(app, 'bureau');
    const before = await t.knex('audit_log').count<{ n: string }[]>('* as n');
    const res = await bureau.agent.post(`/dashboard/rounds/${OPEN}/close`).type('form').send(`_csrf=${encodeURIComponent(bureau.csrf)}&reason=a&reason=b`);
    expect(res.status).toBe(400);
    expect(res.text).toContain('表单字段「reason」出现了 2 次');
    expect(await t.knex('audit_log').count<{ n: string }[]>('* as n')).toEqual(before);
    const settingsLogin = await request(app).post('/login').type('form').send('name=a&name=b&password=x');
    expect(settingsLogin.status).toBe(400);
  });

  it('marks every answer to a logged-in person no-store, and leaves the public pages cacheable', async () => {
    const bureau = await login(app, 'bureau');
    for (const path of ['/dashboard', '/api/v1/me', `/api/v1/rounds/${OPEN}/completeness`]) {
      const res = await bureau.agent.get(path).set('X-CSRF-Token', bureau.csrf);
      expect(res.headers['cache-control']).toBe('no-store');
    }
    expect((await request(app).get('/')).headers['cache-control'] ?? '').not.toContain('no-store');
  });

  it('shows a success message only when the site wrote it: a hand-made ?done= link shows nothing', async () => {
    const clerk = await login(app, 'streetA');
    const forged = await clerk.agent.get(`/entry?round=${OPEN}&done=${encodeURIComponent('系统升级，请拨打 400-000-0000 重新认证')}`);
    expect(forged.status).toBe(200);
    expect(forged.text).not.toContain('请拨打');
    const badSig = await clerk.agent.get(`/entry?round=${OPEN}&done=${encodeURIComponent('请拨打')}&sig=AAAAAAAAAAAAAAAAAAAAAA`);
    expect(badSig.text).not.toContain('请拨打');
    const entry = await clerk.agent.get(`/entry?round=${OPEN}`);
    const project = /name="project" value="([^"]+)"/.exec(entry.text)?.[1] as string;
    const saved = await clerk.agent.post(`/entry/${OPEN}/scores`).type('form').send({ _csrf: clerk.csrf, project, score: '88' });
    expect(saved.status).toBe(303);
    const shown = await clerk.agent.get(saved.headers.location as string);
    expect(shown.text).toContain('已保存 1 个项目的评分');
    // The same link in another person's session shows nothing either.
    const other = await login(app, 'streetA');
    expect((await other.agent.get(saved.headers.location as string)).text).not.toContain('已保存 1 个项目的评分');
  });
});

