/**
 * The bundled Noto Sans SC for the PDFs (certificates, survey letters): the two font files read once
 * per process (16 MB each; a province's documents reuse them) and registered in a document under
 * fixed names, so pdfkit embeds only the glyphs a document uses.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type PDFDocument from 'pdfkit';
import { DomainError } from '../domain/errors';
import { fontFolder } from './render-chart';

/** A4 portrait in PDF points (1/72 inch). */
export const A4 = { width: 595.28, height: 841.89 } as const;
export const REGULAR = 'NotoSansSC';
export const BOLD = 'NotoSansSC-Bold';

let fonts: { regular: Buffer; bold: Buffer } | null = null;
function fontFiles(): { regular: Buffer; bold: Buffer } {
  if (fonts) return fonts;
  const folder = fontFolder();
  try {
    fonts = { regular: readFileSync(join(folder, 'NotoSansHans-Regular.otf')), bold: readFileSync(join(folder, 'NotoSansHans-Bold.otf')) };
  } catch {
    throw new DomainError('INTERNAL', `无法读取中文字体：${folder}（请确认已安装 npm 包 @embedpdf/fonts-sc）`);
  }
  return fonts;
}

/** Registers REGULAR and BOLD in a document. */
export function registerCjkFonts(doc: PDFKit.PDFDocument | InstanceType<typeof PDFDocument>): void {
  const { regular, bold } = fontFiles();
  doc.registerFont(REGULAR, regular);
  doc.registerFont(BOLD, bold);
}
