/**
 * The bundled Noto Sans SC for the PDFs (certificates, survey letters): the two font files read and
 * parsed once per process (16 MB each; a province's documents reuse them) and registered in a
 * document under fixed names, so pdfkit embeds only the glyphs a document uses.
 *
 * Parsed once: pdfkit parses a font given as bytes again for every document, and that parse (the
 * CFF tables of a 16 MB OpenType font) was most of a certificate's 160–280 ms. pdfkit also takes an
 * already parsed font, from the fontkit it depends on: we parse with that same fontkit (resolved
 * from pdfkit's own folder, so both always agree) and hand every document the parsed font. A parsed
 * font only caches what it has read; each document still builds its own subset from it.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type PDFDocument from 'pdfkit';
import { DomainError } from '../domain/errors';
import { fontFolder } from './render-chart';

/** A4 portrait in PDF points (1/72 inch). */
export const A4 = { width: 595.28, height: 841.89 } as const;
export const REGULAR = 'NotoSansSC';
export const BOLD = 'NotoSansSC-Bold';

/** What pdfkit needs of a parsed font to take it as a font source (it checks for `layout`). */
interface ParsedFont {
  layout(text: string): unknown;
}

interface Fontkit {
  create(data: Uint8Array): ParsedFont;
}

let fonts: { regular: ParsedFont; bold: ParsedFont } | null = null;
function parsedFonts(): { regular: ParsedFont; bold: ParsedFont } {
  if (fonts) return fonts;
  const folder = fontFolder();
  let files: { regular: Buffer; bold: Buffer };
  try {
    files = { regular: readFileSync(join(folder, 'NotoSansHans-Regular.otf')), bold: readFileSync(join(folder, 'NotoSansHans-Bold.otf')) };
  } catch {
    throw new DomainError('INTERNAL', `无法读取中文字体：${folder}（请确认已安装 npm 包 @embedpdf/fonts-sc）`);
  }
  const fontkit = createRequire(require.resolve('pdfkit'))('fontkit') as Fontkit;
  fonts = { regular: fontkit.create(files.regular), bold: fontkit.create(files.bold) };
  return fonts;
}

/** Registers REGULAR and BOLD in a document. */
export function registerCjkFonts(doc: PDFKit.PDFDocument | InstanceType<typeof PDFDocument>): void {
  const { regular, bold } = parsedFonts();
  // pdfkit's types list only paths and bytes; at run time it takes a parsed font as they are (PDFFontFactory.open).
  doc.registerFont(REGULAR, regular as unknown as Buffer);
  doc.registerFont(BOLD, bold as unknown as Buffer);
}
