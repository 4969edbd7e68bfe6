/**
 * The site as a bureau's intranet serves it: plain HTTP on a name that is not localhost. Chromium
 * resolves an intranet name to this machine (--host-resolver-rules), so the browser treats the site
 * as an ordinary insecure origin, exactly as on an office network: a clerk logs in, posts a form and
 * the public page's chart loads. Over TLS (behind a trusted proxy) the policy upgrades requests.
 */
import type { Server } from 'node:http';
import request from 'supertest';
import type { Browser } from 'playwright-core';
import { createApp } from '../../src/http/app';
import { launchChromium, serveOnLoopback } from './chromium';
import { NOW, PASSWORD, type City, useCityDb } from '../http/city';

const INTRANET_NAME = 'hhb.zjj-intranet.test';

describe('the site over plain HTTP on an intranet name', () => {
  const t = useCityDb('pglite');
  let city: City;
  let server: Server;
  let base: string;
  let browser: Browser | null = null;

  beforeAll(async () => {
    city = t.city;
    const app = createApp({ knex: t.knex, dbKind: t.db.kind, now: () => NOW, log: () => {}, trustProxy: 'loopback' });
    const served = await serveOnLoopback(app);
    server = served.server;
    base = `http://${INTRANET_NAME}:${served.port}`;
    browser = await launchChromium([`--host-resolver-rules=MAP ${INTRANET_NAME} 127.0.0.1`]);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('sends no upgrade-insecure-requests over plain HTTP, and sends it over TLS behind the proxy', async () => {
    const plain = await request(server).get('/login');
    expect(plain.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
    expect(plain.headers['content-security-policy']).toContain("form-action 'self'");
    const tls = await request(server).get('/login').set('X-Forwarded-Proto', 'https');
    expect(tls.headers['content-security-policy']).toContain('upgrade-insecure-requests');
    expect(tls.headers['strict-transport-security']).toContain('max-age=');
  });

  it('lets a clerk log in and save a score, and shows the public chart, in Chromium', async () => {
    if (browser === null) return;
    for (const width of [1280, 390]) {
      const context = await browser.newContext({ viewport: { width, height: 900 } });
      const page = await context.newPage();
      const upgraded: string[] = [];
      page.on('request', (r) => {
        if (r.url().startsWith('https:')) upgraded.push(r.url());
      });

      await page.goto(`${base}/`);
      const chart = page.locator('img.chart').first();
      await chart.scrollIntoViewIfNeeded();
      // Evaluated in the page (a string: the test's types know no DOM).
      await page.waitForFunction("document.querySelector('img.chart')?.complete === true");
      expect(await page.evaluate("document.querySelector('img.chart').naturalWidth")).toBeGreaterThan(0);

      await page.goto(`${base}/login`);
      await page.fill('input[name=name]', 'streetA');
      await page.fill('input[name=password]', PASSWORD);
      await Promise.all([page.waitForURL(/\/entry/), page.click('button:has-text("登录")')]);
      const project = city.firms.find((f) => f.street === 'SA')?.project as string;
      const score = width === 1280 ? '86.5' : '87';
      await page.fill(`input[aria-label="${project} 新得分"]`, score);
      await Promise.all([page.waitForURL(/done=/), page.click('button:has-text("保存评分")')]);
      expect(await page.textContent('[role=status]')).toContain('已保存 1 个项目的评分');
      expect(Number(await page.textContent(`td.current[data-project="${project}"]`))).toBe(Number(score));
      expect(page.url().startsWith(`${base}/`)).toBe(true);
      expect(upgraded).toEqual([]);
      await context.close();
    }
  });
});
