/**
 * Opening an import file: its format from the name's extension and the first bytes (an old .xls, an
 * .ods or another type is refused with the way out), then its tables as rows of cell texts — a CSV's
 * one table in the charset it was saved in, or an XLSX workbook's worksheets in tab order.
 */
import { promises as fsp, createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { Readable, pipeline } from 'node:stream';
import { parse as parseCsv, CsvError } from 'csv-parse';
import { DomainError } from '../domain/errors';
import { type Charset, ENCODING_PROBLEM, EncodingError, decodeText } from './decode';
import { type RawRow, XLSX_MAX_ROWS, XLSX_TOO_MANY_ROWS, openXlsxWorkbook } from './xlsx-reader';
import { type ByteSource, ZipError, bufferSource, fileSource } from './zip';

export type ImportFormat = 'csv' | 'xlsx';

/** An upload: the file name decides nothing alone; the first bytes are checked too. */
export type ImportSource = { name: string; buffer: Buffer } | { name: string; stream: Readable };

export const XLSX_PROBLEM = 'XLSX 文件损坏或无法读取';
export const XLS_PROBLEM = '这是旧版 Excel 97-2003 工作簿（.xls），无法导入：请在 Excel 或 WPS 中「另存为」Excel 工作簿（.xlsx）或 CSV（逗号分隔）后再导入';
export const ODS_PROBLEM = '这是 OpenDocument 电子表格（.ods），无法导入：请在 LibreOffice 或 WPS 中「另存为」Excel 工作簿（.xlsx）或 CSV 后再导入';
export const FILE_TYPE_PROBLEM = '不支持的文件类型：请使用 .csv 或 .xlsx 文件';

/** One table of a file: a CSV's only one (no name), or an XLSX worksheet. */
export interface OpenedSheet {
  name: string | null;
  /** Rows in chunks: one await per chunk rather than per row (10 million survey rows). */
  rows: AsyncGenerator<RawRow[]>;
}

/** An opened file, read table by table. */
export interface Opened {
  format: ImportFormat;
  /** The tables in order: the first one with a header row is read. */
  sheets: () => AsyncGenerator<OpenedSheet>;
  charset: () => Charset | null;
  close: () => Promise<void>;
}

/** A file that cannot be read at all, and why (in Chinese). */
export type Refused = { problem: string };

// ---------------------------------------------------------------------------------------------
// CSV

const CSV_MAX_RECORD_CHARS = 1_000_000;

type Bytes = AsyncIterable<Buffer> | Iterable<Buffer>;

function csvRows(bytes: Bytes): { rows: AsyncGenerator<RawRow[]>; charset: () => Charset | null } {
  let charset: Charset | null = null;
  async function* rows(): AsyncGenerator<RawRow[]> {
    const text = Readable.from(decodeText(bytes, (c) => (charset = c)), { objectMode: false });
    const parser = parseCsv({
      bom: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      max_record_size: CSV_MAX_RECORD_CHARS,
    });
    let failure: Error | null = null;
    let ended = false;
    let wake: (() => void) | null = null;
    const signal = (): void => {
      const w = wake;
      wake = null;
      w?.();
    };
    pipeline(text, parser, (error) => {
      if (error) failure = error;
      ended = true;
      signal();
    });
    parser.on('readable', signal);
    let row = 0;
    try {
      for (;;) {
        const chunk: RawRow[] = [];
        let record: string[] | null;
        while (chunk.length < 4096 && (record = parser.read() as string[] | null) !== null) {
          row += 1;
          chunk.push({ row, cells: record });
        }
        if (chunk.length > 0) {
          yield chunk;
          continue;
        }
        if (failure) throw failure;
        if (ended) return;
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    } finally {
      // A reader that stops early (a bad header) must not leave the file being read.
      if (!ended) parser.destroy();
    }
  }
  return { rows: rows(), charset: () => charset };
}

function csvOpened(bytes: Bytes): Opened {
  const { rows, charset } = csvRows(bytes);
  async function* sheets(): AsyncGenerator<OpenedSheet> {
    yield { name: null, rows };
  }
  return { format: 'csv', sheets, charset, close: () => Promise.resolve() };
}

function csvErrorRow(error: CsvError): number | null {
  const records = (error as unknown as { records?: number }).records;
  return typeof records === 'number' ? records + 1 : null;
}

function csvErrorMessage(error: CsvError): string {
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'CSV 格式错误：引号没有闭合';
    case 'CSV_MAX_RECORD_SIZE':
      return `CSV 格式错误：一行超过 ${CSV_MAX_RECORD_CHARS} 个字符（可能缺少结束引号）`;
    default:
      return `CSV 格式错误（${error.code}）`;
  }
}

// ---------------------------------------------------------------------------------------------
// XLSX

async function* xlsxSheets(source: ByteSource): AsyncGenerator<OpenedSheet> {
  const workbook = await openXlsxWorkbook(source);
  for (const sheet of workbook.sheets) yield { name: sheet.name, rows: workbook.rowBatches(sheet) };
}

function xlsxOpened(source: ByteSource, cleanup: () => Promise<void> = () => Promise.resolve()): Opened {
  return {
    format: 'xlsx',
    sheets: () => xlsxSheets(source),
    charset: () => null,
    close: async () => {
      await source.close();
      await cleanup();
    },
  };
}

/**
 * A failure while reading the rows (a broken workbook, an unknown charset, a broken CSV) as the
 * problem to report: its row when known and a Chinese message. Null for any other error.
 */
export function readFailure(error: unknown): { row: number | null; message: string } | null {
  if (error instanceof ZipError && error.message === XLSX_TOO_MANY_ROWS) {
    return { row: null, message: `XLSX 文件超过 Excel 的 ${XLSX_MAX_ROWS.toLocaleString('en-US')} 行上限，其余行未读取` };
  }
  if (error instanceof ZipError) return { row: null, message: XLSX_PROBLEM };
  if (error instanceof EncodingError) return { row: null, message: ENCODING_PROBLEM };
  if (error instanceof CsvError) return { row: csvErrorRow(error), message: csvErrorMessage(error) };
  return null;
}

// ---------------------------------------------------------------------------------------------
// format and opening

const XLSX_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0]);
/** An OpenDocument package stores its media type first, uncompressed, right after the first local header. */
const ODS_MIMETYPE = 'mimetypeapplication/vnd.oasis.opendocument.spreadsheet';
/** Bytes of a file looked at to decide its format. */
const HEAD_BYTES = 30 + ODS_MIMETYPE.length;

/** Decides the format from the name's extension and the first bytes; a problem message when neither fits. */
function chooseFormat(name: string, head: Buffer): ImportFormat | Refused {
  const ext = extname(name).toLowerCase();
  if (head.subarray(0, 4).equals(OLE_MAGIC)) return { problem: XLS_PROBLEM };
  if (head.subarray(0, 4).equals(XLSX_MAGIC)) {
    if (head.subarray(30, 30 + ODS_MIMETYPE.length).toString('latin1') === ODS_MIMETYPE || ext === '.ods') return { problem: ODS_PROBLEM };
    if (ext === '.xls') return { problem: '文件扩展名是 .xls，内容却是 .xlsx 工作簿：请把扩展名改为 .xlsx 后再导入' };
    return ext === '.xlsx' || ext === '.csv' || ext === '' ? 'xlsx' : { problem: FILE_TYPE_PROBLEM };
  }
  if (ext === '.xlsx') return { problem: XLSX_PROBLEM };
  if (ext === '.xls' || ext === '.et') return { problem: XLS_PROBLEM };
  if (ext === '.ods' || ext === '.fods') return { problem: ODS_PROBLEM };
  if (ext === '.csv' || ext === '.txt' || ext === '') return 'csv';
  return { problem: FILE_TYPE_PROBLEM };
}

/** Opens a file on disk (the CLI); DomainError('NOT_FOUND') when there is none. */
export async function openPath(filePath: string): Promise<Opened | Refused> {
  const handle = await fsp.open(filePath, 'r').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new DomainError('NOT_FOUND', `文件不存在：${filePath}`);
    throw error;
  });
  const head = Buffer.alloc(HEAD_BYTES);
  const length = await handle
    .read(head, 0, HEAD_BYTES, 0)
    .then((r) => r.bytesRead)
    .finally(() => handle.close());
  const format = chooseFormat(filePath, head.subarray(0, length));
  if (typeof format !== 'string') return format;
  if (format === 'xlsx') return xlsxOpened(await fileSource(filePath));
  return csvOpened(createReadStream(filePath, { highWaterMark: 64 * 1024 }));
}

/** Reads a stream's first bytes (at least `count`, unless it ends), and the stream of everything. */
async function peek(stream: Readable, count: number): Promise<{ head: Buffer; all: AsyncGenerator<Buffer> }> {
  const iterator = (stream as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]();
  const first: Buffer[] = [];
  let length = 0;
  let done = false;
  while (length < count) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    first.push(chunk);
    length += chunk.length;
  }
  async function* all(): AsyncGenerator<Buffer> {
    yield* first;
    if (done) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    }
  }
  return { head: Buffer.concat(first), all: all() };
}

/** Opens an upload, in memory or streamed (an XLSX stream is spooled to a private temporary file). */
export async function openSource(source: ImportSource): Promise<Opened | Refused> {
  if ('buffer' in source) {
    const format = chooseFormat(source.name, source.buffer.subarray(0, HEAD_BYTES));
    if (typeof format !== 'string') return format;
    if (format === 'xlsx') return xlsxOpened(bufferSource(source.buffer));
    const buffer = source.buffer;
    return csvOpened(
      (function* chunks() {
        for (let i = 0; i < buffer.length; i += 64 * 1024) yield buffer.subarray(i, i + 64 * 1024);
      })(),
    );
  }
  const { head, all } = await peek(source.stream, HEAD_BYTES);
  const format = chooseFormat(source.name, head);
  if (typeof format !== 'string') {
    source.stream.destroy();
    return format;
  }
  if (format === 'csv') return csvOpened(all);
  // a ZIP's directory is at its end: spool the upload to a private temporary file
  const dir = await fsp.mkdtemp(join(tmpdir(), 'hhb-import-'));
  const path = join(dir, 'upload.xlsx');
  const out = await fsp.open(path, 'w');
  try {
    for await (const chunk of all) await out.write(chunk);
  } finally {
    await out.close();
  }
  return xlsxOpened(await fileSource(path), () => fsp.rm(dir, { recursive: true, force: true }));
}
