/**
 * The success box after a form post (POST → 303 → GET with `?done=…`). The message travels in the
 * link, so that a reload shows it again; it is signed with the session's secret CSRF token, and a
 * link without a valid signature shows nothing. Nobody can send a clerk a link that makes the
 * bureau's site say something the site never said ("请拨打 … 办理").
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import { authOf } from './auth';

const signature = (secret: string, text: string): string => createHmac('sha256', secret).update(text, 'utf8').digest('base64url').slice(0, 22);

/** `done=…&sig=…` for a redirect after a successful post (empty without a session). */
export function doneQuery(res: Response, text: string): string {
  const secret = authOf(res).csrf;
  return secret ? `done=${encodeURIComponent(text)}&sig=${signature(secret, text)}` : '';
}

/** The signed message of the link, or undefined when there is none or its signature is wrong. */
export function doneNotice(req: Request, res: Response): string | undefined {
  const text = req.query.done;
  const sig = req.query.sig;
  const secret = authOf(res).csrf;
  if (typeof text !== 'string' || typeof sig !== 'string' || !secret || text.length > 500) return undefined;
  const want = Buffer.from(signature(secret, text));
  const given = Buffer.from(sig);
  return want.length === given.length && timingSafeEqual(want, given) ? text : undefined;
}
