/**
 * The web layer's defences: sessions, CSRF, security headers, size limits, the pages' escaping,
 * the OpenAPI document and the `hhb users` / `hhb tokens` commands.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { Express } from 'express';
import { sha256 } from '../../src/app/accounts';
import { createApp } from '../../src/http/app';
import { backends } from '../support/test-db';
import { hhb, closeCliDatabases } from '../cli/cli-harness';
import { NOW, OPEN, PASSWORD, PUBLISHED, XSS_NAME, type City, useCityDb } from './city';
import { hidden, login } from './web-session';

afterAll(closeCliDatabases);

describe.each(backends())('the web layer (%s)', (kind) => {
  const t = useCityDb(kind);
  let app: Express;
  let city: City;

  beforeAll(async () => {
    city = t.city;
    app = createApp({ knex: t.knex, dbKind: t.db.kind, now: () => NOW, log: () => {} });
  }, 180_000);

  it('logs in with an httpOnly SameSite=Lax session cookie, Secure only behind TLS', async () => {
    const { setCookie } = await login(app, 'streetA');
    const sid = setCookie.find((c) => c.startsWith('hhb_sid=')) as string;
    expect(sid).toMatch(/HttpOnly/);
    expect(sid).toMatch(/SameSite=Lax/);
    expect(sid).not.toMatch(/Secure/);
    const stored = await t.knex('sessions').select('id');
    expect(stored.map((s: { id: string }) => s.id)).toContain(sha256(decodeURIComponent(sid.split(';')[0]?.slice('hhb_sid='.length) ?? '')));

    const proxied = createApp({ knex: t.knex, dbKind: t.db.kind, now: () => NOW, log: () => {}, trustProxy: 1 });
    const form = await request(proxied).get('/login').set('X-Forwarded-Proto', 'https');
    const loginCookie = (form.headers['set-cookie'] as unknown as string[])[0] as string;
    expect(loginCookie).toMatch(/Secure/);
    const res = await request(proxied).post('/login').set('X-Forwarded-Proto', 'https').set('Cookie', loginCookie.split(';')[0] as string).type('form').send({ _csrf: hidden(form.text, '_csrf'), name: 'bureau', password: PASSWORD });
    expect(res.status).toBe(303);
    expect((res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith('hhb_sid='))).toMatch(/Secure/);
    expect(res.headers['strict-transport-security']).toMatch(/max-age/);
  });

  it('refuses a wrong password and a login form without its token', async () => {
    const agent = request.agent(app);
    const form = await agent.get('/login');
    const wrong = await agent.post('/login').type('form').send({ _csrf: hidden(form.text, '_csrf'), name: 'streetA', password: 'wrong password!' });
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('用户名或密码错误');
    const forged = await request(app).post('/login').type('form').send({ name: 'streetA', password: PASSWORD });
    expect(forged.status).toBe(403);
  });

  it('requires the CSRF token on every form post and on API writes made with the cookie', async () => {
    const { agent, csrf } = await login(app, 'streetA');
    const project = city.firms[6]?.project as string;
    const noToken = await agent.post(`/entry/${OPEN}/scores`).type('form').send({ project, score: '90' });
    expect(noToken.status).toBe(403);
    expect(noToken.text).toContain('CSRF');
    const apiNoToken = await agent.put(`/api/v1/rounds/${OPEN}/street-scores/${project}`).send({ score: 90 });
    expect(apiNoToken.status).toBe(403);
    expect(await t.knex('street_scores as s').join('projects as p', 'p.id', 's.project_id').where('p.code', project).whereNull('s.superseded_at').whereIn('s.round_id', t.knex('rounds').where({ code: OPEN }).select('id'))).toHaveLength(0);
    const ok = await agent.post(`/entry/${OPEN}/scores`).type('form').send({ _csrf: csrf, project, score: '90' });
    expect(ok.status).toBe(303);
    const apiOk = await agent.put(`/api/v1/rounds/${OPEN}/street-scores/${project}`).set('X-CSRF-Token', csrf).send({ score: 91 });
    expect(apiOk.status).toBe(200);
    expect(apiOk.body).toEqual({ entered: 1, replaced: 1 });
    const logout = await agent.post('/logout').type('form').send({ _csrf: csrf });
    expect(logout.status).toBe(303);
    expect((await agent.get('/entry')).status).toBe(303);
  });

  it('sends security headers and enforces body and upload size limits', async () => {
    const res = await request(app).get('/');
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    const big = await request(app).post('/api/v1/rounds').set('Authorization', `Bearer ${city.tokens.bureau}`).set('Content-Type', 'application/json').send(JSON.stringify({ code: '2026-H1', rules: { x: 'a'.repeat(1_100_000) } }));
    expect(big.status).toBe(413);
    expect(big.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    const small = createApp({ knex: t.knex, dbKind: t.db.kind, now: () => NOW, log: () => {}, uploadMaxBytes: 1000 });
    const upload = await request(small).post(`/api/v1/rounds/${OPEN}/imports/street`).set('Authorization', `Bearer ${city.tokens.bureau}`).attach('file', Buffer.alloc(5000, 'a'), 'big.csv');
    expect(upload.status).toBe(413);
  });

  it('shows the published round publicly with the red and black lists, a hostile firm name as text', async () => {
    const res = await request(app).get('/');
    expect(res.status).toBe(200);
    expect(res.text).toContain(`${PUBLISHED} 物业服务企业红黑榜`);
    const red = res.text.slice(res.text.indexOf('id="red-list"'), res.text.indexOf('id="black-list"'));
    expect(red).toContain('第1物业公司');
    const black = res.text.slice(res.text.indexOf('id="black-list"'));
    expect(black).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(res.text).not.toContain(XSS_NAME);
    expect((await request(app).get(`/rounds/${OPEN}`)).status).toBe(404);
    const firm = await request(app).get(`/firms/${city.firms[9]?.uscc}`);
    expect(firm.text).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(firm.text).not.toContain(XSS_NAME);
    const chart = await request(app).get(`/api/v1/rounds/${PUBLISHED}/charts/ranking.png`);
    expect(chart.status).toBe(200);
    expect(chart.headers['content-type']).toBe('image/png');
    expect(chart.body.subarray(1, 4).toString()).toBe('PNG');
  });

  it('publishes an OpenAPI 3 document generated from the request schemas', async () => {
    const res = await request(app).get('/api/openapi.json');
    expect(res.body.openapi).toMatch(/^3\./);
    const put = res.body.paths['/api/v1/rounds/{code}/street-scores/{project}'].put;
    expect(put.parameters.map((p: { name: string }) => p.name)).toEqual(['code', 'project']);
    expect(Object.keys(put.requestBody.content['application/json'].schema.properties)).toEqual(['score', 'note']);
    expect(res.body.paths['/api/v1/rounds/{code}/imports/{kind}'].post.parameters[1].schema.enum).toContain('street');
    expect(res.body.paths['/api/v1/rounds/{code}/imports/{kind}'].post.requestBody.content['multipart/form-data']).toBeDefined();
    expect((await request(app).get('/healthz')).body).toEqual({ ok: true });
  });

  it('adds users and tokens from the command line; only the token hash is stored', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hhb-users-'));
    try {
      if (t.db.url === null) {
        // In-memory PGlite cannot be shared with the CLI: a PGlite folder of its own, without the city.
        const db = join(dir, 'db');
        const admin = await hhb(['users', 'add', 'it-admin', '--role', 'admin'], { db, cwd: dir });
        expect(admin.code).toBe(0);
        expect(admin.stdout).toMatch(/初始密码.*：\S{10,}/);
        const tok = await hhb(['tokens', 'create', 'it-admin'], { db, cwd: dir });
        expect(tok.stdout.split('\n')[1]).toMatch(/^hhb_[\w-]{43}$/);
        const none = await hhb(['tokens', 'create', 'nobody'], { db, cwd: dir });
        expect(none.code).toBe(2);
        return;
      }
      const add = await hhb(['users', 'add', 'clerk2', '--role', 'street', '--street', 'SB'], { db: t.db.url, cwd: dir });
      expect(add.code).toBe(0);
      const oneTime = /初始密码.*：(\S+)/.exec(add.stdout)?.[1] as string;
      expect(oneTime.length).toBeGreaterThanOrEqual(12);
      const bad = await hhb(['users', 'add', 'clerk3', '--role', 'street'], { db: t.db.url, cwd: dir });
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain('--street');
      const token = await hhb(['tokens', 'create', 'clerk2'], { db: t.db.url, cwd: dir });
      const value = token.stdout.split('\n')[1] as string;
      expect(value).toMatch(/^hhb_/);
      const rows = await t.knex('api_tokens').select('token_hash');
      expect(rows.map((r: { token_hash: string }) => r.token_hash)).toContain(sha256(value));
      expect(JSON.stringify(rows)).not.toContain(value);
      const me = await request(app).get('/api/v1/me').set('Authorization', `Bearer ${value}`);
      expect(me.body.user).toMatchObject({ name: 'clerk2', role: 'street', street: 'SB' });

      // A clerk who left: disabling ends the session and revokes the tokens at once.
      // A generated password opens nothing but the change form; the clerk then chooses their own.
      const clerk = await login(app, 'clerk2', oneTime);
      expect((await clerk.agent.get('/entry')).headers.location).toBe('/password');
      const password = 'clerk two own passphrase';
      const changed = await clerk.agent.post('/password').type('form').send({ _csrf: clerk.csrf, current: oneTime, password, confirm: password });
      expect(changed.status).toBe(303);
      expect((await clerk.agent.get('/entry')).status).toBe(200);
      const disabled = await hhb(['users', 'disable', 'clerk2', '--reason', '调离'], { db: t.db.url, cwd: dir });
      expect(disabled.code).toBe(0);
      expect(disabled.stdout).toContain('结束会话 1 个，作废令牌 1 个');
      expect((await request(app).get('/api/v1/me').set('Authorization', `Bearer ${value}`)).status).toBe(401);
      expect((await clerk.agent.get('/entry')).status).toBe(303);
      await expect(login(app, 'clerk2', password)).rejects.toThrow('401');
      const listed = await hhb(['users', 'list'], { db: t.db.url, cwd: dir });
      expect(listed.stdout).toMatch(/clerk2\t街道办事处\tSB\t已停用/);
      expect((await hhb(['users', 'enable', 'clerk2'], { db: t.db.url, cwd: dir })).code).toBe(0);
      expect((await request(app).get('/api/v1/me').set('Authorization', `Bearer ${value}`)).status).toBe(401);
      await login(app, 'clerk2', password);
      expect((await hhb(['tokens', 'revoke', 'clerk2'], { db: t.db.url, cwd: dir })).code).toBe(2);
      const script = (await hhb(['tokens', 'create', 'clerk2', '--label', '导入脚本'], { db: t.db.url, cwd: dir })).stdout.split('\n')[1] as string;
      expect((await request(app).get('/api/v1/me').set('Authorization', `Bearer ${script}`)).status).toBe(200);
      const revoked = await hhb(['tokens', 'revoke', 'clerk2', '--label', '导入脚本'], { db: t.db.url, cwd: dir });
      expect(revoked.stdout).toContain('作废 clerk2 的令牌 1 个');
      expect((await request(app).get('/api/v1/me').set('Authorization', `Bearer ${script}`)).status).toBe(401);
      const audit = await t.knex('audit_log').where({ entity_id: 'clerk2' }).orderBy('id').pluck('action');
      expect(audit).toEqual(expect.arrayContaining(['user.add', 'token.create', 'user.disable', 'user.enable', 'token.revoke']));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
