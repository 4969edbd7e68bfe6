/**
 * The issuer and city settings on the web: the admin's API (GET/PUT /api/v1/settings, all or
 * nothing, audited, in the OpenAPI document) and the admin's page (/settings) with its form.
 */
import request from 'supertest';
import type { Express } from 'express';
import { addUser, createToken } from '../../src/app/accounts';
import { createApp } from '../../src/http/app';
import { backends, useTestDb } from '../support/test-db';
import { NOW, PASSWORD, contextOf } from './city';
import { hidden, login } from './web-session';

describe.each(backends())('settings on the web (%s)', (kind) => {
  const t = useTestDb(kind);
  let app: Express;
  const tokens: Record<string, string> = {};
  const auditRows = async () => (await t.knex('audit_log').where({ action: 'settings.set' }).orderBy('id').select('actor', 'entity_id', 'before', 'after')) as { actor: string; entity_id: string; before: unknown; after: unknown }[];

  beforeAll(async () => {
    const ctx = contextOf(t.knex, t.db.kind);
    for (const [name, role] of [['admin', 'admin'], ['bureau', 'bureau']] as const) {
      await addUser(ctx, { name, role, password: PASSWORD });
      tokens[name] = (await createToken(ctx, name)).token;
    }
    app = createApp({ knex: t.knex, dbKind: t.db.kind, now: () => NOW, log: () => {} });
  }, 120_000);

  const as = (who: string) => (r: request.Test) => r.set('Authorization', `Bearer ${tokens[who]}`);

  it('answers unset settings as null, and refuses other roles and visitors', async () => {
    const res = await as('admin')(request(app).get('/api/v1/settings'));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ settings: { issuer: { value: null, updatedBy: null, updatedAt: null }, city: { value: null, updatedBy: null, updatedAt: null } } });
    expect((await as('bureau')(request(app).get('/api/v1/settings'))).status).toBe(403);
    expect((await request(app).put('/api/v1/settings').send({ city: '磐石市' })).status).toBe(401);
    expect(await auditRows()).toEqual([]);
  });

  it('refuses a bad value with 400 naming the field (an unknown field 422), and writes neither value (all or nothing)', async () => {
    const res = await as('admin')(request(app).put('/api/v1/settings')).send({ issuer: '××市住房和城乡建设局', city: '磐石市' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INPUT_INVALID');
    expect(res.body.error.message).toContain('发文单位（issuer）「××市住房和城乡建设局」是占位文字');
    expect(res.body.error.details).toEqual([{ row: null, column: 'issuer', message: '占位文字' }]);
    const unknown = await as('admin')(request(app).put('/api/v1/settings')).send({ mayor: '张三' });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.message).toContain('只能设置 issuer（发文单位）和 city（城市名称）');
    const empty = await as('admin')(request(app).put('/api/v1/settings')).send({});
    expect(empty.status).toBe(400);
    expect(empty.body.error.message).toContain('没有要保存的设置');
    expect(Number((await t.knex('settings').count<{ n: string }[]>('* as n'))[0]?.n)).toBe(0);
    expect(await auditRows()).toEqual([]);
  });

  it('names the city on every page once it is set, and the issuer at the foot', async () => {
    const before = await request(app).get('/login');
    expect(before.text).toContain('<a class="brand" href="/">物业服务企业红黑榜</a>');
    expect(before.text).not.toContain('××');
    await t.knex('settings').insert([
      { key: 'city', value: '磐石市', updated_by: 'test', updated_at: NOW },
      { key: 'issuer', value: '磐石市住房和城乡建设局', updated_by: 'test', updated_at: NOW },
    ]);
    for (const path of ['/', '/login', '/no-such-page']) {
      const page = await request(app).get(path);
      expect(page.text).toContain('<a class="brand" href="/">磐石市物业服务企业红黑榜</a>');
      expect(page.text).toContain('磐石市住房和城乡建设局</footer>');
    }
    await t.knex('settings').delete();
  });

  it('saves both values for the admin, audited with who changed what', async () => {
    const res = await as('admin')(request(app).put('/api/v1/settings')).send({ issuer: '磐石市住房和城乡建设局', city: '磐石市' });
    expect(res.status).toBe(200);
    expect(res.body.settings.issuer).toEqual({ value: '磐石市住房和城乡建设局', updatedBy: 'admin', updatedAt: NOW.toISOString() });
    expect(res.body.settings.city.value).toBe('磐石市');
    const again = await as('admin')(request(app).put('/api/v1/settings')).send({ city: '磐石市' });
    expect(again.status).toBe(200);
    const parse = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
    expect((await auditRows()).map((r) => [r.actor, r.entity_id, parse(r.before), parse(r.after)])).toEqual([
      ['admin', 'issuer', null, { value: '磐石市住房和城乡建设局' }],
      ['admin', 'city', null, { value: '磐石市' }],
    ]);
  });

  it('documents both routes in the OpenAPI document', async () => {
    const doc = (await request(app).get('/api/openapi.json')).body as { paths: Record<string, Record<string, { tags: string[]; requestBody?: unknown }>> };
    expect(Object.keys(doc.paths['/api/v1/settings'] ?? {}).sort()).toEqual(['get', 'put']);
    expect(doc.paths['/api/v1/settings']?.put?.requestBody).toBeDefined();
    expect(JSON.stringify(doc.paths['/api/v1/settings']?.put)).toContain('磐石市住房和城乡建设局');
  });

  it('shows the admin page with the current values, and saves the form', async () => {
    const { agent, csrf } = await login(app, 'admin');
    const page = await agent.get('/settings');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<h1>系统设置</h1>');
    expect(page.text).toContain('value="磐石市住房和城乡建设局"');
    expect(page.text).toContain('admin 于 2025年7月1日 10:00 设置');
    expect(page.text).toContain('href="/settings">系统设置</a>');
    const saved = await agent.post('/settings').type('form').send({ _csrf: csrf, issuer: '磐石市住房和城乡建设局', city: '磐石市（县级市）' });
    expect(saved.status).toBe(303);
    const after = await agent.get(saved.headers.location as string);
    expect(after.text).toContain('已保存 城市名称：磐石市（县级市）');
    expect((await t.knex('settings').where({ key: 'city' }).first()).value).toBe('磐石市（县级市）');
  });

  it('re-renders the form with the error and the values as typed, writing nothing', async () => {
    const { agent } = await login(app, 'admin');
    const page = await agent.get('/settings');
    const res = await agent.post('/settings').type('form').send({ _csrf: hidden(page.text, '_csrf'), issuer: '', city: '磐石市' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('发文单位（issuer）不能为空');
    expect(res.text).toContain('「issuer」：为空');
    expect(res.text).toContain('value="磐石市"');
    expect((await t.knex('settings').where({ key: 'issuer' }).first()).value).toBe('磐石市住房和城乡建设局');
    const forged = await agent.post('/settings').type('form').send({ _csrf: 'forged', issuer: '磐石住建局', city: '磐石市' });
    expect(forged.status).toBe(403);
    expect((await t.knex('settings').where({ key: 'issuer' }).first()).value).toBe('磐石市住房和城乡建设局');
  });

  it('sends a visitor to the login page and refuses the bureau account', async () => {
    const visitor = await request(app).get('/settings');
    expect(visitor.status).toBe(303);
    expect(visitor.headers.location).toBe('/login?next=%2Fsettings');
    const { agent } = await login(app, 'bureau');
    const refused = await agent.get('/settings');
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('系统设置只有管理员可以修改');
  });
});
