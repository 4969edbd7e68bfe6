/**
 * A resident answers on a phone-width Chromium (390 px) with the code printed on their letter: the
 * code is read back from the letters' PDF with pdftotext and typed as printed (two groups of five),
 * every level is chosen through its label, the page never scrolls sideways, and the answer is stored
 * as the household's response.
 */
import { existsSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { createRound, openRound } from '../../src/app/rounds';
import { setSetting } from '../../src/app/settings';
import { issueSurveyCodes, surveyLetterFiles } from '../../src/app/survey-codes';
import { createApp } from '../../src/http/app';
import { aFirm, aProject, aStreet } from '../db/fixtures';
import { contextOf } from '../http/city';
import { useTestDb } from '../support/test-db';
import { pdfText, tempDir } from '../unit/reports/office-files';

const CHROMIUM = '/usr/bin/chromium';

describe('answering the survey on a phone', () => {
  const t = useTestDb('pglite');
  let server: Server;
  let base: string;
  let browser: Browser | null = null;
  let printed: string;
  const files = tempDir();

  beforeAll(async () => {
    const ctx = contextOf(t.knex, t.db.kind);
    await aStreet(t.knex, { code: 'SM', name: '明湖街道' });
    const firm = await aFirm(t.knex, { name: '明湖物业' });
    await aProject(t.knex, { firmId: firm.id, street: 'SM', households: 2, code: 'MH1', name: '明湖家园' });
    await setSetting(ctx, 'base_url', 'https://wuye.example.gov.cn');
    await createRound(ctx, { code: '2025-H1' });
    await openRound(ctx, '2025-H1');
    const issued = await issueSurveyCodes(ctx, { round: '2025-H1' });
    const letters = await surveyLetterFiles(ctx, issued);
    writeFileSync(join(files.dir, 'letters.pdf'), letters.pdf);
    const app = createApp({ knex: t.knex, dbKind: t.db.kind, log: () => {} });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
    if (existsSync(CHROMIUM)) {
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] });
    }
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
    files.remove();
  });

  it('reads the first household’s code off its letter', () => {
    const text = pdfText(join(files.dir, 'letters.pdf'));
    const m = /您家的户码\s+([2-9A-HJKMNP-Z]{5} [2-9A-HJKMNP-Z]{5})/.exec(text);
    expect(m).not.toBeNull();
    printed = m?.[1] as string;
  });

  it('answers at 390 px with the printed code, every control reached through its label', async () => {
    if (browser === null) {
      if (process.env.CI) throw new Error(`${CHROMIUM} is missing: .ci/run installs Debian's chromium`);
      console.warn(`跳过：没有 ${CHROMIUM}`);
      return;
    }
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    const noSidewaysScroll = async () => expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await page.goto(`${base}/s`);
    await noSidewaysScroll();
    await page.getByLabel('户码').fill(printed.toLowerCase());
    await Promise.all([page.waitForURL(/\/s\/[2-9A-Z]{10}$/), page.getByRole('button', { name: '开始评价' }).click()]);
    await noSidewaysScroll();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('明湖家园');

    // Submitting with an item left out keeps the answers and names the item.
    const items = ['安全秩序', '环境卫生', '绿化养护', '设施维修', '服务态度'];
    const levels = ['满意', '非常满意', '一般', '满意', '满意'];
    for (const [i, item] of items.slice(0, 4).entries()) await page.getByRole('group', { name: `${i + 1}. ${item}` }).getByLabel(levels[i] as string, { exact: true }).check();
    await page.getByLabel(/留言/).fill('楼道灯坏了两周。');
    await page.getByRole('button', { name: '提交评价' }).click();
    await page.waitForSelector('[role=alert]');
    expect(await page.locator('[role=alert]').textContent()).toContain('「服务态度」没有作答');
    expect(await page.getByRole('group', { name: '2. 环境卫生' }).getByLabel('非常满意', { exact: true }).isChecked()).toBe(true);
    await noSidewaysScroll();

    await page.getByRole('group', { name: '5. 服务态度' }).getByLabel('满意', { exact: true }).check();
    await page.getByRole('button', { name: '提交评价' }).click();
    await page.waitForSelector('text=提交成功');
    await noSidewaysScroll();
    await context.close();

    // 80 + 100 + 60 + 80 + 80 over 5 items = 80 points.
    const stored = (await t.knex('survey_responses').select('household', 'score', 'entered_by')) as unknown[];
    expect(stored).toEqual([{ household: '1', score: 8000, entered_by: 'online' }]);
    expect(((await t.knex('survey_online_answers').first('comment')) as { comment: string }).comment).toBe('楼道灯坏了两周。');
  });
});
