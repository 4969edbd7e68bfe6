/**
 * Reads office documents back the way their readers would: the .docx unzipped (word/document.xml)
 * and opened by LibreOffice headless (a Word/WPS-class program) and printed to PDF, and PDFs through
 * poppler (pdftotext, pdfinfo, pdffonts). Debian's libreoffice-writer-nogui and poppler-utils;
 * .ci/run installs both.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'hhb-office-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The text of a PDF (pdftotext, reading order). */
export function pdfText(file: string): string {
  return execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
}

/** pdfinfo's fields, e.g. `Pages`, `Page size`, `Title`. */
export function pdfInfo(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of execFileSync('pdfinfo', [file], { encoding: 'utf8' }).split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return out;
}

/** pdffonts' table rows: name, type, embedded, subset, unicode map. */
export function pdfFonts(file: string): { name: string; type: string; embedded: boolean; subset: boolean; unicode: boolean }[] {
  const lines = execFileSync('pdffonts', [file], { encoding: 'utf8' }).split('\n').slice(2).filter((l) => l.trim() !== '');
  return lines.map((l) => {
    const cols = l.trim().split(/\s+/);
    const [emb, sub, uni] = cols.slice(-5, -2);
    return { name: cols[0] ?? '', type: cols.slice(1, -7).join(' '), embedded: emb === 'yes', subset: sub === 'yes', unicode: uni === 'yes' };
  });
}

/** word/document.xml of a .docx, as stored in the zip. */
export function documentXml(file: string): string {
  return execFileSync('unzip', ['-p', file, 'word/document.xml'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

/** The text of the document's runs (<w:t>), joined: what a reader sees, without layout. */
export function docxRunText(xml: string): string {
  return [...xml.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)]
    .map((m) => m[1] ?? '')
    .join('')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

/**
 * Converts each .docx with LibreOffice headless to PDF (one soffice run, its own profile) and
 * returns the PDFs' paths in the same order.
 */
export function convertWithLibreOffice(files: string[], outDir: string): string[] {
  const profile = join(outDir, 'lo-profile');
  execFileSync('soffice', [`-env:UserInstallation=file://${profile}`, '--headless', '--norestore', '--convert-to', 'pdf', '--outdir', outDir, ...files], { encoding: 'utf8', timeout: 150_000, stdio: ['ignore', 'pipe', 'pipe'] });
  return files.map((f) => join(outDir, basename(f).replace(/\.docx$/, '.pdf')));
}

/** Text with every run of white space removed: PDF extraction spaces out CJK and Latin differently. */
export const squeeze = (text: string): string => text.replace(/\s+/g, '');

export function writeTemp(dir: string, name: string, data: Buffer): string {
  const file = join(dir, name);
  writeFileSync(file, data);
  return file;
}

export const readBytes = (file: string): Buffer => readFileSync(file);
