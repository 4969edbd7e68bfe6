/**
 * The web pages in a real browser (playwright-core on Debian's Chromium, never a downloaded browser):
 * a street clerk logs in, enters a score, uploads the downloaded template with one bad row, sees
 * the row error, fixes it, and the bureau's dashboard shows the completeness change; the public
 * page lists the red and black firms and shows a hostile firm name as text.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { type Browser, chromium } from 'playwright-core';
import { createApp } from '../../src/http/app';
import { NOW, OPEN, PASSWORD, XSS_NAME, type City, useCityDb } from '../http/city';

const CHROMIUM = '/usr/bin/chromium';
const run = existsSync(CHROMIUM) ? describe : describe.skip;

run('the pages in Chromium', () => {
  const t = useCityDb('pglite');
  let city: City;
  let server: Server;
  let base: string;
  let browser: Browser;
  let dir: string;

  beforeAll(async () => {
    city = t.city;
    const app = createApp({ knex: t.knex, dbKind: t.db.kind, now: () => NOW, log: () => {} });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    dir = mkdtempSync(join(tmpdir(), 'hhb-e2e-'));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  async function loggedIn(name: string) {
    const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${base}/login`);
    await page.fill('input[name=name]', name);
    await page.fill('input[name=password]', PASSWORD);
    await Promise.all([page.waitForURL(/\/(entry|dashboard)/), page.click('button:has-text("登录")')]);
    return { context, page };
  }

  it('lets a street clerk enter scores and fix a bad template row, and the dashboard shows it', async () => {
    const bureau = await loggedIn('bureau');
    const streetScored = async () => {
      await bureau.page.goto(`${base}/dashboard?round=${OPEN}`);
      return Number(await bureau.page.textContent('tr[data-street="SA"] .street-scored'));
    };
    const before = await streetScored();

    const { context, page } = await loggedIn('streetA');
    expect(page.url()).toContain('/entry');
    const [p1, p3, p5] = [city.firms[0], city.firms[2], city.firms[4]].map((f) => f?.project as string) as [string, string, string];
    await page.fill(`input[aria-label="${p1} 新得分"]`, '88.5');
    await Promise.all([page.waitForURL(/done=/), page.click('button:has-text("保存评分")')]);
    expect(await page.textContent('[role=status]')).toContain('已保存 1 个项目的评分');
    expect(await page.textContent(`td.current[data-project="${p1}"]`)).toBe('88.50');

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#template-link')]);
    const template = join(dir, 'template.xlsx');
    await download.saveAs(template);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(template);
    const sheet = book.worksheets[0] as ExcelJS.Worksheet;
    const headers = Array.from({ length: sheet.columnCount + 1 }, (_, c) => (c === 0 ? '' : sheet.getRow(1).getCell(c).text));
    const codeCol = headers.findIndex((h) => h.includes('项目编号'));
    const scoreCol = headers.findIndex((h) => h.includes('得分'));
    const rows: Record<string, number> = {};
    sheet.eachRow((row, n) => {
      if (n > 1) rows[row.getCell(codeCol).text] = n;
    });
    expect(Object.keys(rows).sort()).toEqual(city.firms.filter((f) => f.street === 'SA').map((f) => f.project));
    const fill = async (scores: Record<string, number>, file: string) => {
      for (const [code, score] of Object.entries(scores)) sheet.getRow(rows[code] as number).getCell(scoreCol).value = score;
      await book.xlsx.writeFile(file);
    };
    const bad = join(dir, '街道评分-有错.xlsx');
    await fill({ [p3]: 82, [p5]: 150 }, bad);
    await page.setInputFiles('input[type=file]', bad);
    await Promise.all([page.waitForLoadState('load'), page.click('button:has-text("上传并导入")')]);
    const errors = await page.textContent('#errors');
    expect(errors).toContain(`第 ${rows[p5]} 行`);
    expect(await page.textContent(`td.current[data-project="${p3}"]`)).toBe('—');

    const good = join(dir, '街道评分.xlsx');
    await fill({ [p5]: 75 }, good);
    await page.setInputFiles('input[type=file]', good);
    await Promise.all([page.waitForURL(/done=/), page.click('button:has-text("上传并导入")')]);
    expect(await page.textContent('[role=status]')).toContain('已导入');
    expect(await page.textContent(`td.current[data-project="${p3}"]`)).toBe('82.00');
    expect(await page.textContent(`td.current[data-project="${p5}"]`)).toBe('75.00');

    const after = await streetScored();
    expect(after).toBe(before + 3);
    await context.close();
    await bureau.context.close();
  });

  it('shows the red and black lists publicly and a hostile firm name as text', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    let dialogs = 0;
    page.on('dialog', async (d) => {
      dialogs += 1;
      await d.dismiss();
    });
    await page.goto(`${base}/`);
    expect(await page.textContent('#red-list')).toContain('第1物业公司');
    expect(await page.textContent('#black-list')).toContain(XSS_NAME);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    await page.click(`#black-list a`);
    await page.waitForURL(/\/firms\//);
    expect(await page.textContent('h1')).toBe(XSS_NAME);
    expect(dialogs).toBe(0);
    await context.close();
  });
});
