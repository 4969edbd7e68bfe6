/**
 * The household letters of the online survey (扫码评价, SPEC §10) and their mail-merge file.
 *
 * Letters: A4 portrait, two households a page (one a half page, a dashed cut line between), each
 * with its project, a QR code of `<base url>/s/<code>`, the code in large type, how to answer and
 * the deadline — real text in the bundled CJK font (searchable, sharp on any printer), the QR code
 * encoded by `qrcode` and drawn as vector squares.
 * codes.csv: UTF-8 with a byte-order mark so that Excel and WPS open the Chinese headers as
 * Chinese; every field quoted, and one starting with = + - @ (or a tab or CR) given a leading `'`
 * so that a spreadsheet never runs it as a formula.
 */
import { PassThrough, type Writable } from 'node:stream';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { DomainError } from '../domain/errors';
import { A4, BOLD, REGULAR, registerCjkFonts } from './pdf-fonts';

export interface LetterCode {
  projectCode: string;
  projectName: string;
  household: string;
  code: string;
  url: string;
}

export interface LettersInput {
  /** e.g. 2025年上半年 */
  periodLabel: string;
  /** yyyy-mm-dd */
  deadline: string;
  /** The address a resident can type instead of scanning: `<base url>/s`. */
  answerUrl: string;
  /** The sender printed under the text (the issuing body), when set. */
  issuer: string | null;
  /** 户号 (from a roster) or 户序号 (households numbered 1…户数). */
  householdLabel: '户号' | '户序号';
  codes: readonly LetterCode[];
}

const PAGE = A4;
const HALF = PAGE.height / 2;


/** 2025-06-30 → 2025年6月30日 */
function chineseDate(iso: string): string {
  return `${Number(iso.slice(0, 4))}年${Number(iso.slice(5, 7))}月${Number(iso.slice(8, 10))}日`;
}

/** The code in two groups of five, easier to read aloud and to type. */
export function groupedCode(code: string): string {
  return `${code.slice(0, 5)} ${code.slice(5)}`;
}

/**
 * The QR code drawn as vector squares (one path, a run of dark modules one rectangle): sharp at
 * any printer resolution, and ten times faster than encoding and embedding a PNG per letter.
 * A quiet zone of two modules is left white around it.
 */
function drawQr(doc: PDFKit.PDFDocument, text: string, x: number, y: number, size: number): void {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const quiet = 2;
  const cell = size / (modules.size + 2 * quiet);
  const n = (v: number): string => v.toFixed(2);
  // The rectangles go straight into the page's content stream, in pdfkit's own coordinates (its
  // page transform is already applied): pdfkit's rect() per run cost 6 ms a letter.
  const ops: string[] = [];
  for (let row = 0; row < modules.size; row += 1) {
    let col = 0;
    while (col < modules.size) {
      if (!modules.get(row, col)) {
        col += 1;
        continue;
      }
      const start = col;
      while (col < modules.size && modules.get(row, col)) col += 1;
      ops.push(`${n(x + (quiet + start) * cell)} ${n(y + (quiet + row) * cell)} ${n((col - start) * cell)} ${n(cell)} re`);
    }
  }
  doc.save().rect(x, y, size, size).fill('#ffffff');
  doc.fillColor('#000000');
  doc.addContent(ops.join('\n'));
  doc.fill().restore();
}

function letter(doc: PDFKit.PDFDocument, input: LettersInput, c: LetterCode, top: number): void {
  const left = 56;
  const width = PAGE.width - 2 * left;
  doc.font(BOLD).fontSize(18).fillColor('#111111').text(`${input.periodLabel}物业服务居民满意度评价`, left, top + 40, { width, align: 'center', lineBreak: false });
  doc.font(REGULAR).fontSize(12).fillColor('#222222');
  doc.text(`小区（项目）：${c.projectName}（${c.projectCode}）`, left, top + 80, { width, lineBreak: false });
  doc.text(`${input.householdLabel}：${c.household}`, left, top + 100, { width, lineBreak: false });

  const qrSize = 150;
  drawQr(doc, c.url, left, top + 130, qrSize);

  const textLeft = left + qrSize + 24;
  const textWidth = width - qrSize - 24;
  doc.font(REGULAR).fontSize(11).fillColor('#444444').text('您家的户码', textLeft, top + 136, { width: textWidth, lineBreak: false });
  doc.font(BOLD).fontSize(30).fillColor('#b22222').text(groupedCode(c.code), textLeft, top + 154, { width: textWidth, lineBreak: false, characterSpacing: 2 });
  doc
    .font(REGULAR)
    .fontSize(11)
    .fillColor('#222222')
    .text(
      `答题方法：用手机扫描左侧二维码；或在手机浏览器打开 ${input.answerUrl}，输入上面的户码。对 5 个方面各选一项满意程度，可留言（不超过 500 字），提交即可。无需注册，不收集姓名和电话。`,
      textLeft,
      top + 200,
      { width: textWidth, lineGap: 2 },
    );
  doc
    .font(BOLD)
    .fontSize(12)
    .fillColor('#111111')
    .text(`请于 ${chineseDate(input.deadline)} 前作答。`, left, top + 300, { width, lineBreak: false });
  doc
    .font(REGULAR)
    .fontSize(10)
    .fillColor('#555555')
    .text('每户一个户码，一户一票；截止前再次提交以最后一次为准。请妥善保管本户码，不要交给物业服务企业或他人代答。', left, top + 322, { width, lineGap: 2 });
  if (input.issuer) doc.font(REGULAR).fontSize(11).fillColor('#222222').text(input.issuer, left, top + 370, { width, align: 'right', lineBreak: false });
}

/**
 * The letters as one PDF, two households a page in the order given, streamed to `out` as pages are
 * finished (a city's letters run to hundreds of thousands of pages; only the font subset is held).
 * Resolves when `out` has taken the last byte.
 */
export async function writeSurveyLetters(input: LettersInput, out: Writable): Promise<void> {
  if (input.codes.length === 0) throw new DomainError('INPUT_INVALID', '没有户码可印：所选项目没有住户。');
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'portrait',
    margin: 0,
    autoFirstPage: false,
    info: { Title: `${input.periodLabel}物业服务居民满意度评价 户码通知`, Creator: 'hongheibang' },
    lang: 'zh-CN',
    displayTitle: true,
  });
  const done = new Promise<void>((resolve, reject) => {
    out.once('finish', resolve);
    out.once('error', reject);
    doc.once('error', reject);
  });
  doc.pipe(out);
  registerCjkFonts(doc);
  for (let i = 0; i < input.codes.length; i += 1) {
    const c = input.codes[i] as LetterCode;
    const upper = i % 2 === 0;
    if (upper) doc.addPage({ size: 'A4', margin: 0 });
    else doc.save().lineWidth(0.6).dash(4, { space: 4 }).strokeColor('#999999').moveTo(24, HALF).lineTo(PAGE.width - 24, HALF).stroke().undash().restore();
    letter(doc, input, c, upper ? 0 : HALF);
    // Let the finished pages flow out before drawing more.
    if (i % 200 === 199) await new Promise((resolve) => setImmediate(resolve));
  }
  doc.end();
  await done;
}

/** The letters as one PDF in memory (for a few households: a test, a reprint). */
export async function renderSurveyLetters(input: LettersInput): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const sink = new PassThrough();
  sink.on('data', (c: Buffer) => chunks.push(c));
  await writeSurveyLetters(input, sink);
  return Buffer.concat(chunks);
}

const FORMULA_START = /^[=+\-@\t\r]/;
const csvField = (value: string): string => {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
};

/** codes.csv for mail-merge: 项目编号, 项目名称, 户序号 (or 户号), 户码, 答题网址; UTF-8 with BOM, CRLF lines. */
export function surveyCodesCsv(codes: readonly LetterCode[], householdLabel: '户号' | '户序号' = '户序号'): Buffer {
  const lines = [['项目编号', '项目名称', householdLabel, '户码', '答题网址'].map(csvField).join(',')];
  for (const c of codes) lines.push([c.projectCode, c.projectName, c.household, c.code, c.url].map(csvField).join(','));
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
}
