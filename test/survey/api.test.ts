/**
 * POST /api/v1/survey/responses: a household answers with its code; answering again replaces;
 * wrong, revoked, malformed and closed-round codes, missing items, unknown levels and a 10 MB body
 * are refused with the error shape and write nothing; 11 wrong codes from one address meet a 429;
 * 50 submissions of one code at once leave one answer; and compute scores a project answered only
 * online as the mean of its households' scores.
 */
import type { Express } from 'express';
import request from 'supertest';
import { addUser } from '../../src/app/accounts';
import { setSetting } from '../../src/app/settings';
import { login } from '../http/web-session';
import { closeRound, computeRound, createRound, openRound, publicizeRound, publishRound } from '../../src/app/rounds';
import { enterRegulatorScore, enterStreetScores } from '../../src/app/score-entry';
import { getRoundResults } from '../../src/app/results';
import { type IssuedCode, issueSurveyCodes } from '../../src/app/survey-codes';
import { makeUscc } from '../../src/domain/uscc';
import { createApp } from '../../src/http/app';
import { aFirm, aProject, aStreet } from '../db/fixtures';
import { contextOf } from '../http/city';
import { backends, useTestDb } from '../support/test-db';

const ITEMS = ['安全秩序', '环境卫生', '绿化养护', '设施维修', '服务态度'] as const;
const all = (level: string): Record<string, string> => Object.fromEntries(ITEMS.map((i) => [i, level]));
const pattern = (...levels: string[]): Record<string, string> => Object.fromEntries(ITEMS.map((i, n) => [i, levels[n] as string]));

describe.each(backends())('the survey answering API on %s', (kind) => {
  const t = useTestDb(kind);
  let app: Express;
  let codes: IssuedCode[];
  let closedCodes: IssuedCode[];
  let address = 0;
  const firmA = makeUscc('91220100MA0000501');
  const firmB = makeUscc('91220100MA0000502');
  /** Each request from its own address unless one is given: wrong codes elsewhere never add up here. */
  const post = (body: unknown, from = `10.1.0.${++address}`) => request(app).post('/api/v1/survey/responses').set('X-Forwarded-For', from).send(body as object);
  const codeOf = (project: string, household: number) => codes.find((c) => c.projectCode === project && c.household === String(household))?.code as string;
  const responses = async () =>
    (await t.knex('survey_responses as r').join('projects as p', 'p.id', 'r.project_id').orderBy(['p.code', 'r.household']).select('p.code', 'r.household', 'r.score', 'r.entered_by')) as {
      code: string;
      household: string;
      score: number;
      entered_by: string;
    }[];
  const onlineCount = async () => Number(((await t.knex('survey_online_answers').count({ n: '*' })) as { n: unknown }[])[0]?.n);

  beforeAll(async () => {
    const ctx = contextOf(t.knex, t.db.kind);
    await aStreet(t.knex, { code: 'SQ', name: '清河街道' });
    const a = await aFirm(t.knex, { uscc: firmA, name: '清河物业' });
    const b = await aFirm(t.knex, { uscc: firmB, name: '明月物业' });
    await aProject(t.knex, { firmId: a.id, street: 'SQ', households: 3, code: 'QA', name: '清河一区' });
    await aProject(t.knex, { firmId: b.id, street: 'SQ', households: 1, code: 'QB', name: '明月小筑' });
    await setSetting(ctx, 'base_url', 'https://wuye.example.gov.cn');
    await createRound(ctx, { code: '2024-H2' });
    await openRound(ctx, '2024-H2');
    closedCodes = (await issueSurveyCodes(ctx, { round: '2024-H2' })).codes;
    await closeRound(ctx, '2024-H2');
    await createRound(ctx, { code: '2025-H1' });
    await openRound(ctx, '2025-H1');
    codes = (await issueSurveyCodes(ctx, { round: '2025-H1' })).codes;
    app = createApp({ knex: t.knex, dbKind: t.db.kind, trustProxy: true, log: () => {} });
  }, 120_000);

  it('takes an answer (the code typed in lower case with a space) and answers 201 with the round and project', async () => {
    const code = codeOf('QA', 1);
    const res = await post({ code: `${code.slice(0, 5).toLowerCase()} ${code.slice(5)}`, answers: all('满意'), comment: '  电梯维修及时。 ' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ round: '2025-H1', project: 'QA', replaced: false });
    expect(await responses()).toEqual([{ code: 'QA', household: '1', score: 8000, entered_by: 'online' }]);
    const stored = (await t.knex('survey_online_answers').first('comment', 'address_hash', 'answers')) as { comment: string; address_hash: string; answers: unknown };
    expect(stored.comment).toBe('电梯维修及时。');
    expect(stored.address_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('replaces the household’s answer when the same code answers again, keeping the earlier one in history', async () => {
    const res = await post({ code: codeOf('QA', 1), answers: pattern('非常满意', '满意', '一般', '不满意', '非常不满意'), comment: '绿化需要加强' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ round: '2025-H1', project: 'QA', replaced: true });
    expect(await responses()).toEqual([{ code: 'QA', household: '1', score: 6000, entered_by: 'online' }]);
    expect((await t.knex('survey_response_history').select('household', 'score')) as unknown[]).toEqual([{ household: '1', score: 8000 }]);
    expect(await onlineCount()).toBe(1);
  });

  it('refuses wrong, malformed, revoked and closed-round codes with the error shape, writing nothing', async () => {
    const before = await responses();
    const wrong = await post({ code: 'ABCDEFGHJK', answers: all('满意') });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.message).toContain('户码无效或已作废');
    const malformed = await post({ code: 'O0I1L', answers: all('满意') });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toContain('10 位');
    const closed = await post({ code: closedCodes[0]?.code, answers: all('满意') });
    expect(closed.status).toBe(409);
    expect(closed.body.error.message).toContain('已截止');
    // Reissuing QB's code revokes the old one.
    const old = codeOf('QB', 1);
    const again = await issueSurveyCodes(contextOf(t.knex, t.db.kind), { round: '2025-H1', project: 'QB' });
    codes = [...codes.filter((c) => c.projectCode !== 'QB'), ...again.codes];
    const revoked = await post({ code: old, answers: all('满意') });
    expect(revoked.status).toBe(403);
    expect(revoked.body.error.code).toBe('FORBIDDEN');
    expect(await responses()).toEqual(before);
  });

  it('refuses answers missing an item or with an unknown level or item (422 naming it), and a comment over 500 characters', async () => {
    const code = codeOf('QA', 2);
    const missing = await post({ code, answers: { 安全秩序: '满意', 环境卫生: '满意', 绿化养护: '满意', 设施维修: '满意' } });
    expect(missing.status).toBe(422);
    expect(missing.body.error.message).toContain('「服务态度」没有作答');
    expect(missing.body.error.details).toEqual([expect.objectContaining({ column: 'answers.服务态度' })]);
    const level = await post({ code, answers: { ...all('满意'), 绿化养护: '还行' } });
    expect(level.status).toBe(422);
    expect(level.body.error.message).toContain('「绿化养护」的回答「还行」不是');
    const item = await post({ code, answers: { ...all('满意'), 停车管理: '满意' } });
    expect(item.status).toBe(422);
    expect(item.body.error.message).toContain('问卷中没有「停车管理」');
    const long = await post({ code, answers: all('满意'), comment: '好'.repeat(501) });
    expect(long.status).toBe(422);
    expect(long.body.error.message).toContain('留言最多 500 字');
    const extra = await post({ code, answers: all('满意'), household: '3-2-201' });
    expect(extra.status).toBe(422);
    expect((await responses()).filter((r) => r.household === '2')).toEqual([]);
  });

  it('is in the OpenAPI document with its success and error statuses', async () => {
    const doc = (await request(app).get('/api/openapi.json')).body as { paths: Record<string, Record<string, { responses: Record<string, unknown>; operationId: string }>> };
    const op = doc.paths['/api/v1/survey/responses']?.['post'];
    expect(op?.operationId).toBe('answerSurvey');
    expect(Object.keys(op?.responses ?? {})).toEqual(expect.arrayContaining(['201', '400', '403', '409', '413', '422', '429']));
  });

  it('refuses a 10 MB body with 413', async () => {
    const res = await request(app)
      .post('/api/v1/survey/responses')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ code: codeOf('QA', 2), answers: all('满意'), comment: 'x'.repeat(10 * 1024 * 1024) }));
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers 429 with Retry-After to the 11th wrong code from one address, and still takes answers from others', async () => {
    const from = '10.9.9.9';
    for (let i = 1; i <= 10; i += 1) expect((await post({ code: `ABCDEFGH${'JK'[i % 2]}${'MN'[i % 2]}`, answers: all('满意') }, from)).status).toBe(403);
    const blocked = await post({ code: 'ABCDEFGHJK', answers: all('满意') }, from);
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('RATE_LIMITED');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    // Even a right code waits while the address is blocked; another address is unaffected.
    expect((await post({ code: codeOf('QA', 2), answers: all('满意') }, from)).status).toBe(429);
    expect((await post({ code: codeOf('QA', 2), answers: all('满意') })).status).toBe(201);
  });

  it('counts one answer when 50 clients send the same code at once', async () => {
    const code = codeOf('QA', 3);
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => post({ code, answers: i % 2 ? all('非常满意') : pattern('非常满意', '非常满意', '非常满意', '一般', '满意') })));
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(201));
    expect(results.filter((r) => r.body.replaced === false)).toHaveLength(1);
    expect((await responses()).filter((r) => r.code === 'QA' && r.household === '3')).toHaveLength(1);
    const row = (await t.knex('survey_online_answers').where({ household: '3' }).first('submissions')) as { submissions: number };
    expect(Number(row.submissions)).toBe(50);
  });

  it('computes a project answered only online as the exact mean of its households’ scores', async () => {
    const ctx = contextOf(t.knex, t.db.kind);
    // Households of QA: 60 (one of each level), 80 (all 满意), and 88 (three 非常满意, 一般, 满意).
    expect((await post({ code: codeOf('QA', 3), answers: pattern('非常满意', '非常满意', '非常满意', '一般', '满意') })).status).toBe(201);
    expect((await post({ code: codeOf('QB', 1), answers: all('一般') })).status).toBe(201);
    expect((await responses()).map((r) => `${r.code}/${r.household}=${r.score}`)).toEqual(['QA/1=6000', 'QA/2=8000', 'QA/3=8800', 'QB/1=6000']);
    await enterStreetScores(ctx, '2025-H1', [
      { projectCode: 'QA', score: 90 },
      { projectCode: 'QB', score: 70 },
    ]);
    await enterRegulatorScore(ctx, '2025-H1', { firmUscc: firmA, department: '执法局', score: 90 });
    await enterRegulatorScore(ctx, '2025-H1', { firmUscc: firmB, department: '执法局', score: 70 });
    await closeRound(ctx, '2025-H1');
    // A closed round takes no more answers.
    expect((await post({ code: codeOf('QA', 1), answers: all('满意') })).status).toBe(409);
    await computeRound(ctx, '2025-H1', { force: false });
    const results = await getRoundResults(ctx, '2025-H1');
    const a = results.firms.find((f) => f.uscc === firmA);
    expect(a?.scores.resident).toBe(7600);
    expect(a?.responses).toBe(3);
    expect(results.firms.find((f) => f.uscc === firmB)?.scores.resident).toBe(6000);
  });

  it('erases the answers’ address and browser hashes when the round is published, keeping the answers', async () => {
    const ctx = contextOf(t.knex, t.db.kind);
    const hashed = async () => Number(((await t.knex('survey_online_answers').whereNotNull('address_hash').orWhereNotNull('agent_hash').count({ n: '*' })) as { n: unknown }[])[0]?.n);
    expect(await hashed()).toBe(4);
    await publicizeRound(ctx, '2025-H1', { days: 7 });
    expect(await hashed()).toBe(4);
    await publishRound(ctx, '2025-H1', { early: true, reason: '测试提前发布' });
    expect(await hashed()).toBe(0);
    expect(await onlineCount()).toBe(4);
    expect(((await t.knex('survey_online_answers').orderBy('score').select('score')) as { score: number }[]).map((r) => r.score)).toEqual([6000, 6000, 8000, 8800]);
  });

  it("shows the residents' comments on the firm's card after publication, without a household", async () => {
    const firm = await aFirmAccount('qinghe', firmA);
    const card = (await firm.agent.get('/card')).text;
    // The household's later answer replaced its first comment.
    expect(card).toMatch(/class="resident-comments"[^]*清河一区：<\/span>绿化需要加强/);
    expect(card).not.toContain('电梯维修及时');
    expect(card).not.toMatch(/户号|户序号|QA\/\d/);
    const other = await aFirmAccount('mingyue', firmB);
    expect((await other.agent.get('/card')).text).not.toContain('绿化需要加强');
  });

  async function aFirmAccount(name: string, uscc: string) {
    await addUser(contextOf(t.knex, t.db.kind), { name, role: 'firm', firm: uscc, password: 'a long firm passphrase' });
    return login(app, name, 'a long firm passphrase');
  }
});

