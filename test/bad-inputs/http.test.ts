/**
 * The bad-input corpus, request half: every bad request and every bad file uploaded through createApp (the
 * server in this process) gets its status, a Chinese error in the API's error shape (or an error
 * page), the server keeps serving, and every table is byte for byte as before.
 */
import request from 'supertest';
import { createToken } from '../../src/app/accounts';
import { createApp } from '../../src/http/app';
import { backends } from '../support/test-db';
import { NOW, OPEN, PUBLISHED, useCityDb, contextOf } from '../http/city';
import { login } from '../http/web-session';
import { writeCorpus } from './corpus';
import { type HttpCase, type HttpWorld, requestCases, uploadCases } from './http-cases';
import { tableChecksums } from './world';
import { writtenOnce } from '../support/files';

const CHINESE = /[\u4e00-\u9fff]/;

/** The corpus files, written once for the file (both backends upload the same inputs). */
const corpus = writtenOnce('hhb-bad-http-corpus-', writeCorpus);

describe.each(backends())('bad requests to the HTTP server on %s', (kind) => {
  const t = useCityDb(kind);
  let world: HttpWorld;
  let cases: HttpCase[];

  beforeAll(async () => {
    const city = t.city;
    const app = createApp({ knex: t.knex, dbKind: t.db.kind, now: () => NOW, log: () => {} });
    const past = { ...contextOf(t.knex, t.db.kind), now: () => new Date(NOW.getTime() - 10 * 86_400_000) };
    const expired = await createToken(past, 'streetA', { label: 'expired', days: 1 });
    const a = city.firms.find((f) => f.street === 'SA');
    const b = city.firms.find((f) => f.street === 'SB');
    world = {
      app,
      tokens: city.tokens,
      expiredToken: expired.token,
      sessions: { streetA: await login(app, 'streetA'), bureau: await login(app, 'bureau') },
      projectA: a?.project as string,
      projectB: b?.project as string,
      uscc: a?.uscc as string,
      open: OPEN,
      published: PUBLISHED,
    };
    cases = [...requestCases(), ...uploadCases(await corpus.ready())];
    // A token's first use records when it was last used: use each once before the baseline.
    for (const token of Object.values(city.tokens)) expect((await request(app).get('/api/v1/me').set('Authorization', `Bearer ${token}`)).status).toBe(200);
  }, 180_000);

  it('answers each with its status and a Chinese error, writing nothing', async () => {
    expect(cases.length).toBeGreaterThanOrEqual(300);
    let baseline = await tableChecksums(t.knex);
    const failures: string[] = [];
    for (const c of cases) {
      const res = await c.send(world);
      const problems: string[] = [];
      if (!c.status.includes(res.status)) problems.push(`status ${res.status}, expected ${c.status.join('/')}`);
      if (c.page) {
        if (!CHINESE.test(res.text)) problems.push('no Chinese page');
      } else {
        const error = (res.body as { error?: { code?: unknown; message?: unknown; details?: unknown } }).error;
        if (!error || typeof error.code !== 'string' || typeof error.message !== 'string' || !('details' in error)) problems.push(`no error shape: ${res.text.slice(0, 200)}`);
        else {
          if (!CHINESE.test(error.message)) problems.push(`message not Chinese: ${error.message}`);
          if (c.code && error.code !== c.code) problems.push(`code ${error.code}, expected ${c.code}`);
          if (error.code === 'INTERNAL') problems.push('internal error');
        }
      }
      const after = await tableChecksums(t.knex);
      const changed = Object.keys(baseline).filter((k) => after[k] !== baseline[k]);
      if (changed.length) {
        problems.push(`tables changed: ${changed.join(', ')}`);
        baseline = after;
      }
      if (problems.length) failures.push(`${c.id} (${c.what}): ${problems.join('; ')}`);
    }
    expect(failures).toEqual([]);
    // Still serving.
    expect((await request(world.app).get('/api/v1/rounds')).status).toBe(200);
    expect((await request(world.app).put(`/api/v1/rounds/${OPEN}/street-scores/${world.projectA}`).set('Authorization', `Bearer ${world.tokens.streetA}`).send({ score: 88 })).body).toEqual({ entered: 1, replaced: 0 });
  }, 600_000);
});
