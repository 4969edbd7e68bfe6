/**
 * A published round is immutable (SPEC §3, enforced by the database): its results JSON, charts and
 * score cards are serialised once and served from memory with a strong ETag.
 */
import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';

export interface CachedBody {
  body: Buffer;
  etag: string;
  type: string;
}

export function cachedBody(body: Buffer | string, type: string): CachedBody {
  const buf = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return { body: buf, etag: `"${createHash('sha256').update(buf).digest('base64url')}"`, type };
}

/** A small LRU: published rounds' bodies, at most `max` entries. */
export class PublishedCache {
  private readonly map = new Map<string, CachedBody>();
  constructor(private readonly max = 200) {}

  get(key: string): CachedBody | undefined {
    const hit = this.map.get(key);
    if (hit) {
      this.map.delete(key);
      this.map.set(key, hit);
    }
    return hit;
  }

  set(key: string, value: CachedBody): CachedBody {
    this.map.set(key, value);
    while (this.map.size > this.max) {
      const oldest = this.map.keys().next().value;
      if (oldest === undefined) break;
      this.map.delete(oldest);
    }
    return value;
  }
}

/** Sends a cached body: 304 when the client has it already. */
export function sendCached(req: Request, res: Response, c: CachedBody, opts: { publicCache: boolean }): void {
  res.setHeader('ETag', c.etag);
  res.setHeader('Cache-Control', opts.publicCache ? 'public, max-age=300' : 'private, no-cache');
  const match = req.headers['if-none-match'];
  if (match && match.split(',').some((t) => t.trim() === c.etag)) {
    res.status(304).end();
    return;
  }
  res.setHeader('Content-Type', c.type);
  res.setHeader('Content-Length', String(c.body.length));
  res.end(c.body);
}
