/**
 * SPEC §5.3 through the API and the dashboard: a compute is refused (409, the projects in details)
 * while a project lacks its street score, nothing is stored; the dashboard shows the list with a
 * forced compute, which computes and is audited; the API's `force: true` does the same.
 */
import request from 'supertest';
import type { Express } from 'express';
import { createApp } from '../../src/http/app';
import { backends } from '../support/test-db';
import { importRoundData } from '../../src/app/import-round-data';
import { closeRound } from '../../src/app/rounds';
import { enterRegulatorScore, enterStreetScores } from '../../src/app/score-entry';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NOW, OPEN, type City, useCityDb, contextOf } from './city';
import { login } from './web-session';
import { roundScoreGaps } from './score-gaps-sql';
import { loadRoundInput } from '../../src/db/round-input';
import { getRound } from '../../src/db/rounds-repo';
import { scoreGaps } from '../../src/domain/score-gaps';

describe.each(backends())('compute refused while scores are missing (%s)', (kind) => {
  const t = useCityDb(kind);
  let app: Express;
  let city: City;
  const bearer = () => `Bearer ${city.tokens.bureau}`;

  beforeAll(async () => {
    city = t.city;
    const ctx = contextOf(t.knex, t.db.kind);
    // Every source for every firm, except the street scores of firms 9 and 10's projects.
    await enterStreetScores(ctx, OPEN, city.firms.slice(0, 8).map((f) => ({ projectCode: f.project, score: 80 })));
    for (const f of city.firms) await enterRegulatorScore(ctx, OPEN, { firmUscc: f.uscc, department: '执法局', score: 80 });
    const dir = mkdtempSync(join(tmpdir(), 'hhb-refusal-'));
    try {
      writeFileSync(join(dir, 'summary.csv'), `项目编号,有效样本数,平均分\n${city.firms.map((f) => `${f.project},90,80`).join('\n')}\n`);
      await importRoundData(ctx, OPEN, 'resident-summary', join(dir, 'summary.csv'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    await closeRound(ctx, OPEN);
    app = createApp({ knex: t.knex, dbKind: t.db.kind, now: () => NOW, log: () => {} });
  }, 180_000);

  const missing = () => city.firms.slice(8).map((f) => f.project);

  it('answers 409 with the projects lacking a score, and stores no computation', async () => {
    const res = await request(app).post(`/api/v1/rounds/${OPEN}/compute`).set('Authorization', bearer()).send({});
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('MISSING_SOURCES');
    expect(res.body.error.message).toContain('2 个项目缺少评分（缺街道评分 2 个）');
    expect(res.body.error.details).toMatchObject({ projects: 2, projectsWithoutStreetScore: 2, projectsWithoutResident: 0, firms: 0 });
    expect(res.body.error.details.projectList.map((p: { code: string }) => p.code)).toEqual(missing());
    expect(await t.knex('computations').count<{ count: string | number }[]>('* as count').join('rounds', 'rounds.id', 'computations.round_id').where('rounds.code', OPEN).then((r) => Number(r[0]?.count))).toBe(0);
    const round = await request(app).get(`/api/v1/rounds/${OPEN}`).set('Authorization', bearer());
    expect(round.body.status).toBe('closed');
  });

  it('refuses for the same gaps as one SQL count over the round\'s snapshot', async () => {
    const round = await getRound(t.knex, OPEN);
    const fromInput = scoreGaps(await loadRoundInput(t.knex, round.id, { asOf: '2025-07-01' }));
    expect(fromInput.projects).toBe(2);
    expect(fromInput).toEqual(await roundScoreGaps(t.knex, round.id));
  });

  it('reports survey sufficiency with the completeness', async () => {
    const res = await request(app).get(`/api/v1/rounds/${OPEN}/completeness`).set('Authorization', bearer());
    expect(res.status).toBe(200);
    expect(res.body.insufficientSample).toEqual([]);
  });

  it('shows the refusal on the dashboard with the list and a forced compute, which computes and is audited', async () => {
    const bureau = await login(app, 'bureau');
    const refused = await bureau.agent.post(`/dashboard/rounds/${OPEN}/compute`).type('form').send({ _csrf: bureau.csrf });
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('id="force-compute"');
    for (const code of missing()) expect(refused.text).toContain(`（${code}，`);
    expect(refused.text).toContain('仍然强制计算');
    const forced = await bureau.agent.post(`/dashboard/rounds/${OPEN}/compute`).type('form').send({ _csrf: bureau.csrf, force: '1' });
    expect(forced.status).toBe(303);
    const page = await bureau.agent.get(forced.headers.location as string);
    expect(page.text).toContain(`${OPEN} 第 1 次计算完成`);
    const audit = await t.knex('audit_log').where({ action: 'round.compute', entity_id: OPEN }).first();
    const after = typeof audit.after === 'string' ? JSON.parse(audit.after) : audit.after;
    expect(after).toMatchObject({ forced: true, forcedPast: { projects: 2, projectsWithoutStreetScore: 2 } });
  });

  it('computes through the API with force: true', async () => {
    const res = await request(app).post(`/api/v1/rounds/${OPEN}/compute`).set('Authorization', bearer()).send({ force: true });
    expect(res.status).toBe(200);
    expect(res.body.computation).toBe(2);
  });
});
