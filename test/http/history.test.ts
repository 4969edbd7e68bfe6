/**
 * Imported history on the web (SPEC §11): a firm's public page and its history in the API show the
 * half year imported from before the system, marked 历史导入, without a link to a round page that
 * does not exist, with the rectification result the old records give — on PGlite and on PostgreSQL.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { Express } from 'express';
import { createApp } from '../../src/http/app';
import { importHistory } from '../../src/app/history-import';
import { backends } from '../support/test-db';
import { NOW, PUBLISHED, type City, useCityDb, contextOf } from './city';

describe.each(backends())('imported history on the firm page and in the API (%s)', (kind) => {
  const t = useCityDb(kind);
  let app: Express;
  let city: City;
  let dir: string;

  beforeAll(async () => {
    city = t.city;
    dir = mkdtempSync(join(tmpdir(), 'hhb-http-history-'));
    const rows = city.firms.map((f, i) => `2024-H1,${f.uscc},${i === 9 ? '旧名物业公司' : f.name},${i + 1},${(90 - i).toFixed(2)},${i === 9 ? '黑榜' : '无'},${i === 9 ? '未通过' : ''}`);
    writeFileSync(join(dir, 'history.csv'), `评价期,统一社会信用代码,企业名称,排名,综合得分,榜单,整改结果\n${rows.join('\n')}\n`);
    await importHistory(contextOf(t.knex, t.db.kind), join(dir, 'history.csv'));
    app = createApp({ knex: t.knex, dbKind: t.db.kind, now: () => NOW, log: () => {} });
  }, 180_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('shows the imported half year on the public firm page, marked and unlinked, with its rectification result', async () => {
    const firm = city.firms[9] as City['firms'][number];
    const page = await request(app).get(`/firms/${firm.uscc}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<td>2024-H1（历史导入）</td><td>10 / 10</td><td>81.00</td>');
    expect(page.text).not.toContain('href="/rounds/2024-H1"');
    expect(page.text).toContain('整改结果：未通过（历史记录）');
    // the score card is that of the latest round run here, not of the imported one
    expect(page.text).toContain(`/api/v1/rounds/${PUBLISHED}/firms/${firm.uscc}/score-card.png`);
    expect(page.text.indexOf('2024-H1（历史导入）')).toBeLessThan(page.text.indexOf(`href="/rounds/${PUBLISHED}"`));
  });

  it('gives the imported half year in the public history API, before the rounds run here', async () => {
    const firm = city.firms[9] as City['firms'][number];
    const res = await request(app).get(`/api/v1/firms/${firm.uscc}/history`);
    expect(res.status).toBe(200);
    const rounds = res.body.rounds as { round: string; imported: boolean; list: string | null; importedRectification: string | null; composite: number | null }[];
    expect(rounds[0]).toMatchObject({ round: '2024-H1', imported: true, status: 'published', list: 'black', importedRectification: 'failed', composite: 8100, rank: 10, ranked: 10 });
    expect(rounds.slice(1).every((r) => !r.imported)).toBe(true);
    expect(rounds.map((r) => r.round)).toContain(PUBLISHED);
  });
});
