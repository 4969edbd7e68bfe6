/**
 * The OpenAPI document is the API's contract: every route has a unique operationId, every route
 * registered in Express is in the document, and every answer the routes really give — successes
 * and errors — is one the document lists, with a body its schema accepts (Ajv, OpenAPI 3.0's
 * `nullable` included). The city's rounds are taken through their whole life so that every
 * documented operation answers at least once with its success status.
 *
 * PGlite only: the answers' shapes come from the same use cases on both databases (their SQL is
 * tested on both elsewhere), and running the whole life twice would double the file's time.
 */
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { Express } from 'express';
import request from 'supertest';
import { addUser, createToken } from '../../src/app/accounts';
import { setSetting } from '../../src/app/settings';
import { issueSurveyCodes } from '../../src/app/survey-codes';
import { DEFAULT_QUESTIONNAIRE, SURVEY_LEVELS } from '../../src/domain/survey-questionnaire';
import { createApp } from '../../src/http/app';
import { type Account, type City, NOW, OPEN, PASSWORD, PUBLISHED, useCityDb, contextOf, enterAllScores } from './city';

type Method = 'get' | 'post' | 'put' | 'delete';
interface Operation {
  operationId: string;
  responses: Record<string, { $ref?: string; content?: Record<string, { schema: unknown }> }>;
}
interface Document {
  paths: Record<string, Partial<Record<Method, Operation>>>;
  components: { schemas: Record<string, unknown>; responses: Record<string, { content: Record<string, { schema: unknown }> }> };
}

const NEW_ROUND = '2026-H1';

describe('the OpenAPI document as the contract (pglite)', () => {
  const t = useCityDb('pglite');
  let app: Express;
  let city: City;
  let doc: Document;
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  const validators = new Map<string, ValidateFunction>();
  /** Statuses each operation has answered here. */
  const seen = new Map<string, Set<number>>();

  beforeAll(async () => {
    city = t.city;
    app = createApp({ knex: t.knex, dbKind: t.db.kind, now: () => NOW, log: () => {} });
    doc = (await request(app).get('/api/openapi.json')).body as Document;
  }, 180_000);

  const operations = (): [string, Method, Operation][] =>
    Object.entries(doc.paths).flatMap(([path, ops]) => Object.entries(ops).map(([m, op]) => [path, m as Method, op] as [string, Method, Operation]));

  /** The document's schema for one status of one operation ($refs to components resolved). */
  function schemaFor(op: Operation, status: number, mediaType: string): unknown {
    let response = op.responses[String(status)];
    if (!response) throw new Error(`${op.operationId}：文档没有列出状态 ${status}`);
    if (response.$ref) response = doc.components.responses[response.$ref.replace('#/components/responses/', '')] as typeof response;
    const content = response.content;
    if (!content) return null;
    const media = content[mediaType];
    if (!media) throw new Error(`${op.operationId}：状态 ${status} 的文档没有 ${mediaType}（有 ${Object.keys(content).join('、')}）`);
    const schema = media.schema as { $ref?: string };
    return schema.$ref ? doc.components.schemas[schema.$ref.replace('#/components/schemas/', '')] : schema;
  }

  /**
   * Calls one documented operation and checks the real answer against the document: its status
   * is listed, its media type is the documented one, and a JSON body validates.
   */
  async function call(
    method: Method,
    template: string,
    opts: { params?: Record<string, string | number>; as?: Account; token?: string; body?: unknown; query?: Record<string, string>; file?: [string, string]; headers?: Record<string, string>; raw?: string } = {},
  ): Promise<request.Response> {
    const op = doc.paths[`/api/v1${template}`]?.[method];
    if (!op) throw new Error(`文档中没有 ${method.toUpperCase()} /api/v1${template}`);
    const url = `/api/v1${template.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(String(opts.params?.[name])))}`;
    let req = request(app)[method](url);
    if (opts.as) req = req.set('Authorization', `Bearer ${city.tokens[opts.as]}`);
    if (opts.token) req = req.set('Authorization', `Bearer ${opts.token}`);
    for (const [k, v] of Object.entries(opts.headers ?? {})) req = req.set(k, v);
    if (opts.query) req = req.query(opts.query);
    if (opts.file) req = req.attach('file', Buffer.from(opts.file[1]), opts.file[0]);
    else if (opts.raw !== undefined) req = req.set('Content-Type', 'application/json').send(opts.raw);
    else if (opts.body !== undefined) req = req.send(opts.body as object);
    const res = await req;
    (seen.get(op.operationId) ?? seen.set(op.operationId, new Set()).get(op.operationId))?.add(res.status);
    const mediaType = String(res.headers['content-type'] ?? '').split(';')[0] ?? '';
    const schema = res.status === 304 ? schemaFor(op, 304, '') : schemaFor(op, res.status, mediaType);
    if (mediaType === 'application/json') {
      const key = `${op.operationId} ${res.status}`;
      const validate = validators.get(key) ?? validators.set(key, ajv.compile(schema as object)).get(key);
      if (!validate?.(res.body)) {
        throw new Error(`${method.toUpperCase()} ${url} → ${res.status}：回答不符合文档：${ajv.errorsText(validate?.errors)}\n${JSON.stringify(res.body).slice(0, 2000)}`);
      }
    }
    return res;
  }
  const expectStatus = (res: request.Response, status: number) => {
    if (res.status !== status) throw new Error(`期望 ${status}，实际 ${res.status}：${JSON.stringify(res.body).slice(0, 500)}`);
  };

  it('names every operation once, in camelCase, with tags, and documents every route Express serves', () => {
    const ids = operations().map(([, , op]) => op.operationId);
    expect(ids.length).toBeGreaterThan(40);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z][a-zA-Z]+$/);
    for (const [path, method, op] of operations()) {
      expect({ path, method, tags: (op as unknown as { tags: string[] }).tags.length > 0 }).toEqual({ path, method, tags: true });
    }
    // The API routers' own routes, as Express holds them, against the document's paths.
    type Layer = { rawPath?: string; route?: { path: string; methods: Record<string, boolean> }; handle: { stack?: Layer[] } };
    const apiRouters = (app as unknown as { router: { stack: Layer[] } }).router.stack.filter((l) => l.rawPath === '/api/v1' && l.handle.stack);
    expect(apiRouters.length).toBeGreaterThanOrEqual(2);
    const served = apiRouters.flatMap((l) => l.handle.stack ?? []).flatMap((l) => (l.route ? Object.keys(l.route.methods).map((m) => `${m} ${l.route?.path}`) : []));
    const documented = operations().map(([path, method]) => `${method} ${path.replace(/^\/api\/v1/, '').replace(/\{(\w+)\}/g, ':$1')}`);
    expect(served.sort()).toEqual([...documented].sort());
    // Error statuses follow from each declaration: a public list names nothing that may be missing or invalid.
    const errorsOf = (id: string) => Object.keys(operations().find(([, , o]) => o.operationId === id)?.[2].responses ?? {}).filter((s) => Number(s) >= 400);
    expect(errorsOf('listRounds')).toEqual(['401', '403', '500', '503']);
    expect(errorsOf('getRoundResults')).toEqual(['400', '401', '403', '404', '409', '422', '500', '503']);
    expect(errorsOf('importRoundData')).toEqual(['400', '401', '403', '404', '409', '413', '422', '500', '503']);
    // Creations answer 201, and that is what the document says.
    for (const id of ['addUser', 'createToken', 'createRound', 'fileObjection']) {
      const op = operations().find(([, , o]) => o.operationId === id)?.[2];
      expect(Object.keys(op?.responses ?? {}).filter((s) => s.startsWith('2'))).toEqual(['201']);
    }
  });

  it('gives every JSON operation a real response schema, not a bare object', () => {
    for (const [, , op] of operations()) {
      const success = Object.entries(op.responses).find(([s]) => s.startsWith('2'))?.[1];
      const json = success?.content?.['application/json']?.schema as { type?: string; properties?: unknown; anyOf?: unknown } | undefined;
      if (json) expect({ id: op.operationId, typed: json.properties !== undefined || json.anyOf !== undefined }).toEqual({ id: op.operationId, typed: true });
    }
  });

  it('answers accounts and settings as documented', async () => {
    expectStatus(await call('get', '/me', { as: 'bureau' }), 200);
    expectStatus(await call('get', '/me'), 401);
    expectStatus(await call('get', '/me', { headers: { Authorization: 'Bearer hhb_not-a-token' } }), 401);
    expectStatus(await call('get', '/users', { as: 'admin' }), 200);
    expectStatus(await call('get', '/users', { as: 'firm' }), 403);
    const added = await call('post', '/users', { as: 'admin', body: { name: 'clerk', role: 'regulator' } });
    expectStatus(added, 201);
    expect(typeof added.body.password).toBe('string');
    expectStatus(await call('post', '/users', { as: 'admin', body: { name: 'clerk2', role: 'regulator', password: 'short' } }), 422);
    expectStatus(await call('post', '/users/{name}/disable', { as: 'admin', params: { name: 'clerk' }, body: { reason: '调岗' } }), 200);
    expectStatus(await call('post', '/users/{name}/enable', { as: 'admin', params: { name: 'clerk' } }), 200);
    expectStatus(await call('post', '/users/{name}/enable', { as: 'admin', params: { name: 'nobody' } }), 404);
    expectStatus(await call('post', '/users/{name}/password-reset', { as: 'admin', params: { name: 'clerk' }, body: {} }), 200);
    expectStatus(await call('post', '/tokens', { as: 'admin', body: { user: 'clerk', days: 30 } }), 201);
    expectStatus(await call('post', '/tokens', { as: 'admin', body: { user: 'clerk' } }), 201);
    expectStatus(await call('get', '/settings', { as: 'admin' }), 200);
    expectStatus(await call('put', '/settings', { as: 'admin', body: { city: '磐石市' } }), 200);
    expectStatus(await call('put', '/settings', { as: 'admin', raw: '{"city":' }), 400);
  });

  it('answers the published round, its results, files and history as documented', async () => {
    expectStatus(await call('get', '/rounds'), 200);
    expectStatus(await call('get', '/rounds', { as: 'bureau' }), 200);
    const round = await call('get', '/rounds/{code}', { params: { code: PUBLISHED } });
    expectStatus(round, 200);
    expect(round.body.lists.red.map((f: { uscc: string }) => f.uscc)).toEqual([city.firms[0]?.uscc]);
    expect(round.body.lists.black.map((f: { uscc: string }) => f.uscc)).toEqual([city.firms[9]?.uscc]);
    expectStatus(await call('get', '/rounds/{code}', { params: { code: PUBLISHED }, headers: { 'If-None-Match': String(round.headers.etag) } }), 304);
    expect((await call('get', '/rounds/{code}', { params: { code: PUBLISHED }, as: 'firm' })).body).toEqual(round.body);
    expectStatus(await call('get', '/rounds/{code}', { params: { code: OPEN } }), 404);
    expectStatus(await call('get', '/rounds/{code}', { params: { code: '2025-H3' } }), 422);
    const open = await call('get', '/rounds/{code}', { params: { code: OPEN }, as: 'bureau' });
    expectStatus(open, 200);
    expect(open.body.lists).toBeNull();
    const results = await call('get', '/rounds/{code}/results', { params: { code: PUBLISHED } });
    expectStatus(results, 200);
    // A firm on no list: `list` is null, which the document's enum must admit.
    expect(results.body.firms.some((f: { list: string | null }) => f.list === null)).toBe(true);
    expectStatus(await call('get', '/rounds/{code}/results', { params: { code: PUBLISHED }, headers: { 'If-None-Match': String(results.headers.etag) } }), 304);
    expectStatus(await call('get', '/rounds/{code}/results', { params: { code: OPEN } }), 401);
    expectStatus(await call('get', '/rounds/{code}/results', { params: { code: OPEN }, as: 'firm' }), 403);
    expectStatus(await call('get', '/rounds/{code}/results', { params: { code: '2019-H1' } }), 404);
    const second = await call('get', '/rounds/{code}/results', { params: { code: PUBLISHED }, query: { page: '2', size: '3' } });
    expectStatus(second, 200);
    expect(second.body).toMatchObject({ page: 2, size: 3, total: results.body.total });
    expectStatus(await call('get', '/rounds/{code}/results', { params: { code: PUBLISHED }, query: { size: '1001' } }), 422);
    const whole = await call('get', '/rounds/{code}/results.json', { params: { code: PUBLISHED } });
    expectStatus(whole, 200);
    expect(whole.body.firms).toHaveLength(results.body.total);
    expectStatus(await call('get', '/rounds/{code}/results.json', { params: { code: PUBLISHED }, headers: { 'If-None-Match': String(whole.headers.etag) } }), 304);
    expectStatus(await call('get', '/rounds/{code}/results.json', { params: { code: OPEN } }), 401);
    const uscc = city.firms[0]?.uscc as string;
    expectStatus(await call('get', '/rounds/{code}/firms/{uscc}', { params: { code: PUBLISHED, uscc }, as: 'bureau' }), 200);
    expectStatus(await call('get', '/rounds/{code}/firms/{uscc}', { params: { code: PUBLISHED, uscc: city.firms[1]?.uscc as string }, as: 'firm' }), 403);
    expectStatus(await call('get', '/rounds/{code}/firms/{uscc}/score-card.png', { params: { code: PUBLISHED, uscc } }), 200);
    const chart = await call('get', '/rounds/{code}/charts/{name}.png', { params: { code: PUBLISHED, name: 'ranking' } });
    expectStatus(chart, 200);
    expectStatus(await call('get', '/rounds/{code}/charts/{name}.png', { params: { code: PUBLISHED, name: 'ranking' }, headers: { 'If-None-Match': String(chart.headers.etag) } }), 304);
    expectStatus(await call('get', '/rounds/{code}/report.xlsx', { params: { code: PUBLISHED } }), 200);
    expectStatus(await call('get', '/firms/{uscc}/history', { params: { uscc } }), 200);
    expectStatus(await call('get', '/firms/{uscc}/history', { params: { uscc: city.firms[9]?.uscc as string }, as: 'bureau' }), 200);
    expectStatus(await call('get', '/firms/{uscc}/history', { params: { uscc: '91220100MA99999999' } }), 404);
  }, 120_000);

  it('answers entries, imports and templates of the open round as documented', async () => {
    await enterAllScores(contextOf(t.knex, t.db.kind), OPEN, city.firms);
    const projects = await call('get', '/rounds/{code}/projects', { params: { code: OPEN }, as: 'streetA' });
    expectStatus(projects, 200);
    expect(projects.body.projects.some((p: { enteredAt: string | null }) => p.enteredAt !== null)).toBe(true);
    expectStatus(await call('get', '/rounds/{code}/projects', { params: { code: OPEN }, as: 'streetA', query: { street: 'SB' } }), 403);
    const mine = city.firms.find((f) => f.street === 'SA')?.project as string;
    expectStatus(await call('put', '/rounds/{code}/street-scores/{project}', { params: { code: OPEN, project: mine }, as: 'streetA', body: { score: 79, note: '复核' } }), 200);
    expectStatus(await call('put', '/rounds/{code}/street-scores/{project}', { params: { code: OPEN, project: mine }, as: 'streetA', body: { score: 101 } }), 400);
    expectStatus(await call('post', '/rounds/{code}/street-scores', { params: { code: OPEN }, as: 'bureau', body: { scores: [{ projectCode: mine, score: '79.5' }] } }), 200);
    expectStatus(await call('post', '/rounds/{code}/street-scores', { params: { code: OPEN }, as: 'bureau', body: { scores: [] } }), 422);
    expectStatus(await call('post', '/rounds/{code}/regulator-scores', { params: { code: OPEN }, as: 'regulator', body: { firmUscc: city.firms[0]?.uscc, department: '执法局', score: 95 } }), 200);
    const summary = `项目编号,有效样本数,平均分\n${city.firms.map((f, i) => `${f.project},90,${i === 0 ? 95 : i === 9 ? 50 : 79 - i}`).join('\n')}\n`;
    expectStatus(await call('post', '/rounds/{code}/imports/{kind}', { params: { code: OPEN, kind: 'resident-summary' }, as: 'bureau', file: ['summary.csv', summary] }), 200);
    expectStatus(await call('post', '/rounds/{code}/imports/{kind}', { params: { code: OPEN, kind: 'resident-summary' }, as: 'streetA', file: ['summary.csv', summary] }), 403);
    expectStatus(await call('post', '/master-data/{kind}', { params: { kind: 'streets' }, as: 'bureau', file: ['streets.csv', '街道编码,街道名称\nSC,南城街道\n'] }), 200);
    expectStatus(await call('post', '/master-data/{kind}', { params: { kind: 'streets' }, as: 'bureau', file: ['streets.csv', '街道编码,街道名称\nSD,\n'] }), 400);
    expectStatus(await call('get', '/templates/{kind}', { params: { kind: 'street-scores' }, as: 'streetA', query: { round: OPEN } }), 200);
    expectStatus(await call('get', '/rounds/{code}/completeness', { params: { code: OPEN }, as: 'bureau' }), 200);
    expectStatus(await call('get', '/rounds/{code}/completeness', { params: { code: OPEN }, as: 'streetA' }), 200);
  }, 120_000);

  it('answers the lifecycle of a round, the what-if and the follow-up as documented', async () => {
    const code = { code: OPEN };
    expectStatus(await call('post', '/rounds', { as: 'bureau', body: { code: NEW_ROUND } }), 201);
    expectStatus(await call('post', '/rounds', { as: 'bureau', body: { code: NEW_ROUND } }), 409);
    expectStatus(await call('post', '/rounds', { as: 'bureau', body: { code: '2026-H3' } }), 422);
    expectStatus(await call('post', '/rounds/{code}/open', { as: 'bureau', params: { code: NEW_ROUND }, body: {} }), 200);
    if (doc.paths['/api/v1/survey/responses']) {
      // A household answers the new round's questionnaire with the code on its letter (SPEC §10).
      const ctx = contextOf(t.knex, t.db.kind);
      await setSetting(ctx, 'base_url', 'https://wuye.example.gov.cn');
      const issued = (await issueSurveyCodes(ctx, { round: NEW_ROUND, project: city.firms[0]?.project as string })).codes;
      const answers = Object.fromEntries(DEFAULT_QUESTIONNAIRE.items.map((i) => [i.name, SURVEY_LEVELS[0]]));
      expectStatus(await call('post', '/survey/responses', { body: { code: issued[0]?.code, answers } }), 201);
      expectStatus(await call('post', '/survey/responses', { body: { code: issued[0]?.code, answers: {} } }), 422);
    }
    expectStatus(await call('post', '/rounds/{code}/compute', { as: 'bureau', params: code, body: {} }), 409);
    expectStatus(await call('post', '/rounds/{code}/close', { as: 'bureau', params: code, body: {} }), 200);
    expectStatus(await call('post', '/rounds/{code}/simulate', { as: 'bureau', params: code, body: { red: { minComposite: 96 } } }), 200);
    expectStatus(await call('post', '/rounds/{code}/simulate', { as: 'bureau', params: code, body: { red: { sahre: 1 } } }), 400);
    expectStatus(await call('post', '/rounds/{code}/compute', { as: 'bureau', params: code, body: {} }), 200);
    expectStatus(await call('post', '/rounds/{code}/reopen', { as: 'bureau', params: code, body: { reason: '更正一项街道评分' } }), 200);
    expectStatus(await call('put', '/rounds/{code}/street-scores/{project}', { params: { code: OPEN, project: city.firms[2]?.project as string }, as: 'bureau', body: { score: 60 } }), 200);
    expectStatus(await call('post', '/rounds/{code}/close', { as: 'bureau', params: code, body: {} }), 200);
    const again = await call('post', '/rounds/{code}/compute', { as: 'bureau', params: code, body: { force: false } });
    expectStatus(again, 200);
    expect(again.body.changes.length).toBeGreaterThan(0);
    // Scores in points, as in the results: firm 3's street score fell from 77 to 60, moving its composite 3.4 points.
    const third = (again.body.changes as { uscc: string; compositeBefore: number; compositeAfter: number }[]).find((c) => c.uscc === city.firms[2]?.uscc);
    expect(third && Math.round((third.compositeBefore - third.compositeAfter) * 100) / 100).toBe(3.4);
    expectStatus(await call('post', '/rounds/{code}/simulate', { as: 'bureau', params: code, body: { red: { minComposite: 96 } } }), 200);
    expectStatus(await call('post', '/rounds/{code}/publicize', { as: 'bureau', params: code, body: { days: 7 } }), 200);

    // During the notice period the public reads the round and its draft lists, not the full ranking.
    const notice = await call('get', '/rounds/{code}', { params: code });
    expectStatus(notice, 200);
    expect(notice.body.status).toBe('publicized');
    expect(notice.body.lists.black.length).toBeGreaterThan(0);
    expect((await call('get', '/rounds')).body.rounds.map((r: { code: string }) => r.code)).toContain(OPEN);
    expectStatus(await call('get', '/rounds/{code}/results', { params: code }), 401);

    const firm = city.firms[0]?.uscc as string;
    expectStatus(await call('post', '/rounds/{code}/objections', { as: 'firm', params: code, body: { reason: '街道评分有误，请复核', evidence: ['照片.jpg'] } }), 201);
    expectStatus(await call('post', '/rounds/{code}/objections', { as: 'firm', params: code, body: { reason: '短' } }), 422);
    expectStatus(await call('get', '/rounds/{code}/objections', { as: 'firm', params: code }), 200);
    expectStatus(await call('post', '/rounds/{code}/publish', { as: 'bureau', params: code, body: { early: true, reason: '测试' } }), 409);
    expectStatus(await call('post', '/rounds/{code}/objections/{uscc}/decision', { as: 'bureau', params: { ...code, uscc: firm }, body: { decision: 'rejected', reason: '评分有据' } }), 200);
    expectStatus(await call('post', '/rounds/{code}/publish', { as: 'bureau', params: code, body: { early: true, reason: '测试' } }), 200);

    const black = city.firms[9]?.uscc as string;
    const rectifications = await call('get', '/rectifications', { as: 'regulator', query: { round: OPEN } });
    expectStatus(rectifications, 200);
    expect(rectifications.body.rectifications.length).toBeGreaterThan(0);
    const ctx = contextOf(t.knex, t.db.kind);
    await addUser(ctx, { name: 'black-firm', role: 'firm', firm: black, password: PASSWORD });
    const blackToken = (await createToken(ctx, 'black-firm')).token;
    const report = { report: '消防通道已清理，电梯已检修并取得检验合格证。', evidence: ['电梯检验报告.pdf'] };
    expectStatus(await call('post', '/rounds/{code}/rectifications/{uscc}/report', { token: blackToken, params: { ...code, uscc: black }, body: report }), 200);
    expectStatus(await call('post', '/rounds/{code}/rectifications/{uscc}/report', { token: blackToken, params: { ...code, uscc: black }, body: { report: '太短' } }), 422);
    expectStatus(await call('post', '/rounds/{code}/rectifications/{uscc}/report', { as: 'firm', params: { ...code, uscc: black }, body: report }), 403);
    const reported = await call('get', '/rectifications', { as: 'regulator', query: { round: OPEN } });
    expect(reported.body.rectifications.find((x: { uscc: string }) => x.uscc === black).report).toMatchObject({ text: report.report, evidence: report.evidence, by: 'black-firm' });
    expectStatus(await call('post', '/rounds/{code}/rectifications/{uscc}/reinspection', { as: 'regulator', params: { ...code, uscc: black }, body: { result: 'passed', note: '已整改' } }), 200);
    expectStatus(await call('post', '/rounds/{code}/rectifications/{uscc}/report', { token: blackToken, params: { ...code, uscc: black }, body: report }), 409);
    expectStatus(await call('get', '/rectifications', { as: 'regulator', query: { pending: 'true' } }), 200);
    expectStatus(await call('get', '/interviews', { as: 'bureau', query: { round: OPEN } }), 200);
    expectStatus(await call('post', '/rounds/{code}/interviews/{uscc}', { as: 'bureau', params: { ...code, uscc: black }, body: { heldOn: '2025-07-01', note: '已约谈法定代表人' } }), 200);
    const proposals = await call('get', '/proposals', { as: 'bureau' });
    expectStatus(proposals, 200);
    const pending = (proposals.body.proposals as { id: number; status: string }[]).find((p) => p.status === 'pending');
    expect(pending).toBeDefined();
    expectStatus(await call('post', '/proposals/{id}/decision', { as: 'bureau', params: { id: pending?.id as number }, body: { decision: 'rejected', reason: '已整改' } }), 200);
    expectStatus(await call('post', '/proposals/{id}/decision', { as: 'bureau', params: { id: 999_999 }, body: { decision: 'rejected', reason: '无' } }), 404);
    expectStatus(await call('get', '/proposals', { as: 'bureau', query: { status: 'rejected' } }), 200);
    expectStatus(await call('get', '/audit', { as: 'bureau', query: { limit: '50' } }), 200);
    expectStatus(await call('get', '/audit/verify', { as: 'bureau' }), 200);
  }, 180_000);

  it('has called every documented operation with its success status', () => {
    const missing = operations()
      .map(([, , op]) => op)
      .filter((op) => !Object.keys(op.responses).some((s) => s.startsWith('2') && seen.get(op.operationId)?.has(Number(s))))
      .map((op) => op.operationId);
    expect(missing).toEqual([]);
  });
});
