/**
 * The request half of the bad-input corpus: forged and expired credentials, a street
 * account reaching for another street's projects, wrong types, SQL and script payloads, oversized
 * bodies, cross-site form posts, and every bad file of the file corpus uploaded through the API.
 * Each expects its status and the error shape `{"error":{"code","message","details"}}` (pages: an
 * HTML error page), in Chinese.
 */
import type { Express } from 'express';
import request from 'supertest';
import type { BadCase, ImportTarget } from './corpus';

export interface Session {
  agent: ReturnType<typeof request.agent>;
  csrf: string;
}

export interface HttpWorld {
  app: Express;
  /** Bearer tokens per account (test/http/city.ts). */
  tokens: Record<'admin' | 'bureau' | 'regulator' | 'streetA' | 'streetB' | 'firm', string>;
  expiredToken: string;
  sessions: { streetA: Session; bureau: Session };
  /** Projects of streets SA and SB; a firm's USCC. */
  projectA: string;
  projectB: string;
  uscc: string;
  open: string;
  published: string;
}

export interface HttpCase {
  id: string;
  what: string;
  send(w: HttpWorld): request.Test;
  /** Accepted statuses. */
  status: number[];
  /** Expected error code (API), when one is certain. */
  code?: string;
  /** A page (HTML) rather than the JSON API. */
  page?: boolean;
}

const bearer = (t: string) => `Bearer ${t}`;

export function requestCases(): HttpCase[] {
  const cases: HttpCase[] = [];
  const api = (id: string, what: string, status: number | number[], send: HttpCase['send'], code?: string): void => {
    cases.push({ id, what, send, status: Array.isArray(status) ? status : [status], ...(code ? { code } : {}) });
  };
  const put = (w: HttpWorld, token: string, project: string) => request(w.app).put(`/api/v1/rounds/${w.open}/street-scores/${encodeURIComponent(project)}`).set('Authorization', bearer(token));

  // ---- credentials ---------------------------------------------------------------------------------
  api('token-forged', '伪造的令牌', 401, (w) => put(w, `hhb_${'A'.repeat(43)}`, w.projectA).send({ score: 90 }), 'UNAUTHENTICATED');
  api('token-expired', '过期的令牌', 401, (w) => put(w, w.expiredToken, w.projectA).send({ score: 90 }), 'UNAUTHENTICATED');
  api('token-tampered', '改了一个字符的真令牌', 401, (w) => put(w, `${w.tokens.streetA.slice(0, -1)}${w.tokens.streetA.endsWith('x') ? 'y' : 'x'}`, w.projectA).send({ score: 90 }), 'UNAUTHENTICATED');
  api('token-sql', '令牌是 SQL 注入', 401, (w) => request(w.app).put(`/api/v1/rounds/${w.open}/street-scores/${w.projectA}`).set('Authorization', "Bearer ' or '1'='1").send({ score: 90 }), 'UNAUTHENTICATED');
  api('token-empty', 'Bearer 后面为空', 401, (w) => request(w.app).put(`/api/v1/rounds/${w.open}/street-scores/${w.projectA}`).set('Authorization', 'Bearer ').send({ score: 90 }), 'UNAUTHENTICATED');
  api('auth-basic', 'Basic 认证', 401, (w) => request(w.app).put(`/api/v1/rounds/${w.open}/street-scores/${w.projectA}`).set('Authorization', `Basic ${Buffer.from('admin:admin').toString('base64')}`).send({ score: 90 }), 'UNAUTHENTICATED');
  api('no-auth-write', '未登录写入', 401, (w) => request(w.app).put(`/api/v1/rounds/${w.open}/street-scores/${w.projectA}`).send({ score: 90 }), 'UNAUTHENTICATED');
  api('cookie-forged', '伪造的会话 Cookie', 401, (w) => request(w.app).put(`/api/v1/rounds/${w.open}/street-scores/${w.projectA}`).set('Cookie', 'hhb_sid=forged-session-id').send({ score: 90 }), 'UNAUTHENTICATED');
  api('cookie-sql', '会话 Cookie 是 SQL 注入', 401, (w) => request(w.app).get('/api/v1/me').set('Cookie', "hhb_sid=' or 1=1 --"), 'UNAUTHENTICATED');
  api('no-auth-users', '未登录读取用户列表', 401, (w) => request(w.app).get('/api/v1/users'), 'UNAUTHENTICATED');

  // ---- a street account reaching for another street ------------------------------------------------
  api('street-forges-project', '东城街道账号录入西城街道的项目', 403, (w) => put(w, w.tokens.streetA, w.projectB).send({ score: 90 }), 'FORBIDDEN');
  api('street-forges-batch', '批量录入里夹一个别的街道的项目', 403, (w) => request(w.app).post(`/api/v1/rounds/${w.open}/street-scores`).set('Authorization', bearer(w.tokens.streetA)).send({ scores: [{ projectCode: w.projectA, score: 80 }, { projectCode: w.projectB, score: 10 }] }), 'FORBIDDEN');
  api('street-forges-street-field', '请求体里自报街道编码', 422, (w) => put(w, w.tokens.streetA, w.projectB).send({ score: 90, street: 'SB' }), 'INPUT_INVALID');
  api('street-lists-other-street', '查看别的街道的项目', 403, (w) => request(w.app).get(`/api/v1/rounds/${w.open}/projects?street=SB`).set('Authorization', bearer(w.tokens.streetA)), 'FORBIDDEN');
  api('street-imports-regulator', '街道账号导入行管评分', 403, (w) => request(w.app).post(`/api/v1/rounds/${w.open}/imports/regulator`).set('Authorization', bearer(w.tokens.streetA)).attach('file', Buffer.from(`统一社会信用代码,部门,得分\n${w.uscc},执法局,10\n`), 'r.csv'), 'FORBIDDEN');
  api('street-upload-other-street', '上传文件里是别的街道的项目', 400, (w) => request(w.app).post(`/api/v1/rounds/${w.open}/imports/street`).set('Authorization', bearer(w.tokens.streetA)).attach('file', Buffer.from(`项目编号,得分\n${w.projectB},10\n`), 's.csv'), 'IMPORT_INVALID');
  api('street-computes', '街道账号计算', 403, (w) => request(w.app).post(`/api/v1/rounds/${w.open}/compute`).set('Authorization', bearer(w.tokens.streetA)).send({}), 'FORBIDDEN');
  api('street-creates-user', '街道账号新增管理员', 403, (w) => request(w.app).post('/api/v1/users').set('Authorization', bearer(w.tokens.streetA)).send({ name: 'evil', role: 'admin' }), 'FORBIDDEN');
  api('firm-enters-score', '企业账号给自己打分', 403, (w) => put(w, w.tokens.firm, w.projectA).send({ score: 100 }), 'FORBIDDEN');
  api('regulator-imports-projects', '行管账号导入项目', 403, (w) => request(w.app).post('/api/v1/master-data/projects').set('Authorization', bearer(w.tokens.regulator)).attach('file', Buffer.from('项目编号\nX\n'), 'p.csv'), 'FORBIDDEN');
  api('firm-reads-other-firm', '企业账号查看别的企业', [403, 404], (w) => request(w.app).get(`/api/v1/rounds/${w.open}/firms/${w.uscc.slice(0, 17)}0`).set('Authorization', bearer(w.tokens.firm)));

  // ---- wrong types and values ------------------------------------------------------------------------
  const scores: [string, unknown, number][] = [
    ['bool', true, 422],
    ['array', [90], 422],
    ['object', { $gt: 0 }, 422],
    ['null', null, 422],
    ['chinese', '九十', 400],
    ['negative', -1, 400],
    ['over', 100.001, 400],
    ['nan-string', 'NaN', 400],
    ['exponent', '1e2', 400],
    ['huge-number', 1e308, 400],
    ['long-string', '9'.repeat(21), 422],
    ['sql', '90; drop table s; --', 400],
    ['sql-long', "90; drop table street_scores; --", 422],
    ['script', '<script>alert(1)', 400],
    ['script-long', '<script>alert(1)</script>', 422],
  ];
  for (const [id, score, status] of scores) {
    api(`score-${id}`, `得分为 ${JSON.stringify(score)}`, status, (w) => put(w, w.tokens.streetA, w.projectA).send({ score }), 'INPUT_INVALID');
  }
  api('body-array', '请求体是数组', 422, (w) => put(w, w.tokens.streetA, w.projectA).send([{ score: 90 }]), 'INPUT_INVALID');
  api('body-not-json', '请求体不是合法 JSON', 400, (w) => put(w, w.tokens.streetA, w.projectA).set('Content-Type', 'application/json').send('{"score": 9'), 'INPUT_INVALID');
  api('body-text-plain', '请求体是纯文本', 422, (w) => put(w, w.tokens.streetA, w.projectA).set('Content-Type', 'text/plain').send('score=90'), 'INPUT_INVALID');
  api('body-extra-key', '请求体多了 entered_by', 422, (w) => put(w, w.tokens.streetA, w.projectA).send({ score: 90, entered_by: 'admin' }), 'INPUT_INVALID');
  api('body-proto', '请求体含 __proto__', 422, (w) => put(w, w.tokens.streetA, w.projectA).set('Content-Type', 'application/json').send('{"score":90,"__proto__":{"role":"admin"}}'), 'INPUT_INVALID');
  api('note-too-long', '备注 501 字', 422, (w) => put(w, w.tokens.streetA, w.projectA).send({ score: 90, note: '长'.repeat(501) }), 'INPUT_INVALID');
  api('batch-too-many', '批量 5001 条', 422, (w) => request(w.app).post(`/api/v1/rounds/${w.open}/street-scores`).set('Authorization', bearer(w.tokens.streetA)).send({ scores: Array.from({ length: 5001 }, () => ({ projectCode: w.projectA, score: 80 })) }), 'INPUT_INVALID');
  api('batch-duplicate', '批量里同一项目两次', 400, (w) => request(w.app).post(`/api/v1/rounds/${w.open}/street-scores`).set('Authorization', bearer(w.tokens.streetA)).send({ scores: [{ projectCode: w.projectA, score: 80 }, { projectCode: w.projectA, score: 70 }] }), 'INPUT_INVALID');
  api('batch-empty', '批量为空', [400, 422], (w) => request(w.app).post(`/api/v1/rounds/${w.open}/street-scores`).set('Authorization', bearer(w.tokens.streetA)).send({ scores: [] }), 'INPUT_INVALID');
  api('project-script', '项目编号是脚本', [400, 403], (w) => put(w, w.tokens.bureau, '<script>alert(1)</script>').send({ score: 90 }));
  api('project-sql', '项目编号是 SQL 注入', [400, 403], (w) => put(w, w.tokens.bureau, "P01' or '1'='1").send({ score: 90 }));
  api('round-sql', '周期编号是 SQL 注入', [404, 422], (w) => request(w.app).put(`/api/v1/rounds/${encodeURIComponent("2025-H1' or 1=1 --")}/street-scores/${w.projectA}`).set('Authorization', bearer(w.tokens.streetA)).send({ score: 90 }));
  api('round-script', '新建周期编号是脚本', [400, 422], (w) => request(w.app).post('/api/v1/rounds').set('Authorization', bearer(w.tokens.bureau)).send({ code: '<script>alert(1)</script>' }));
  api('rules-sql', '规则是 SQL 字符串', [400, 422], (w) => request(w.app).post('/api/v1/rounds').set('Authorization', bearer(w.tokens.bureau)).send({ code: '2026-H1', rules: "'; drop table rounds; --" }));
  api('rules-unknown-key', '规则有未知的键', 400, (w) => request(w.app).post('/api/v1/rounds').set('Authorization', bearer(w.tokens.bureau)).send({ code: '2026-H1', rules: { red: { sahre: 10 } } }), 'RULES_INVALID');
  api('user-weak-password', '新用户密码太短', 422, (w) => request(w.app).post('/api/v1/users').set('Authorization', bearer(w.tokens.admin)).send({ name: 'x', role: 'bureau', password: '123' }), 'INPUT_INVALID');
  api('user-bad-role', '新用户角色是 root', 422, (w) => request(w.app).post('/api/v1/users').set('Authorization', bearer(w.tokens.admin)).send({ name: 'x', role: 'root' }), 'INPUT_INVALID');
  api('token-for-nobody', '为不存在的用户建令牌', [400, 404], (w) => request(w.app).post('/api/v1/tokens').set('Authorization', bearer(w.tokens.admin)).send({ user: "nobody' --" }));
  api('template-traversal', '模板种类是路径穿越', [404, 422], (w) => request(w.app).get('/api/v1/templates/..%2F..%2Fetc%2Fpasswd').set('Authorization', bearer(w.tokens.bureau)));
  api('unknown-api', '不存在的接口', 404, (w) => request(w.app).delete(`/api/v1/rounds/${w.open}`).set('Authorization', bearer(w.tokens.admin)), 'NOT_FOUND');

  // ---- oversized bodies --------------------------------------------------------------------------------
  api('json-over-1mb', '1.1 MB 的 JSON', 413, (w) => put(w, w.tokens.streetA, w.projectA).set('Content-Type', 'application/json').send(JSON.stringify({ score: 90, note: 'x'.repeat(1_100_000) })), 'PAYLOAD_TOO_LARGE');
  api('json-deep', '嵌套 100000 层的 JSON', [400, 413, 422], (w) => put(w, w.tokens.streetA, w.projectA).set('Content-Type', 'application/json').send(`{"score":${'['.repeat(100_000)}${']'.repeat(100_000)}}`));
  api('upload-two-files', '一次上传两个文件', 400, (w) => request(w.app).post(`/api/v1/rounds/${w.open}/imports/street`).set('Authorization', bearer(w.tokens.bureau)).attach('file', Buffer.from('项目编号,得分\n'), 'a.csv').attach('file', Buffer.from('项目编号,得分\n'), 'b.csv'), 'INPUT_INVALID');
  api('upload-no-file', '上传没有文件', 400, (w) => request(w.app).post(`/api/v1/rounds/${w.open}/imports/street`).set('Authorization', bearer(w.tokens.bureau)).field('x', 'y'), 'INPUT_INVALID');
  api('upload-traversal-name', '文件名是 ../../etc/passwd', 400, (w) => request(w.app).post(`/api/v1/rounds/${w.open}/imports/street`).set('Authorization', bearer(w.tokens.bureau)).attach('file', Buffer.from('root:x:0:0:root:/root:/bin/bash\n'), '../../etc/passwd'), 'IMPORT_INVALID');

  // ---- workflow ----------------------------------------------------------------------------------------
  api('published-entry', '给已发布的周期录入', 409, (w) => request(w.app).put(`/api/v1/rounds/${w.published}/street-scores/${w.projectA}`).set('Authorization', bearer(w.tokens.streetA)).send({ score: 90 }), 'ROUND_STATE');
  api('published-import', '向已发布的周期导入', 409, (w) => request(w.app).post(`/api/v1/rounds/${w.published}/imports/street`).set('Authorization', bearer(w.tokens.bureau)).attach('file', Buffer.from(`项目编号,得分\n${w.projectA},80\n`), 's.csv'), 'ROUND_STATE');
  api('publish-open', '发布仍在录入的周期', 409, (w) => request(w.app).post(`/api/v1/rounds/${w.open}/publish`).set('Authorization', bearer(w.tokens.bureau)).send({}), 'ROUND_STATE');
  api('reopen-published', '重开已发布的周期', 409, (w) => request(w.app).post(`/api/v1/rounds/${w.published}/reopen`).set('Authorization', bearer(w.tokens.bureau)).send({ reason: '想改' }), 'ROUND_STATE');

  // ---- cross-site form posts (session cookie, no or wrong CSRF token) -----------------------------------
  const page = (id: string, what: string, send: HttpCase['send']): void => {
    cases.push({ id, what, send, status: [403], page: true });
  };
  page('csrf-missing', '跨站表单：无 CSRF 令牌', (w) => w.sessions.streetA.agent.post(`/entry/${w.open}/scores`).set('Origin', 'https://evil.example').type('form').send({ project: w.projectA, score: '10' }));
  page('csrf-wrong', '跨站表单：错误的 CSRF 令牌', (w) => w.sessions.streetA.agent.post(`/entry/${w.open}/scores`).set('Origin', 'https://evil.example').type('form').send({ _csrf: 'x'.repeat(43), project: w.projectA, score: '10' }));
  page('csrf-other-session', '跨站表单：另一个会话的 CSRF 令牌', (w) => w.sessions.streetA.agent.post(`/entry/${w.open}/scores`).type('form').send({ _csrf: w.sessions.bureau.csrf, project: w.projectA, score: '10' }));
  page('csrf-dashboard', '跨站表单：新建周期', (w) => w.sessions.bureau.agent.post('/dashboard/rounds').set('Origin', 'https://evil.example').type('form').send({ code: '2026-H1' }));
  page('csrf-dashboard-step', '跨站表单：发布', (w) => w.sessions.bureau.agent.post(`/dashboard/rounds/${w.open}/close`).set('Referer', 'https://evil.example/').type('form').send({}));
  page('csrf-upload', '跨站上传', (w) => w.sessions.streetA.agent.post(`/entry/${w.open}/upload`).attach('file', Buffer.from(`项目编号,得分\n${w.projectA},10\n`), 's.csv'));
  page('csrf-logout', '跨站注销', (w) => w.sessions.streetA.agent.post('/logout').type('form').send({}));
  // ---- page forms with a valid session and token, but fields that cannot be read ----------------------
  const form = (id: string, what: string, send: HttpCase['send']): void => {
    cases.push({ id, what, send, status: [400], page: true });
  };
  form('form-round-code-too-long', '表单：新建周期编号 41 个字符', (w) => w.sessions.bureau.agent.post('/dashboard/rounds').type('form').send({ _csrf: w.sessions.bureau.csrf, code: '2'.repeat(41) }));
  form('form-objection-no-decision', '表单：异议决定未选择', (w) => w.sessions.bureau.agent.post(`/dashboard/rounds/${w.published}/objections/${w.uscc}`).type('form').send({ _csrf: w.sessions.bureau.csrf, reason: '理由' }));
  form('form-objection-odd-decision', '表单：异议决定是 approve', (w) => w.sessions.bureau.agent.post(`/dashboard/rounds/${w.published}/objections/${w.uscc}`).type('form').send({ _csrf: w.sessions.bureau.csrf, decision: 'approve', reason: '理由' }));
  form('form-publicize-days-twice', '表单：公示天数提交两次', (w) => w.sessions.bureau.agent.post(`/dashboard/rounds/${w.open}/publicize`).type('form').send(`_csrf=${encodeURIComponent(w.sessions.bureau.csrf)}&days=7&days=30`));
  form('form-reinspection-no-result', '表单：复查结论未选择', (w) => w.sessions.bureau.agent.post(`/follow-up/rectifications/${w.published}/${w.uscc}`).type('form').send({ _csrf: w.sessions.bureau.csrf, note: '现场查看' }));
  form('form-proposal-odd-decision', '表单：处置建议决定是 maybe', (w) => w.sessions.bureau.agent.post('/follow-up/proposals/1').type('form').send({ _csrf: w.sessions.bureau.csrf, decision: 'maybe' }));
  form('form-entry-note-object', '表单：评分表的项目是嵌套对象', (w) => w.sessions.streetA.agent.post(`/entry/${w.open}/scores`).type('form').send(`_csrf=${encodeURIComponent(w.sessions.streetA.csrf)}&project[a]=1&score=80`));
  cases.push({ id: 'csrf-api-cookie', what: '带 Cookie 的 API 写入没有 X-CSRF-Token', status: [403], code: 'FORBIDDEN', send: (w) => w.sessions.streetA.agent.put(`/api/v1/rounds/${w.open}/street-scores/${w.projectA}`).send({ score: 10 }) });
  return cases;
}

const ROUND_KINDS: Partial<Record<ImportTarget, string>> = {
  street: 'street',
  regulator: 'regulator',
  deductions: 'deductions',
  resident: 'resident',
  'resident-summary': 'resident-summary',
  events: 'events',
  complaints: 'complaints',
};
const MASTER = new Set(['streets', 'firms', 'projects']);

/** Every file case of the file corpus, uploaded by the bureau through the import routes. */
export function uploadCases(fileCases: BadCase[]): HttpCase[] {
  const out: HttpCase[] = [];
  for (const c of fileCases) {
    const file = c.args[c.args.length - 1] as string;
    let path: ((w: HttpWorld) => string) | null = null;
    if (c.args[0] === 'scores' && c.args[1] === 'import' && c.args[2] === '2025-H1') path = (w) => `/api/v1/rounds/${w.open}/imports/${c.args[4]}`;
    else if ((c.args[0] === 'events' || c.args[0] === 'complaints') && c.args[2] === '2025-H1') path = (w) => `/api/v1/rounds/${w.open}/imports/${c.args[0]}`;
    else if (MASTER.has(c.args[0] as string) && c.args.length === 3) path = () => `/api/v1/master-data/${c.args[0]}`;
    if (path === null || !(c.args[0] !== 'scores' || ROUND_KINDS[c.args[4] as ImportTarget])) continue;
    if (c.worldSpecific || /missing|is-directory/.test(c.id)) continue;
    const route = path;
    out.push({
      id: `upload-${c.id}`,
      what: `上传：${c.what}`,
      status: [400, 413],
      send: (w) => request(w.app).post(route(w)).set('Authorization', bearer(w.tokens.bureau)).attach('file', file),
    });
  }
  return out;
}
