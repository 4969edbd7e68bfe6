/**
 * Every page fits a phone: at 390 px no page scrolls sideways (wide tables scroll inside their own
 * box), for the public and for each role, in Chromium. The same pages at 1280 px for comparison.
 */
import type { Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { createApp } from '../../src/http/app';
import { launchChromium, serveOnLoopback } from './chromium';
import { NOW, OPEN, PASSWORD, PUBLISHED, type Account, type City, useCityDb } from '../http/city';

/** The pages each visitor reaches from the site's own menus. */
function pagesOf(city: City): Record<Account | 'public', string[]> {
  const firm = city.firms[0]?.uscc as string;
  return {
    public: ['/', `/rounds/${PUBLISHED}`, `/firms/${firm}`, '/login'],
    admin: ['/dashboard', '/settings', '/password'],
    bureau: ['/dashboard', `/dashboard?round=${OPEN}`, '/entry', '/follow-up', '/imports', `/dashboard/simulate/${PUBLISHED}`],
    regulator: ['/follow-up', '/imports'],
    streetA: ['/entry'],
    streetB: ['/entry'],
    firm: ['/card', `/firms/${firm}`],
  };
}

/** How far the page is wider than the window, and the widest elements sticking out. */
const OVERFLOW = `(() => {
  const over = Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - 390;
  const culprits = [...document.querySelectorAll('body *')]
    .filter((e) => e.getBoundingClientRect().right > 391 && !e.closest('.scroll'))
    .slice(0, 5)
    .map((e) => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '') + ' ' + Math.round(e.getBoundingClientRect().right));
  return { over, culprits, width: window.innerWidth };
})()`;

describe('pages at phone width', () => {
  const t = useCityDb('pglite');
  let city: City;
  let server: Server;
  let base: string;
  let browser: Browser | null = null;

  beforeAll(async () => {
    city = t.city;
    const app = createApp({ knex: t.knex, dbKind: t.db.kind, now: () => NOW, log: () => {} });
    const served = await serveOnLoopback(app);
    server = served.server;
    base = `http://127.0.0.1:${served.port}`;
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  async function logIn(page: Page, name: string): Promise<void> {
    await page.goto(`${base}/login`);
    await page.fill('input[name=name]', name);
    await page.fill('input[name=password]', PASSWORD);
    await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/login')), page.click('button:has-text("登录")')]);
  }

  it('never scrolls sideways at 390 px, for the public and for every role', async () => {
    if (browser === null) return;
    const wide: string[] = [];
    for (const [who, paths] of Object.entries(pagesOf(city))) {
      // Not isMobile: a mobile viewport zooms out to fit wide content, which would hide the overflow.
      const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
      const page = await context.newPage();
      if (who !== 'public') await logIn(page, who);
      for (const path of paths) {
        const res = await page.goto(`${base}${path}`);
        expect([who, path, res?.status()]).toEqual([who, path, 200]);
        const { over, culprits, width } = (await page.evaluate(OVERFLOW)) as { over: number; culprits: string[]; width: number };
        expect(width).toBe(390);
        if (over > 0) wide.push(`${who} ${path}: ${over} px too wide (${culprits.join(', ')})`);
      }
      await context.close();
    }
    expect(wide).toEqual([]);
  }, 180_000);

  it('shows the public ranking at 390 px as short rows with the reason on screen', async () => {
    if (browser === null) return;
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await page.goto(`${base}/rounds/${PUBLISHED}`);
    const rows = (await page.evaluate(`[...document.querySelectorAll('table.ranking tbody tr')].map((tr) => {
      const reason = tr.querySelector('td.reason').getBoundingClientRect();
      return { height: Math.round(tr.getBoundingClientRect().height), reasonRight: Math.round(reason.right), reasonWidth: Math.round(reason.width) };
    })`)) as { height: number; reasonRight: number; reasonWidth: number }[];
    expect(rows.length).toBe(city.firms.length);
    for (const row of rows) {
      // Three lines: rank, firm and list; the scores; the reason (a black-list reason may take two).
      expect(row.height).toBeLessThan(130);
      expect(row.reasonRight).toBeLessThanOrEqual(390);
      expect(row.reasonWidth).toBeGreaterThan(300);
    }
    await context.close();
  }, 60_000);
});
