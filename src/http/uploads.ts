/**
 * Uploads (imports, templates filled in): multer to a fresh temporary folder per request, keeping
 * the file's own name (the imports record it and read its extension), removed after the request.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { RequestHandler } from 'express';
import multer from 'multer';

/** A safe base name: no folders, no control characters; the extension is what the import reads. */
function safeName(original: string): string {
  const base = basename(original.replace(/\\/g, '/')).replace(/[<>:"|?*]/g, '_')
    .split('')
    .map((ch) => (ch.charCodeAt(0) < 32 ? '_' : ch))
    .join('').slice(-120);
  return base === '' || base === '.' || base === '..' ? 'upload' : base;
}

export function uploadMiddleware(maxBytes: number): RequestHandler {
  // Every folder made for a request's files, removed when the response closes — also when multer
  // fails half-way (a second file, a file over the limit), where req.file has no path: reading
  // req.file.path there threw inside the 'close' handler and took the server down (bad-input corpus).
  const folders = new WeakMap<object, string[]>();
  const storage = multer.diskStorage({
    destination: (req, _file, cb) => {
      const dir = mkdtempSync(join(tmpdir(), 'hhb-upload-'));
      folders.get(req)?.push(dir);
      cb(null, dir);
    },
    filename: (_req, file, cb) => cb(null, safeName(file.originalname)),
  });
  const upload = multer({ storage, limits: { fileSize: maxBytes, files: 1, fields: 20, fieldSize: 64 * 1024 }, defParamCharset: 'utf8' }).single('file');
  return (req, res, next) => {
    const mine: string[] = [];
    folders.set(req, mine);
    res.on('close', () => {
      for (const dir of mine) rmSync(dir, { recursive: true, force: true });
    });
    upload(req, res, next);
  };
}
