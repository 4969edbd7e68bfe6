/**
 * A street clerk issues household codes for the street's own projects from the entry page
 * (SPEC §10): one download, a ZIP holding the A4 letters and codes.csv; the codes answer, a
 * reissue revokes the old ones, another street's project and a bad date are refused with nothing
 * written, and a round no longer open is refused.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createApp } from '../../src/http/app';
import { backends, testDatabase } from '../cli/backends';
import { hhbOk, closeCliDatabases } from '../cli/cli-harness';
import { BASE_URL, at, inspect, readCodes, setUpCity } from './world';

afterAll(closeCliDatabases);

const ANSWERS = { 安全秩序: '满意', 环境卫生: '满意', 绿化养护: '一般', 设施维修: '满意', 服务态度: '非常满意' };

/** The ZIP's files, unpacked by Info-ZIP's unzip as a clerk's computer would. */
function unpack(zip: Buffer, dir: string): Record<string, string> {
  const file = join(dir, `${Math.random().toString(36).slice(2)}.zip`);
  const out = `${file}.d`;
  writeFileSync(file, zip);
  execFileSync('unzip', ['-q', '-o', file, '-d', out]);
  return Object.fromEntries(readdirSync(out).map((name) => [name, join(out, name)]));
}

describe.each(backends())('street codes from the entry page on %s', (backend) => {
  let dir: string;
  let db: string;
  let drop: () => Promise<void>;
  let token: string;
  let app: ReturnType<typeof createApp>;
  let close: () => Promise<void>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hhb-street-codes-'));
    ({ url: db, drop } = await testDatabase(backend, dir));
    await setUpCity(db, dir);
    const ok = (...args: string[]) => hhbOk(args, { db, cwd: dir, now: at('2025-03-01') });
    await ok('settings', 'set', 'base_url', BASE_URL);
    await ok('users', 'add', 'dongning', '--role', 'street', '--street', '东宁街道');
    token = (await ok('tokens', 'create', 'dongning')).stdout.split('\n')[1] as string;
    const inspected = await inspect(backend, db);
    close = inspected.close;
    app = createApp({ knex: inspected.knex, dbKind: backend, now: () => at('2025-03-01'), log: () => {} });
  });
  afterAll(async () => {
    await close();
    await drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = (fields: Record<string, string>) =>
    request(app)
      .post('/entry/2025-H1/survey-codes')
      .set('Authorization', `Bearer ${token}`)
      .type('form')
      .send(fields)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });

  it('offers the form on the entry page', async () => {
    const page = await request(app).get('/entry?round=2025-H1').set('Authorization', `Bearer ${token}`);
    expect(page.text).toContain('action="/entry/2025-H1/survey-codes"');
    expect(page.text).toContain('<label>作答截止日期 <input type="date" name="deadline"');
  });

  it('downloads the letters and codes.csv of the street’s projects, and the codes answer', async () => {
    const res = await post({ deadline: '2025-05-31' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    expect(res.headers['content-disposition']).toContain("filename*=UTF-8''2025-H1-");
    const files = unpack(res.body as Buffer, dir);
    const names = Object.keys(files).sort();
    expect(names).toEqual(['2025-H1-codes.csv', '2025-H1-东宁街道-户码通知.pdf']);
    const rows = readCodes(files['2025-H1-codes.csv'] as string);
    // 东宁街道's two projects, 3 and 2 households; 西岭街道's S3 is not the clerk's.
    expect(rows.map((r) => `${r['项目编号']}-${r['户序号']}`)).toEqual(['S1-1', 'S1-2', 'S1-3', 'S2-1', 'S2-2']);
    const text = execFileSync('pdftotext', ['-layout', files['2025-H1-东宁街道-户码通知.pdf'] as string, '-']).toString('utf8');
    for (const r of rows) expect(text.replace(/\s/g, '')).toContain((r['户码'] as string).replace(/\s/g, ''));
    expect(text).toContain('2025年5月31日');

    const answered = await request(app).post('/api/v1/survey/responses').send({ code: rows[0]?.['户码'], answers: ANSWERS });
    expect(answered.status).toBe(201);
    expect(answered.body).toMatchObject({ round: '2025-H1', project: 'S1', replaced: false });
  });

  it('revokes a project’s old codes when it is issued again', async () => {
    const first = readCodes(unpack((await post({ project: 'S2' })).body as Buffer, dir)['2025-H1-codes.csv'] as string);
    const again = await post({ project: 'S2' });
    expect(again.status).toBe(200);
    const old = await request(app).post('/api/v1/survey/responses').send({ code: first[0]?.['户码'], answers: ANSWERS });
    expect(old.status).toBe(403);
  });

  it('refuses another street’s project and a bad date on the page, issuing nothing', async () => {
    const { knex } = await inspect(backend, db);
    const before = (await knex('survey_codes').count<{ n: string }[]>('* as n'))[0]?.n;
    const other = await post({ project: 'S3' });
    expect(other.status).toBeGreaterThanOrEqual(400);
    expect(other.status).toBeLessThan(500);
    expect(other.headers['content-type']).toContain('text/html');
    expect(other.body.toString('utf8')).toContain('没有参评项目');
    const badDate = await post({ deadline: '5/31/2025' });
    expect(badDate.status).toBe(400);
    expect(badDate.body.toString('utf8')).toContain('「作答截止日期」请写成 2025-06-20 这样的年-月-日');
    expect((await knex('survey_codes').count<{ n: string }[]>('* as n'))[0]?.n).toBe(before);
  });
});
