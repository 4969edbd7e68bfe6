/**
 * A published round is immutable (SPEC §3, enforced by the database): its results JSON, charts and
 * score cards are serialised once and served from memory with a strong ETag.
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import type { Request, Response } from 'express';

export interface CachedBody {
  body: Buffer;
  /** The body gzipped once, for clients that accept it (text bodies over 1 KB; PNGs are compressed already). */
  gzip: Buffer | null;
  etag: string;
  type: string;
}

const GZIP_MIN_BYTES = 1024;

export function cachedBody(body: Buffer | string, type: string): CachedBody {
  const buf = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const text = /^(application\/json|text\/)/.test(type);
  const gzip = text && buf.length >= GZIP_MIN_BYTES ? gzipSync(buf, { level: 6 }) : null;
  return { body: buf, gzip: gzip && gzip.length < buf.length ? gzip : null, etag: `"${createHash('sha256').update(buf).digest('base64url')}"`, type };
}

/** Whether the request's Accept-Encoding allows gzip (a q=0 refuses it). */
function acceptsGzip(req: Request): boolean {
  const header = req.headers['accept-encoding'];
  if (typeof header !== 'string') return false;
  return header.split(',').some((part) => {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (name !== 'gzip' && name !== '*') return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
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

/**
 * Sends a cached body, gzipped when the client accepts it: 304 when the client has it already. The
 * gzipped representation has its own strong ETag (the identity one with "-gz").
 */
export function sendCached(req: Request, res: Response, c: CachedBody, opts: { publicCache: boolean }): void {
  const gzipped = c.gzip !== null && acceptsGzip(req);
  const etag = gzipped ? `${c.etag.slice(0, -1)}-gz"` : c.etag;
  res.setHeader('ETag', etag);
  res.setHeader('Cache-Control', opts.publicCache ? 'public, max-age=300' : 'private, no-cache');
  if (c.gzip) res.setHeader('Vary', 'Accept-Encoding');
  const match = req.headers['if-none-match'];
  if (match && match.split(',').some((t) => t.trim() === etag)) {
    res.status(304).end();
    return;
  }
  const body = gzipped ? (c.gzip as Buffer) : c.body;
  res.setHeader('Content-Type', c.type);
  if (gzipped) res.setHeader('Content-Encoding', 'gzip');
  res.setHeader('Content-Length', String(body.length));
  res.end(body);
}
