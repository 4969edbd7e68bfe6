/**
 * The pages as their users work them: a street clerk's entry table keeps what was typed when one
 * score is refused and numbers the rows as the table shows them; each role lands on its own page.
 */
import type { Express } from 'express';
import { createApp } from '../../src/http/app';
import { backends, useTestDb } from '../support/test-db';
import { NOW, OPEN, type City, buildCity } from './city';
import { login } from './web-session';

describe.each(backends())('pages as their users work them (%s)', (kind) => {
  const t = useTestDb(kind);
  let app: Express;
  let city: City;

  beforeAll(async () => {
    city = await buildCity(t.knex, t.db.kind);
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
});
