/**
 * Accounts on a real intranet: failed logins throttled per account, per address and per both (and
 * only failures count, so an office behind one NAT address is never locked out by its own logins);
 * the counts shared by two server processes on one database; changing and resetting passwords
 * with the password rules; the idle timeout beside the absolute one; no-store behind a login.
 */
import request from 'supertest';
import type { Express } from 'express';
import { addUser, resetPassword } from '../../src/app/accounts';
import type { AppContext } from '../../src/app/context';
import type { LoginThrottlePolicy } from '../../src/app/login';
import { createDb, type Db } from '../../src/db/knex-factory';
import { createApp } from '../../src/http/app';
import { backends, truncateAll, useTestDb } from '../support/test-db';
import { hidden, login } from './web-session';

const PASSWORD = 'correct horse battery';
const START = new Date('2025-07-01T01:00:00Z');

/** One attempt through the login form, as a browser posts it; `ip` is sent as X-Forwarded-For. */
async function attempt(app: Express, name: string, password: string, ip?: string) {
  const agent = request.agent(app);
  const form = await agent.get('/login');
  let post = agent.post('/login').type('form');
  if (ip) post = post.set('X-Forwarded-For', ip);
  return post.send({ _csrf: hidden(form.text, '_csrf'), name, password, next: '' });
}

describe.each(backends())('accounts on an intranet (%s)', (kind) => {
  const t = useTestDb(kind);
  let clock: Date;
  const ctx = (): AppContext => ({ knex: t.knex, dbKind: t.db.kind, actor: 'cli:test', now: () => clock });
  const app = (extra: { trustProxy?: number; loginThrottle?: Partial<LoginThrottlePolicy> } = {}) =>
    createApp({ knex: t.knex, dbKind: t.db.kind, now: () => clock, log: () => {}, ...extra });

  beforeEach(async () => {
    await truncateAll(t.knex);
    clock = START;
    for (const name of ['bureau', 'bureau2', 'bureau3']) await addUser(ctx(), { name, role: 'bureau', password: PASSWORD });
  });

  it('counts failures only: twelve colleagues logging in through one address are never limited', async () => {
    const site = app();
    for (let i = 0; i < 12; i += 1) expect((await attempt(site, 'bureau', PASSWORD)).status).toBe(303);
    expect(Number((await t.knex('login_throttle').count({ n: '*' }).first())?.n)).toBe(0);
  });

  it('blocks an account from an address after five wrong passwords, the right one included, with Retry-After', async () => {
    const site = app();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await attempt(site, 'bureau', 'wrong password!!')).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    const warned = await attempt(site, 'bureau', 'wrong password!!');
    expect(warned.status).toBe(429);
    expect(Number(warned.headers['retry-after'])).toBeGreaterThan(14 * 60);
    expect(Number(warned.headers['retry-after'])).toBeLessThanOrEqual(15 * 60);
    expect(warned.text).toContain('登录失败次数过多');
    const right = await attempt(site, 'bureau', PASSWORD);
    expect(right.status).toBe(429);
    // Another account from the same address is not blocked by it.
    expect((await attempt(site, 'bureau2', PASSWORD)).status).toBe(303);
  });

  it('warns before the block, on the login page', async () => {
    const site = app();
    const pages: string[] = [];
    for (let i = 0; i < 4; i += 1) pages.push((await attempt(site, 'bureau', 'wrong password!!')).text);
    expect(pages[0]).not.toContain('再输错');
    expect(pages[2]).toContain('再输错 2 次');
    expect(pages[3]).toContain('再输错 1 次');
  });

  it('a success clears the consecutive count of the account at that address', async () => {
    const site = app();
    for (let i = 0; i < 4; i += 1) expect((await attempt(site, 'bureau', 'wrong password!!')).status).toBe(401);
    expect((await attempt(site, 'bureau', PASSWORD)).status).toBe(303);
    for (let i = 0; i < 4; i += 1) expect((await attempt(site, 'bureau', 'wrong password!!')).status).toBe(401);
    expect((await attempt(site, 'bureau', PASSWORD)).status).toBe(303);
  });

  it('ignores a forged X-Forwarded-For unless the server trusts its proxy, and then still limits the account', async () => {
    const direct = app();
    for (let i = 0; i < 5; i += 1) await attempt(direct, 'bureau', 'wrong password!!', `10.0.0.${i + 1}`);
    expect((await attempt(direct, 'bureau', PASSWORD, '10.0.9.9')).status).toBe(429);

    await t.knex('login_throttle').delete();
    const proxied = app({ trustProxy: 1 });
    const statuses: number[] = [];
    for (let i = 0; i < 11; i += 1) statuses.push((await attempt(proxied, 'bureau2', 'wrong password!!', `10.1.0.${i + 1}`)).status);
    // Every attempt comes from a new address, so only the per-account count (10 an hour) stops them.
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses[10]).toBe(429);
    expect((await attempt(proxied, 'bureau2', PASSWORD, '10.1.1.1')).status).toBe(429);
    // The real address of the office is untouched for its other accounts.
    expect((await attempt(proxied, 'bureau3', PASSWORD, '10.1.1.1')).status).toBe(303);
  });

  it('limits one address guessing across many accounts', async () => {
    const site = app({ loginThrottle: { perAddress: 4 } });
    const names = ['a1', 'a2', 'a3', 'a4'];
    for (const name of names) expect((await attempt(site, name, 'wrong password!!')).status).toBe(401);
    expect((await attempt(site, 'bureau', PASSWORD)).status).toBe(429);
  });

  it('doubles the block each time within a day', async () => {
    const site = app({ loginThrottle: { perAccountAndAddress: 2, blockSeconds: 1, windowSeconds: 60 } });
    for (let i = 0; i < 2; i += 1) await attempt(site, 'bureau', 'wrong password!!');
    const first = await attempt(site, 'bureau', PASSWORD);
    expect(first.status).toBe(429);
    expect(first.headers['retry-after']).toBe('1');
    await new Promise((r) => setTimeout(r, 1100));
    for (let i = 0; i < 2; i += 1) expect((await attempt(site, 'bureau', 'wrong password!!')).status).toBe(401);
    const second = await attempt(site, 'bureau', PASSWORD);
    expect(second.status).toBe(429);
    expect(second.headers['retry-after']).toBe('2');
  });

  it('changes a password on the web with the rules of a good password; other sessions end', async () => {
    const site = app();
    const me = await login(site, 'bureau');
    const elsewhere = await login(site, 'bureau');
    const page = await me.agent.get('/password');
    expect(page.status).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.text).toContain('<label for="password">新密码</label>');
    const change = (current: string, password: string, confirm = password) => me.agent.post('/password').type('form').send({ _csrf: me.csrf, current, password, confirm });
    const cases: [string, string, string, string][] = [
      ['wrong current', 'wrong password!!', 'a fine new passphrase', '当前密码不正确'],
      ['too short', PASSWORD, 'short one', '至少 12 个字符（现在 9 个）'],
      ['common', PASSWORD, 'qwertyuiop123', '常见密码'],
      ['common word with digits', PASSWORD, 'Password2025!', '常见密码'],
      ['only digits', PASSWORD, '138001380001', '只有数字和符号'],
      ['contains the name', PASSWORD, 'bureau-is-my-password', '用户名'],
      ['repeated', PASSWORD, 'abababababab', '重复'],
      ['same as current', PASSWORD, PASSWORD, '不能与当前密码相同'],
    ];
    for (const [why, current, password, message] of cases) {
      const res = await change(current, password);
      expect([why, res.status]).toEqual([why, 400]);
      expect([why, res.text.includes(message)]).toEqual([why, true]);
    }
    expect((await change(PASSWORD, 'a fine new passphrase', 'a fine new passphrasE')).text).toContain('两次输入的新密码不一致');
    const ok = await change(PASSWORD, 'a fine new passphrase');
    expect(ok.status).toBe(303);
    expect((await me.agent.get(ok.headers.location as string)).text).toContain('密码已修改');
    expect((await me.agent.get('/dashboard')).status).toBe(200);
    expect((await elsewhere.agent.get('/dashboard')).status).toBe(303);
    expect((await attempt(site, 'bureau', PASSWORD)).status).toBe(401);
    expect((await attempt(site, 'bureau', 'a fine new passphrase')).status).toBe(303);
    const audit = await t.knex('audit_log').where({ entity_id: 'bureau', action: 'user.password_change' }).count({ n: '*' }).first();
    expect(Number(audit?.n)).toBe(1);
  });

  it('a reset gives a one-time password that opens nothing but the change form', async () => {
    const site = app();
    const before = await login(site, 'bureau');
    const reset = await resetPassword(ctx(), 'bureau', '忘记密码');
    expect(reset.sessionsEnded).toBe(1);
    expect((await before.agent.get('/dashboard')).status).toBe(303);
    const res = await attempt(site, 'bureau', reset.password);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/password');
    const fresh = await login(site, 'bureau', reset.password);
    const page = await fresh.agent.get('/dashboard');
    expect(page.status).toBe(303);
    expect(page.headers.location).toBe('/password');
    const api = await fresh.agent.get('/api/v1/rounds');
    expect(api.status).toBe(403);
    expect(api.body.error.message).toContain('请先在网页上修改密码');
    expect((await fresh.agent.get('/password')).text).toContain('一次性密码');
    const changed = await fresh.agent.post('/password').type('form').send({ _csrf: fresh.csrf, current: reset.password, password: 'my own passphrase now', confirm: 'my own passphrase now' });
    expect(changed.status).toBe(303);
    expect((await fresh.agent.get('/dashboard')).status).toBe(200);
  });

  it('ends a session after 30 idle minutes, while use keeps it alive up to its 12 hours', async () => {
    const site = app();
    const me = await login(site, 'bureau');
    clock = new Date(START.getTime() + 29 * 60_000);
    expect((await me.agent.get('/dashboard')).status).toBe(200);
    clock = new Date(START.getTime() + 58 * 60_000);
    expect((await me.agent.get('/dashboard')).status).toBe(200);
    clock = new Date(START.getTime() + 89 * 60_000);
    const idle = await me.agent.get('/dashboard');
    expect(idle.status).toBe(303);
    expect(idle.headers.location).toBe('/login?next=%2Fdashboard');

    clock = START;
    const busy = await login(site, 'bureau');
    for (let minutes = 25; minutes < 12 * 60; minutes += 25) {
      clock = new Date(START.getTime() + minutes * 60_000);
      expect([minutes, (await busy.agent.get('/dashboard')).status]).toEqual([minutes, 200]);
    }
    clock = new Date(START.getTime() + 12 * 60 * 60_000 + 60_000);
    expect((await busy.agent.get('/dashboard')).status).toBe(303);
  });
});

const pgUrl = process.env.TEST_DATABASE_URL;

(pgUrl ? describe : describe.skip)('two server processes on one PostgreSQL database', () => {
  const t = useTestDb('postgres');
  let second: Db;

  beforeAll(async () => {
    second = await createDb({ kind: 'postgres', url: t.db.url as string });
  });
  afterAll(async () => {
    await second?.close();
  });

  it('share the failed-login counts, so alternating between them gains nothing', async () => {
    await truncateAll(t.knex);
    const clock = () => START;
    await addUser({ knex: t.knex, dbKind: 'postgres', actor: 'cli:test', now: clock }, { name: 'bureau', role: 'bureau', password: PASSWORD });
    const one = createApp({ knex: t.knex, dbKind: 'postgres', now: clock, log: () => {} });
    const two = createApp({ knex: second.knex, dbKind: 'postgres', now: clock, log: () => {} });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await attempt(i % 2 ? two : one, 'bureau', 'wrong password!!')).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    expect((await attempt(one, 'bureau', PASSWORD)).status).toBe(429);
    expect((await attempt(two, 'bureau', PASSWORD)).status).toBe(429);
  });
});
