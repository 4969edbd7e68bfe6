/**
 * SPEC §7 in the API: a query naming a street takes its code or its name; an unknown street is a
 * 404 naming the nearest registered streets.
 */
import request from 'supertest';
import type { Express } from 'express';
import { createApp } from '../../src/http/app';
import { backends } from '../support/test-db';
import { NOW, OPEN, type City, useCityDb } from './city';

describe.each(backends())('streets by code or name in the API (%s)', (kind) => {
  const t = useCityDb(kind);
  let app: Express;
  let city: City;

  beforeAll(async () => {
    city = t.city;
    app = createApp({ knex: t.knex, dbKind: t.db.kind, now: () => NOW, log: () => {} });
  }, 180_000);

  it("lists a street's projects by its name as by its code", async () => {
    const eastern = city.firms.filter((f) => f.street === 'SA').map((f) => f.project);
    for (const street of ['东城街道', 'SA']) {
      const res = await request(app).get(`/api/v1/rounds/${OPEN}/projects`).query({ street }).set('Authorization', `Bearer ${city.tokens.bureau}`);
      expect(res.status).toBe(200);
      expect(res.body.projects.map((p: { code: string }) => p.code)).toEqual(eastern);
    }
  });

  it('lets a street clerk name their own street by its name', async () => {
    const res = await request(app).get(`/api/v1/rounds/${OPEN}/projects`).query({ street: '西城街道' }).set('Authorization', `Bearer ${city.tokens.streetB}`);
    expect(res.status).toBe(200);
    expect(res.body.projects).toHaveLength(5);
  });

  it('answers 404 with the nearest names for an unknown street', async () => {
    const res = await request(app).get(`/api/v1/templates/street-scores`).query({ round: OPEN, street: '东成街道' }).set('Authorization', `Bearer ${city.tokens.bureau}`);
    expect(res.status).toBe(404);
    expect(res.body.error.message).toContain('最接近的已登记街道：东城街道（SA）');
  });

  it('refuses a projects upload naming an unregistered street, and creates it with newStreets=true', async () => {
    const file = Buffer.from(`项目编号,项目名称,街道,物业企业统一社会信用代码,户数\nP99,南湖公寓,东成街道,${city.firms[0]?.uscc},120\n`);
    const refused = await request(app).post('/api/v1/master-data/projects').set('Authorization', `Bearer ${city.tokens.bureau}`).attach('file', file, 'projects.csv');
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.status).toBeLessThan(500);
    expect(JSON.stringify(refused.body.error.details)).toContain('东城街道（SA）');
    expect(await t.knex('projects').where({ code: 'P99' }).first()).toBeUndefined();
    const created = await request(app).post('/api/v1/master-data/projects').query({ newStreets: 'true' }).set('Authorization', `Bearer ${city.tokens.bureau}`).attach('file', file, 'projects.csv');
    expect(created.status).toBe(200);
    expect(created.body.newStreets).toEqual(['东成街道']);
  });
});
