/**
 * 荣誉证书: the certificate of a red-listed firm as an A4 PDF with real text (searchable, sharp at any
 * printer resolution), set in the bundled CJK font (Noto Sans SC from @embedpdf/fonts-sc), embedded
 * as a subset so the file prints in Chinese on a machine with no Chinese fonts and stays small.
 */
import PDFDocument from 'pdfkit';
import { DomainError } from '../domain/errors';
import { periodLabel, shortDate } from './labels';
import { A4, BOLD, REGULAR, registerCjkFonts } from './pdf-fonts';

export interface CertificateInput {
  firmName: string;
  uscc: string;
  /** e.g. '2025-H1' → "2025年上半年度". */
  roundCode: string;
  /** 证书编号 */
  number: string;
  /** ISO date, e.g. '2025-07-20'. */
  issuedOn: string;
  /** 发证单位, from the settings (e.g. 磐石市住房和城乡建设局). */
  issuer: string;
}

/** A4 portrait in PDF points (1/72 inch). */
export const CERTIFICATE_PAGE = A4;
const RED = '#b22222';
const GOLD = '#c9a227';

function required(value: string, field: string, label: string): string {
  const text = value.trim();
  if (text === '') throw new DomainError('INPUT_INVALID', `证书的${label}（${field}）不能为空`, [{ row: null, column: field, message: '为空' }]);
  return text;
}

function frame(doc: PDFKit.PDFDocument): void {
  const { width, height } = CERTIFICATE_PAGE;
  doc.rect(0, 0, width, height).fill('#fffdf5');
  doc.lineWidth(8).strokeColor(RED).rect(22, 22, width - 44, height - 44).stroke();
  doc.lineWidth(1.6).strokeColor(GOLD).rect(36, 36, width - 72, height - 72).stroke();
  doc.lineWidth(0.8).rect(41, 41, width - 82, height - 82).stroke();
  for (const [x, y] of [[36, 36], [width - 36, 36], [36, height - 36], [width - 36, height - 36]] as const) {
    doc.save().translate(x, y).rotate(45).rect(-7, -7, 14, 14).fill(GOLD).restore();
  }
}

/** One line of text centred (or right-aligned at `right`), shrunk to fit `maxWidth`; never wraps. */
function line(doc: PDFKit.PDFDocument, text: string, y: number, opts: { size: number; font: string; color: string; maxWidth: number; right?: number; left?: number }): number {
  doc.font(opts.font);
  let size = opts.size;
  while (size > 8 && doc.fontSize(size).widthOfString(text) > opts.maxWidth) size -= 0.5;
  doc.fontSize(size).fillColor(opts.color);
  const width = doc.widthOfString(text);
  const x = opts.left ?? (opts.right !== undefined ? opts.right - width : (CERTIFICATE_PAGE.width - width) / 2);
  doc.text(text, x, y, { lineBreak: false });
  return width;
}

/** Collects a PDF document into one Buffer. */
function toBuffer(doc: PDFKit.PDFDocument): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
}

/** The certificate "授予 {企业} {周期}物业服务质量评价红榜企业", its number, issuer and date; a one-page A4 PDF. */
export async function renderCertificate(input: CertificateInput): Promise<Buffer> {
  const firmName = required(input.firmName, 'firmName', '企业名称');
  const uscc = required(input.uscc, 'uscc', '统一社会信用代码');
  const number = required(input.number, 'number', '证书编号');
  const issuer = required(input.issuer, 'issuer', '发证单位');
  const period = periodLabel(input.roundCode);
  const date = shortDate(input.issuedOn, '发证日期 issuedOn');

  const issued = new Date(`${input.issuedOn.slice(0, 10)}T00:00:00+08:00`);
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'portrait',
    margin: 0,
    autoFirstPage: true,
    // Same input, same file: the dates inside the PDF are the issue date, not the moment of writing.
    info: { Title: `荣誉证书 ${firmName}`, Author: issuer, Subject: `${period}物业服务质量评价红榜企业`, Creator: 'hongheibang', CreationDate: issued, ModDate: issued },
    lang: 'zh-CN',
    displayTitle: true,
  });
  const done = toBuffer(doc);
  registerCjkFonts(doc);

  const { width } = CERTIFICATE_PAGE;
  const inner = width - 2 * 70;
  frame(doc);
  line(doc, '荣 誉 证 书', 150, { size: 56, font: BOLD, color: RED, maxWidth: inner });
  line(doc, '授予', 300, { size: 20, font: REGULAR, color: '#222222', maxWidth: inner });
  const nameWidth = line(doc, firmName, 350, { size: 30, font: BOLD, color: '#111111', maxWidth: inner });
  doc.lineWidth(1).strokeColor('#444444').moveTo((width - nameWidth) / 2 - 12, 398).lineTo((width + nameWidth) / 2 + 12, 398).stroke();
  line(doc, `统一社会信用代码：${uscc}`, 412, { size: 12, font: REGULAR, color: '#555555', maxWidth: inner });
  line(doc, `${period}物业服务质量评价`, 480, { size: 24, font: BOLD, color: RED, maxWidth: inner });
  line(doc, '红榜企业', 520, { size: 30, font: BOLD, color: RED, maxWidth: inner });
  line(doc, '特发此证，以资鼓励。', 590, { size: 17, font: REGULAR, color: '#222222', maxWidth: inner });

  line(doc, issuer, 680, { size: 17, font: REGULAR, color: '#222222', maxWidth: 330, right: width - 75 });
  line(doc, date, 708, { size: 15, font: REGULAR, color: '#222222', maxWidth: 330, right: width - 75 });
  line(doc, `证书编号：${number}`, 760, { size: 11, font: REGULAR, color: '#333333', maxWidth: 300, left: 75 });
  doc.end();
  return done;
}
