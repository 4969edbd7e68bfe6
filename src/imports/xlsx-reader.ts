/**
 * Streams the rows of an XLSX workbook's sheets as text cells, as a person reads them: a number at
 * Excel's 15 significant digits, a date as yyyy-mm-dd, a percent-formatted number as its shown "85%".
 *
 * Why not exceljs's streaming WorkbookReader: it decodes each inflated chunk on its own and turns a
 * Chinese character split across two chunks into U+FFFD (exceljs issues 2063, 2084), and its
 * streaming unzipper trusts local headers (hangs or crashes on truncated files). Here the central
 * directory is read first (zip.ts), each part is inflated with a cap, decoded with one StringDecoder
 * per part (a character split across chunks is joined), and parsed with saxes.
 */
import { StringDecoder } from 'node:string_decoder';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { type ByteSource, type ZipEntry, ZipError, entryBytes, readCentralDirectory } from './zip';

export interface RawRow {
  /** Row number as the spreadsheet shows it (1 = first row). */
  row: number;
  /** Cell texts by column (0 = A); missing cells are ''. Dates are ISO yyyy-mm-dd. */
  cells: string[];
}

/** A worksheet as the workbook lists it (hidden sheets left out). */
export interface XlsxSheet {
  /** The name on the sheet's tab. */
  name: string;
  /** Its part in the package, e.g. xl/worksheets/sheet2.xml. */
  path: string;
}

export interface XlsxWorkbook {
  /** Visible worksheets in tab order. */
  sheets: XlsxSheet[];
  rows(sheet: XlsxSheet): AsyncGenerator<RawRow>;
  /** The same rows in the batches the sheet's XML completes them in (one await a batch, not a row). */
  rowBatches(sheet: XlsxSheet): AsyncGenerator<RawRow[]>;
}

/** Limits: an XLSX sheet has at most 1,048,576 rows and 16,384 columns (Excel's own limits). */
export const XLSX_MAX_ROWS = 1_048_576;
/** The ZipError message of a sheet with more rows than Excel allows (a zip bomb of rows, most likely). */
export const XLSX_TOO_MANY_ROWS = 'more rows than Excel allows';
const XLSX_MAX_COLUMNS = 16_384;
/** Inflated size caps per part: a real sheet of a million survey rows is about 150 MB of XML. */
const MAX_SHEET_BYTES = 2 * 1024 ** 3;
const MAX_SHARED_STRINGS_BYTES = 512 * 1024 ** 2;
const MAX_SMALL_PART_BYTES = 32 * 1024 ** 2;
/** The longest run of characters without a '<' that we let saxes buffer (a cell is capped far below). */
const MAX_TEXT_RUN = 4 * 1024 ** 2;

/** Cells longer than this are kept truncated to this + 1 characters, for the caller to reject. */
export const MAX_CELL_CHARS = 10_000;

/** Decodes a part's bytes as UTF-8 across chunk boundaries, parsing it with saxes; yields after each chunk. */
async function* parseXml(
  source: ByteSource,
  entry: ZipEntry,
  maxBytes: number,
  handlers: {
    open?: (tag: SaxesTagPlain) => void;
    close?: (tag: SaxesTagPlain) => void;
    text?: (text: string) => void;
  },
): AsyncGenerator<void> {
  const parser = new SaxesParser({ position: false, xmlns: false });
  let failure: Error | null = null;
  parser.on('error', (error) => {
    failure ??= error;
  });
  if (handlers.open) parser.on('opentag', handlers.open);
  if (handlers.close) parser.on('closetag', handlers.close);
  if (handlers.text) {
    parser.on('text', handlers.text);
    parser.on('cdata', handlers.text);
  }
  const decoder = new StringDecoder('utf8');
  let run = 0;
  const feed = (text: string): void => {
    const last = text.lastIndexOf('<');
    run = last < 0 ? run + text.length : text.length - last - 1;
    if (run > MAX_TEXT_RUN) throw new ZipError('text run over limit');
    parser.write(text);
    if (failure) throw new ZipError(`xml: ${failure.message}`);
  };
  for await (const chunk of entryBytes(source, entry, maxBytes)) {
    feed(decoder.write(chunk));
    yield;
  }
  feed(decoder.end());
  parser.close();
  if (failure) throw new ZipError(`xml: ${(failure as Error).message}`);
}

async function drain(parts: AsyncGenerator<void>): Promise<void> {
  for await (const _ of parts);
}

function attr(tag: SaxesTagPlain, name: string): string | undefined {
  return tag.attributes[name];
}

/** Part names are stored without a leading '/', relative targets are relative to xl/. */
function resolveTarget(target: string): string {
  if (target.startsWith('/')) return target.slice(1);
  const parts = `xl/${target}`.split('/');
  const out: string[] = [];
  for (const part of parts) {
    if (part === '..') out.pop();
    else if (part !== '.' && part !== '') out.push(part);
  }
  return out.join('/');
}

/** Built-in number formats that show dates (14–22, 45–47, and the CJK locales' 27–36, 50–58). */
const BUILTIN_DATE_FORMATS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 45, 46, 47, 50, 51, 52, 53, 54, 55, 56, 57, 58]);

function isDateFormatCode(code: string): boolean {
  const stripped = code
    .replace(/"[^"]*"/g, '')
    .replace(/\\./g, '')
    .replace(/\[[^\]]*\]/g, '');
  if (/^general$/i.test(stripped.trim())) return false;
  return /[ymdhs]/i.test(stripped);
}

/** Built-in number formats that show a percentage: 0% and 0.00%. */
const BUILTIN_PERCENT_FORMATS = new Set([9, 10]);

/** A format code shows a percentage when it has a % outside quotes, escapes and [brackets]. */
export function isPercentFormatCode(code: string): boolean {
  const stripped = code
    .replace(/"[^"]*"/g, '')
    .replace(/\\./g, '')
    .replace(/\[[^\]]*\]/g, '');
  return stripped.includes('%');
}

const DAY_MS = 86_400_000;

/** Excel serial day → yyyy-mm-dd (time of day dropped). The 1900 system counts a false 1900-02-29. */
export function excelSerialToIso(serial: number, date1904: boolean): string | null {
  if (!Number.isFinite(serial) || serial < 1 || serial > 2_958_465) return null;
  const day = Math.floor(serial);
  const epoch = date1904 ? Date.UTC(1904, 0, 1) : day < 61 ? Date.UTC(1899, 11, 31) : Date.UTC(1899, 11, 30);
  return new Date(epoch + day * DAY_MS).toISOString().slice(0, 10);
}

/**
 * A number cell's value at Excel's precision of 15 significant digits, as the shortest decimal:
 * 89.99999999999999 (what a formula gives) is 90, 70.00000000000001 is 70, 0.1*900 is 90.
 */
export function numberText(raw: string): string {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value)) return raw;
  return String(Number(value.toPrecision(15)));
}

/** A percent-formatted number cell as it is shown: 0.85 → "85%". */
export function percentText(raw: string): string {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value)) return raw;
  return `${String(Number((value * 100).toPrecision(15)))}%`;
}

/** "BC12" → 54 (0-based column), or -1. */
function columnIndex(ref: string): number {
  let n = 0;
  let i = 0;
  for (; i < ref.length; i += 1) {
    const c = ref.charCodeAt(i);
    if (c >= 65 && c <= 90) n = n * 26 + (c - 64);
    else if (c >= 97 && c <= 122) n = n * 26 + (c - 96);
    else break;
  }
  return i === 0 ? -1 : n - 1;
}

function appendCapped(current: string, text: string): string {
  return current.length > MAX_CELL_CHARS ? current : (current + text).slice(0, MAX_CELL_CHARS + 1);
}

/**
 * Opens a workbook: its visible sheets, and a reader of any of them. The shared strings and the
 * styles are read once. Throws ZipError for anything unreadable: not a ZIP, truncated, a bomb, bad XML.
 */
export async function openXlsxWorkbook(source: ByteSource): Promise<XlsxWorkbook> {
  const entries = await readCentralDirectory(source);
  const part = (name: string): ZipEntry | undefined => entries.get(name);

  // workbook.xml: the sheets in tab order, and the 1904 date system flag
  const workbookEntry = part('xl/workbook.xml');
  if (!workbookEntry) throw new ZipError('xl/workbook.xml missing');
  const listed: { name: string; rid: string; hidden: boolean }[] = [];
  let date1904 = false;
  await drain(
    parseXml(source, workbookEntry, MAX_SMALL_PART_BYTES, {
      open(tag) {
        if (tag.name === 'workbookPr') date1904 = ['1', 'true'].includes(attr(tag, 'date1904') ?? '');
        const rid = attr(tag, 'r:id');
        if (tag.name === 'sheet' && rid !== undefined) {
          const state = attr(tag, 'state') ?? 'visible';
          listed.push({ name: attr(tag, 'name') ?? `Sheet${listed.length + 1}`, rid, hidden: state !== 'visible' });
        }
      },
    }),
  );
  if (listed.length === 0) throw new ZipError('workbook has no sheet');

  const targets = new Map<string, string>();
  const relsEntry = part('xl/_rels/workbook.xml.rels');
  if (relsEntry) {
    await drain(
      parseXml(source, relsEntry, MAX_SMALL_PART_BYTES, {
        open(tag) {
          const id = attr(tag, 'Id');
          const target = attr(tag, 'Target');
          if (tag.name === 'Relationship' && id !== undefined && target) targets.set(id, resolveTarget(target));
        },
      }),
    );
  }
  const sheets: XlsxSheet[] = [];
  listed.forEach((s, i) => {
    if (s.hidden) return;
    sheets.push({ name: s.name, path: targets.get(s.rid) ?? `xl/worksheets/sheet${i + 1}.xml` });
  });
  if (sheets.length === 0) throw new ZipError('workbook has no visible sheet');

  // styles.xml: which cell formats (the `s` index of a cell) show dates, and which percentages
  const dateStyles = new Set<number>();
  const percentStyles = new Set<number>();
  const stylesEntry = part('xl/styles.xml');
  if (stylesEntry) {
    const customDates = new Set<number>();
    const customPercents = new Set<number>();
    let inCellXfs = false;
    let xfIndex = 0;
    await drain(
      parseXml(source, stylesEntry, MAX_SMALL_PART_BYTES, {
        open(tag) {
          if (tag.name === 'numFmt') {
            const code = attr(tag, 'formatCode') ?? '';
            if (isPercentFormatCode(code)) customPercents.add(Number(attr(tag, 'numFmtId')));
            else if (isDateFormatCode(code)) customDates.add(Number(attr(tag, 'numFmtId')));
          } else if (tag.name === 'cellXfs') inCellXfs = true;
          else if (tag.name === 'xf' && inCellXfs) {
            const id = Number(attr(tag, 'numFmtId') ?? '0');
            if (BUILTIN_PERCENT_FORMATS.has(id) || customPercents.has(id)) percentStyles.add(xfIndex);
            else if (BUILTIN_DATE_FORMATS.has(id) || customDates.has(id)) dateStyles.add(xfIndex);
            xfIndex += 1;
          }
        },
        close(tag) {
          if (tag.name === 'cellXfs') inCellXfs = false;
        },
      }),
    );
  }

  // sharedStrings.xml: the text of each `si`, rich text runs joined; phonetic runs (rPh) left out
  const shared: string[] = [];
  const sharedEntry = part('xl/sharedStrings.xml');
  if (sharedEntry) {
    let text = '';
    let inT = false;
    let inRph = false;
    await drain(
      parseXml(source, sharedEntry, MAX_SHARED_STRINGS_BYTES, {
        open(tag) {
          if (tag.name === 'si') text = '';
          else if (tag.name === 'rPh') inRph = true;
          else if (tag.name === 't' && !inRph) inT = true;
        },
        close(tag) {
          if (tag.name === 'si') shared.push(text);
          else if (tag.name === 'rPh') inRph = false;
          else if (tag.name === 't') inT = false;
        },
        text(value) {
          if (inT) text = appendCapped(text, value);
        },
      }),
    );
  }

  const batches = (sheet: XlsxSheet): AsyncGenerator<RawRow[]> => {
    const entry = part(sheet.path);
    if (!entry) throw new ZipError(`worksheet ${sheet.path} missing`);
    return sheetRowBatches(source, entry, { shared, dateStyles, percentStyles, date1904 });
  };
  return {
    sheets,
    rows: (sheet) => eachRow(batches(sheet)),
    rowBatches: (sheet) => batches(sheet),
  };
}

async function* eachRow(batches: AsyncGenerator<RawRow[]>): AsyncGenerator<RawRow> {
  for await (const batch of batches) yield* batch;
}

/** Yields the rows of the workbook's first visible worksheet (see openXlsxWorkbook). */
export async function* readXlsxRows(source: ByteSource): AsyncGenerator<RawRow> {
  const workbook = await openXlsxWorkbook(source);
  yield* workbook.rows(workbook.sheets[0] as XlsxSheet);
}

interface SheetStyles {
  shared: readonly string[];
  dateStyles: ReadonlySet<number>;
  percentStyles: ReadonlySet<number>;
  date1904: boolean;
}

/**
 * Yields the rows of one worksheet. Empty rows are yielded too when the file lists them (the caller
 * skips them).
 */
async function* sheetRowBatches(source: ByteSource, sheetEntry: ZipEntry, { shared, dateStyles, percentStyles, date1904 }: SheetStyles): AsyncGenerator<RawRow[]> {
  // the sheet itself
  let ready: RawRow[] = [];
  let rowNumber = 0;
  let cells: string[] = [];
  let column = -1;
  let cellType = 'n';
  let cellStyle = 0;
  let value = '';
  let capture: 'v' | 't' | null = null;
  let inInline = false;
  let inRph = false;
  let failure: ZipError | null = null;
  const fail = (message: string): void => {
    failure ??= new ZipError(message);
  };

  const cellText = (): string => {
    switch (cellType) {
      case 's': {
        const index = Number(value);
        const text = Number.isInteger(index) ? shared[index] : undefined;
        if (text === undefined) fail(`shared string ${value} missing`);
        return text ?? '';
      }
      case 'inlineStr':
      case 'str':
      case 'e':
        return value;
      case 'b':
        return value.trim() === '1' ? 'TRUE' : 'FALSE';
      case 'd':
        return value.slice(0, 10);
      default: {
        if (value.trim() === '') return '';
        if (percentStyles.has(cellStyle)) return percentText(value);
        if (dateStyles.has(cellStyle)) return excelSerialToIso(Number(value), date1904) ?? numberText(value);
        return numberText(value);
      }
    }
  };

  const sheet = parseXml(source, sheetEntry, MAX_SHEET_BYTES, {
    open(tag) {
      switch (tag.name) {
        case 'row': {
          const r = Number(attr(tag, 'r') ?? rowNumber + 1);
          if (Number.isInteger(r) && r > XLSX_MAX_ROWS) fail(XLSX_TOO_MANY_ROWS);
          else if (!Number.isInteger(r) || r <= rowNumber) fail(`bad row number ${String(attr(tag, 'r'))}`);
          rowNumber = r;
          cells = [];
          column = -1;
          break;
        }
        case 'c': {
          const ref = attr(tag, 'r');
          const c = ref === undefined ? column + 1 : columnIndex(ref);
          if (c < 0 || c >= XLSX_MAX_COLUMNS) fail(`bad cell reference ${String(ref)}`);
          column = c;
          cellType = attr(tag, 't') ?? 'n';
          cellStyle = Number(attr(tag, 's') ?? '0');
          value = '';
          break;
        }
        case 'v':
          capture = 'v';
          break;
        case 'is':
          inInline = true;
          break;
        case 'rPh':
          inRph = true;
          break;
        case 't':
          if (inInline && !inRph) capture = 't';
          break;
      }
    },
    close(tag) {
      switch (tag.name) {
        case 'v':
        case 't':
          capture = null;
          break;
        case 'is':
          inInline = false;
          break;
        case 'rPh':
          inRph = false;
          break;
        case 'c': {
          const text = cellText();
          if (text !== '' && column >= 0 && column < XLSX_MAX_COLUMNS) {
            while (cells.length < column) cells.push('');
            cells[column] = text;
          }
          break;
        }
        case 'row':
          ready.push({ row: rowNumber, cells });
          break;
      }
    },
    text(t) {
      if (capture !== null) value = appendCapped(value, t);
    },
  });
  for await (const _ of sheet) {
    if (failure) throw failure;
    if (ready.length === 0) continue;
    const batch = ready;
    ready = [];
    yield batch;
  }
  if (failure) throw failure;
  if (ready.length > 0) yield ready;
}
