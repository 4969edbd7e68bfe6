/** Logging in through the login form in supertest, as a browser would. */
import request from 'supertest';
import type { Express } from 'express';
import { PASSWORD } from './city';

/** The value of a hidden form field in a page. */
export const hidden = (html: string, name: string): string => {
  const m = new RegExp(`name="${name}" value="([^"]*)"`).exec(html);
  if (!m?.[1]) throw new Error(`no hidden field ${name}`);
  return m[1];
};

/** Logs in through the form; returns the agent (with its cookie) and the session's CSRF token. */
export async function login(app: Express, name: string, password = PASSWORD) {
  const agent = request.agent(app);
  const form = await agent.get('/login');
  const res = await agent.post('/login').type('form').send({ _csrf: hidden(form.text, '_csrf'), name, password, next: '' });
  if (res.status !== 303) throw new Error(`login ${name}: ${res.status}`);
  const landedOn = res.headers.location as string;
  const page = await agent.get(landedOn);
  return { agent, csrf: hidden(page.text, '_csrf'), setCookie: res.headers['set-cookie'] as unknown as string[], landedOn };
}
