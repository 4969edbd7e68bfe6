/**
 * Access control: every API route under every role (SPEC §2), on PGlite and on PostgreSQL when
 * TEST_DATABASE_URL is set. Allowed routes whose step the round's state refuses answer 409: the
 * access check passed and nothing else was needed to prove it.
 */
import request from 'supertest';
import type { Express } from 'express';
import { createApp } from '../../src/http/app';
import { backends } from '../support/test-db';
import { ACCOUNTS, type Account, type City, NOW, OPEN, PUBLISHED, useCityDb } from './city';

type Who = Account | 'anonymous';
const WHO: Who[] = ['anonymous', ...ACCOUNTS];

interface Case {
  name: string;
  send: (app: Express, city: City, auth: (r: request.Test) => request.Test) => request.Test;
  /** Expected status per role; a role not listed expects `otherwise`. */
  allowed: Partial<Record<Who, number>>;
  /** Status for the roles not allowed when logged in (anonymous always gets 401). */
  denied?: number;
}

const csv = (text: string) => Buffer.from(text, 'utf8');

const CASES: Case[] = [
  { name: 'GET /me', send: (a) => request(a).get('/api/v1/me'), allowed: { admin: 200, bureau: 200, regulator: 200, streetA: 200, streetB: 200, firm: 200 } },
  { name: 'GET /users', send: (a) => request(a).get('/api/v1/users'), allowed: { admin: 200 } },
  { name: 'POST /users/:name/enable (already enabled)', send: (a) => request(a).post('/api/v1/users/regulator/enable').send({}), allowed: { admin: 409 } },
  { name: 'POST /users/:name/disable (no such user)', send: (a) => request(a).post('/api/v1/users/nobody/disable').send({ reason: '测试' }), allowed: { admin: 404 } },
  { name: 'POST /tokens', send: (a) => request(a).post('/api/v1/tokens').send({ user: 'firm' }), allowed: { admin: 201 } },
  { name: 'GET /rounds', send: (a) => request(a).get('/api/v1/rounds'), allowed: Object.fromEntries(WHO.map((w) => [w, 200])) },
  { name: 'GET /rounds/:published', send: (a) => request(a).get(`/api/v1/rounds/${PUBLISHED}`), allowed: Object.fromEntries(WHO.map((w) => [w, 200])) },
  { name: 'GET /rounds/:open (unpublished)', send: (a) => request(a).get(`/api/v1/rounds/${OPEN}`), allowed: { anonymous: 404, admin: 200, bureau: 200, regulator: 200, streetA: 200, streetB: 200, firm: 404 } },
  { name: 'POST /rounds (bad code)', send: (a) => request(a).post('/api/v1/rounds').send({ code: '2025-H3' }), allowed: { admin: 422, bureau: 422 } },
  ...(['open', 'close', 'compute', 'publicize', 'publish', 'reopen'] as const).map(
    (step): Case => ({
      name: `POST /rounds/:published/${step}`,
      send: (a) => request(a).post(`/api/v1/rounds/${PUBLISHED}/${step}`).send(step === 'reopen' ? { reason: '测试' } : {}),
      allowed: { admin: 409, bureau: 409 },
    }),
  ),
  { name: 'GET /rounds/:open/completeness', send: (a) => request(a).get(`/api/v1/rounds/${OPEN}/completeness`), allowed: { admin: 200, bureau: 200, streetA: 200, streetB: 200 } },
  { name: 'GET /rounds/:open/projects', send: (a) => request(a).get(`/api/v1/rounds/${OPEN}/projects`), allowed: { admin: 200, bureau: 200, streetA: 200, streetB: 200 } },
  { name: 'GET /rounds/:open/projects?street=SA', send: (a) => request(a).get(`/api/v1/rounds/${OPEN}/projects?street=SA`), allowed: { admin: 200, bureau: 200, streetA: 200 } },
  { name: 'PUT street score of a street-A project', send: (a, c) => request(a).put(`/api/v1/rounds/${OPEN}/street-scores/${c.firms[0]?.project}`).send({ score: 88 }), allowed: { admin: 200, bureau: 200, streetA: 200 } },
  { name: 'PUT street score of a street-B project', send: (a, c) => request(a).put(`/api/v1/rounds/${OPEN}/street-scores/${c.firms[1]?.project}`).send({ score: 77 }), allowed: { admin: 200, bureau: 200, streetB: 200 } },
  { name: 'POST regulator score', send: (a, c) => request(a).post(`/api/v1/rounds/${OPEN}/regulator-scores`).send({ firmUscc: c.firms[2]?.uscc, department: '执法局', score: '81.5' }), allowed: { admin: 200, bureau: 200, regulator: 200 } },
  {
    name: 'POST imports/street (street-A file)',
    send: (a, c) => request(a).post(`/api/v1/rounds/${OPEN}/imports/street`).attach('file', csv(`项目编号,得分\n${c.firms[2]?.project},83\n`), '街道评分.csv'),
    allowed: { admin: 200, bureau: 200, streetA: 200, streetB: 400 },
  },
  {
    name: 'POST imports/resident-summary',
    send: (a, c) => request(a).post(`/api/v1/rounds/${OPEN}/imports/resident-summary`).attach('file', csv(`项目编号,有效样本数,平均分\n${c.firms[0]?.project},90,85\n`), 'summary.csv'),
    allowed: { admin: 200, bureau: 200 },
  },
  {
    name: 'POST imports/regulator',
    send: (a, c) => request(a).post(`/api/v1/rounds/${OPEN}/imports/regulator`).attach('file', csv(`统一社会信用代码,部门,得分\n${c.firms[0]?.uscc},市场监管局,90\n`), 'reg.csv'),
    allowed: { admin: 200, bureau: 200, regulator: 200 },
  },
  { name: 'POST master-data/firms (bad file)', send: (a) => request(a).post('/api/v1/master-data/firms').attach('file', csv('统一社会信用代码,企业名称\n123,坏\n'), 'firms.csv'), allowed: { admin: 400, bureau: 400 } },
  { name: 'GET templates/street-scores', send: (a) => request(a).get(`/api/v1/templates/street-scores?round=${OPEN}`), allowed: { admin: 200, bureau: 200, streetA: 200, streetB: 200 } },
  { name: 'GET templates/street-scores of street SA', send: (a) => request(a).get(`/api/v1/templates/street-scores?round=${OPEN}&street=SA`), allowed: { admin: 200, bureau: 200, streetA: 200 } },
  { name: 'GET templates/regulator-scores', send: (a) => request(a).get(`/api/v1/templates/regulator-scores?round=${OPEN}`), allowed: { admin: 200, bureau: 200, regulator: 200 } },
  { name: 'GET templates/firms', send: (a) => request(a).get('/api/v1/templates/firms'), allowed: { admin: 200, bureau: 200 } },
  { name: 'GET results of the published round', send: (a) => request(a).get(`/api/v1/rounds/${PUBLISHED}/results`), allowed: Object.fromEntries(WHO.map((w) => [w, 200])) },
  { name: 'GET results of the open round', send: (a) => request(a).get(`/api/v1/rounds/${OPEN}/results`), allowed: { admin: 409, bureau: 409 } },
  { name: "GET the firm account's own explanation", send: (a, c) => request(a).get(`/api/v1/rounds/${PUBLISHED}/firms/${c.firms[0]?.uscc}`), allowed: { admin: 200, bureau: 200, firm: 200 } },
  { name: "GET another firm's explanation", send: (a, c) => request(a).get(`/api/v1/rounds/${PUBLISHED}/firms/${c.firms[1]?.uscc}`), allowed: { admin: 200, bureau: 200 } },
  { name: 'GET objections of the published round', send: (a) => request(a).get(`/api/v1/rounds/${PUBLISHED}/objections`), allowed: { admin: 200, bureau: 200, firm: 200 } },
  {
    name: "POST an objection for the firm account's own firm (round no longer in its notice period)",
    send: (a, c) => request(a).post(`/api/v1/rounds/${PUBLISHED}/objections`).send({ uscc: c.firms[0]?.uscc, reason: '居民满意度样本有误，请核查' }),
    allowed: { admin: 409, bureau: 409, firm: 409 },
  },
  {
    name: 'POST an objection for another firm',
    send: (a, c) => request(a).post(`/api/v1/rounds/${PUBLISHED}/objections`).send({ uscc: c.firms[1]?.uscc, reason: '居民满意度样本有误，请核查' }),
    allowed: { admin: 409, bureau: 409 },
  },
  {
    name: 'POST a decision on an objection nobody filed',
    send: (a, c) => request(a).post(`/api/v1/rounds/${PUBLISHED}/objections/${c.firms[1]?.uscc}/decision`).send({ decision: 'rejected', reason: '理由' }),
    allowed: { admin: 404, bureau: 404 },
  },
  { name: 'GET rectifications', send: (a) => request(a).get('/api/v1/rectifications?pending=true'), allowed: { admin: 200, bureau: 200, regulator: 200 } },
  {
    name: 'POST a re-inspection of a firm without a rectification notice',
    send: (a, c) => request(a).post(`/api/v1/rounds/${PUBLISHED}/rectifications/${c.firms[0]?.uscc}/reinspection`).send({ result: 'passed' }),
    allowed: { admin: 404, bureau: 404, regulator: 404 },
  },
  { name: 'GET interviews', send: (a) => request(a).get('/api/v1/interviews?pending=true'), allowed: { admin: 200, bureau: 200 } },
  {
    name: 'POST an interview record for a firm without an interview',
    send: (a, c) => request(a).post(`/api/v1/rounds/${PUBLISHED}/interviews/${c.firms[0]?.uscc}`).send({ note: '约谈' }),
    allowed: { admin: 404, bureau: 404 },
  },
  { name: 'GET proposals', send: (a) => request(a).get('/api/v1/proposals?status=pending'), allowed: { admin: 200, bureau: 200 } },
  { name: 'POST a decision on a missing proposal', send: (a) => request(a).post('/api/v1/proposals/999999/decision').send({ decision: 'rejected', reason: '理由' }), allowed: { admin: 404, bureau: 404 } },
  { name: 'GET audit log', send: (a) => request(a).get(`/api/v1/audit?limit=5&entity=${PUBLISHED}`), allowed: { admin: 200, bureau: 200 } },
  { name: 'GET audit verification', send: (a) => request(a).get('/api/v1/audit/verify'), allowed: { admin: 200, bureau: 200 } },
  { name: 'GET /settings', send: (a) => request(a).get('/api/v1/settings'), allowed: { admin: 200 } },
  { name: 'PUT /settings (a placeholder issuer)', send: (a) => request(a).put('/api/v1/settings').send({ issuer: '××市住房和城乡建设局' }), allowed: { admin: 400 } },
  { name: 'GET a firm history', send: (a, c) => request(a).get(`/api/v1/firms/${c.firms[1]?.uscc}/history`), allowed: Object.fromEntries(WHO.map((w) => [w, 200])) },
];

describe.each(backends())('roles on every route (%s)', (kind) => {
  const t = useCityDb(kind);
  let app: Express;
  let city: City;
  /** What the server logged: no request of these may end in a server error. */
  const lines: string[] = [];

  beforeAll(async () => {
    city = t.city;
    app = createApp({ knex: t.knex, dbKind: t.db.kind, now: () => NOW, log: (l) => lines.push(l) });
  }, 180_000);

  const as = (who: Who) => (r: request.Test) => (who === 'anonymous' ? r : r.set('Authorization', `Bearer ${city.tokens[who]}`));

  describe.each(CASES)('$name', (c) => {
    it.each(WHO)('as %s', async (who) => {
      const res = await as(who)(c.send(app, city, as(who)));
      const expected = c.allowed[who] ?? (who === 'anonymous' ? 401 : (c.denied ?? 403));
      if (res.status !== expected) throw new Error(`expected ${expected}, got ${res.status}: ${res.text.slice(0, 300)}`);
      if (res.status >= 400 && res.type === 'application/json') {
        expect(res.body.error.code).toMatch(/^[A-Z_]+$/);
        expect(res.body.error.message).toMatch(/[\u4e00-\u9fff]/);
      }
    });
  });

  it('logs no server error for any of them', () => {
    expect(lines.filter((l) => l.includes('"level":"error"'))).toEqual([]);
  });

  it('refuses a street-B account writing a street-A score with 403 FORBIDDEN and writes nothing', async () => {
    const project = city.firms[4]?.project as string; // street A, never scored in the open round
    const before = await t.knex('street_scores').count<{ n: string }[]>('* as n');
    const audit = await t.knex('audit_log').count<{ n: string }[]>('* as n');
    const res = await request(app).put(`/api/v1/rounds/${OPEN}/street-scores/${project}`).set('Authorization', `Bearer ${city.tokens.streetB}`).send({ score: 99 });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
    expect(res.body.error.message).toContain('不属于本账号所在的街道');
    expect(await t.knex('street_scores').count<{ n: string }[]>('* as n')).toEqual(before);
    expect(await t.knex('audit_log').count<{ n: string }[]>('* as n')).toEqual(audit);
    // A batch mixing its own project with street A's is refused as a whole.
    const mixed = await request(app)
      .post(`/api/v1/rounds/${OPEN}/street-scores`)
      .set('Authorization', `Bearer ${city.tokens.streetB}`)
      .send({ scores: [{ projectCode: city.firms[5]?.project, score: 70 }, { projectCode: project, score: 99 }] });
    expect(mixed.status).toBe(403);
    expect(await t.knex('street_scores').count<{ n: string }[]>('* as n')).toEqual(before);
  });

  it('shows a street account its own street only', async () => {
    const res = await request(app).get(`/api/v1/rounds/${OPEN}/projects`).set('Authorization', `Bearer ${city.tokens.streetA}`);
    expect(res.body.projects.map((p: { street: string }) => p.street)).toEqual(['SA', 'SA', 'SA', 'SA', 'SA']);
    const c = await request(app).get(`/api/v1/rounds/${OPEN}/completeness`).set('Authorization', `Bearer ${city.tokens.streetA}`);
    expect(c.body.detail.byStreet.map((s: { street: string }) => s.street)).toEqual(['SA']);
    const full = await request(app).get(`/api/v1/rounds/${OPEN}/completeness`).set('Authorization', `Bearer ${city.tokens.bureau}`);
    expect(full.body.detail.byStreet.map((s: { street: string }) => s.street)).toEqual(['SA', 'SB']);
  });

  it('lists to the public only the rounds it may read (published, and publicized during the notice period)', async () => {
    const anon = await request(app).get('/api/v1/rounds');
    expect(anon.body.rounds.map((r: { code: string }) => r.code)).toEqual([PUBLISHED]);
    const bureau = await request(app).get('/api/v1/rounds').set('Authorization', `Bearer ${city.tokens.bureau}`);
    expect(bureau.body.rounds.map((r: { code: string }) => r.code).sort()).toEqual([PUBLISHED, OPEN]);
  });

  it('serves the published results with the red and black firms, an ETag and 304 on revalidation', async () => {
    const res = await request(app).get(`/api/v1/rounds/${PUBLISHED}/results`);
    expect(res.status).toBe(200);
    expect(res.body.firms.filter((f: { list: string }) => f.list === 'red').map((f: { uscc: string }) => f.uscc)).toEqual([city.firms[0]?.uscc]);
    expect(res.body.firms.filter((f: { list: string }) => f.list === 'black').map((f: { uscc: string }) => f.uscc)).toEqual([city.firms[9]?.uscc]);
    const etag = res.headers.etag as string;
    expect(etag).toMatch(/^"/);
    const again = await request(app).get(`/api/v1/rounds/${PUBLISHED}/results`).set('If-None-Match', etag);
    expect(again.status).toBe(304);
  });

  it('pages the results (100 a page by default, at most 1,000) and offers the whole ranking as one download', async () => {
    const all = await request(app).get(`/api/v1/rounds/${PUBLISHED}/results.json`).set('Accept-Encoding', 'gzip');
    expect(all.status).toBe(200);
    expect(all.headers['content-encoding']).toBe('gzip');
    expect(all.headers['content-disposition']).toContain(`${PUBLISHED}-results.json`);
    expect(all.body.firms).toHaveLength(city.firms.length);
    const first = await request(app).get(`/api/v1/rounds/${PUBLISHED}/results`);
    expect(first.body).toMatchObject({ round: PUBLISHED, status: 'published', total: city.firms.length, page: 1, size: 100 });
    expect(first.body.firms).toEqual(all.body.firms);
    const pages = [];
    for (let page = 1; page <= 4; page += 1) pages.push((await request(app).get(`/api/v1/rounds/${PUBLISHED}/results?page=${page}&size=3`)).body);
    expect(pages.flatMap((p) => p.firms)).toEqual(all.body.firms);
    expect(pages.map((p) => p.firms.length)).toEqual([3, 3, 3, 1]);
    const tooBig = await request(app).get(`/api/v1/rounds/${PUBLISHED}/results?size=5000`);
    expect(tooBig.status).toBe(422);
    expect(tooBig.body.error.message).toContain('size');
  });

  it('serves the cached published results gzipped to clients that accept it, each representation with its own ETag', async () => {
    const raw = (r: request.Test) => r.buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
    const url = `/api/v1/rounds/${PUBLISHED}/results`;
    const plain = await raw(request(app).get(url).set('Accept-Encoding', 'identity'));
    const zipped = await raw(request(app).get(url).set('Accept-Encoding', 'br;q=1, gzip;q=0.8'));
    const refused = await raw(request(app).get(url).set('Accept-Encoding', 'gzip;q=0'));
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(refused.headers['content-encoding']).toBeUndefined();
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.headers.vary).toContain('Accept-Encoding');
    // superagent inflates the body; the wire size is in Content-Length.
    expect((zipped.body as Buffer).equals(plain.body as Buffer)).toBe(true);
    expect(Number(zipped.headers['content-length'])).toBeLessThan((plain.body as Buffer).length / 2);
    expect(JSON.parse((plain.body as Buffer).toString('utf8')).round).toBe(PUBLISHED);
    expect(zipped.headers.etag).not.toBe(plain.headers.etag);
    const revalidated = await request(app).get(url).set('Accept-Encoding', 'gzip').set('If-None-Match', zipped.headers.etag as string);
    expect(revalidated.status).toBe(304);
  });

  it('answers errors as {error:{code,message,details}} with the field named, and unknown bearer tokens with 401', async () => {
    const bad = await request(app).put(`/api/v1/rounds/${OPEN}/street-scores/${city.firms[0]?.project}`).set('Authorization', `Bearer ${city.tokens.bureau}`).send({ score: 120 });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'INPUT_INVALID' });
    expect(bad.body.error.details[0].message).toMatch(/0.*100/);
    const invalid = await request(app).post(`/api/v1/rounds/${OPEN}/regulator-scores`).set('Authorization', `Bearer ${city.tokens.bureau}`).send({ firmUscc: 'x', department: '', score: 1 });
    expect(invalid.status).toBe(422);
    expect(invalid.body.error.details.map((d: { column: string }) => d.column)).toEqual(expect.arrayContaining(['body.firmUscc', 'body.department']));
    const token = await request(app).get('/api/v1/me').set('Authorization', 'Bearer hhb_nope');
    expect(token.status).toBe(401);
    expect(token.body.error.code).toBe('UNAUTHENTICATED');
    const missing = await request(app).get('/api/v1/nothing');
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toContain('没有这个接口');
  });

  it('logs one JSON line per request with method, path, status, ms and user', async () => {
    lines.length = 0;
    await request(app).get('/api/v1/me').set('Authorization', `Bearer ${city.tokens.regulator}`);
    const line = JSON.parse(lines.find((l) => l.includes('/api/v1/me')) as string);
    expect(line).toMatchObject({ method: 'GET', path: '/api/v1/me', status: 200, user: 'regulator' });
    expect(typeof line.ms).toBe('number');
  });
});
