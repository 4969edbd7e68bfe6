/**
 * Input file → validated, typed rows, or every problem in it (row as the spreadsheet shows it,
 * column header as written, a Chinese reason). Nothing here writes to the database: the caller
 * writes the rows (in one transaction, all or nothing, SPEC §7).
 */
import { promises as fsp, createReadStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { Readable, pipeline } from 'node:stream';
import { parse as parseCsv, CsvError } from 'csv-parse';
import { columnLetter } from '../domain/column-letter';
import { DomainError, type FieldProblem } from '../domain/errors';
import { type Charset, ENCODING_PROBLEM, EncodingError, decodeText } from './decode';
import { ExactKeyIndex, HashedKeyIndex, type KeyIndex } from './key-index';
import { type ImportKind, KINDS, type KindSpec, type RoundPeriod, type RowOf } from './kinds';
import { MAX_CELL_CHARS, type RawRow, XLSX_MAX_ROWS, XLSX_TOO_MANY_ROWS, openXlsxWorkbook } from './xlsx-reader';
import { type ByteSource, ZipError, bufferSource, fileSource } from './zip';

/** What the caller knows from the database, for checks a file cannot make on its own. */
export interface ImportContext {
  /** Known projects: code → its street, its firm's USCC and (in a round) its households. */
  projects?: ReadonlyMap<string, { street: string; firmUscc: string; households?: number }>;
  /** Known firms' USCCs. */
  firms?: ReadonlySet<string>;
  /** A street account's own street: projects of other streets are refused. */
  streetScope?: string;
  /** The round's period: an event's date must fall inside it. */
  period?: RoundPeriod;
}

export type ImportFormat = 'csv' | 'xlsx';

export interface ImportResult<Row> {
  rows: Row[];
  format: ImportFormat;
  /** The CSV's charset as detected; null for XLSX or a pure-ASCII CSV. */
  charset: Charset | null;
}

/** An upload: the file name decides nothing alone; the first bytes are checked too. */
export type ImportSource = { name: string; buffer: Buffer } | { name: string; stream: Readable };

export const XLSX_PROBLEM = 'XLSX 文件损坏或无法读取';
/** The DomainError lists this many problems, then one line "…另有 N 处错误". */
export const MAX_LISTED_PROBLEMS = 1000;

class Problems {
  readonly list: FieldProblem[] = [];
  total = 0;
  /** The worksheet being read (XLSX): named in every problem and in the summary message. */
  sheet: string | null = null;
  add(row: number | null, column: string | null, message: string, letter?: string): void {
    this.total += 1;
    if (this.list.length < MAX_LISTED_PROBLEMS) {
      const problem: FieldProblem = { row, column, message };
      if (this.sheet !== null) problem.sheet = this.sheet;
      if (letter !== undefined) problem.letter = letter;
      this.list.push(problem);
    }
  }
  throwIfAny(): void {
    if (this.total === 0) return;
    const details = [...this.list];
    if (this.total > this.list.length) details.push({ row: null, column: null, message: `…另有 ${this.total - this.list.length} 处错误` });
    const where = this.sheet === null ? '文件' : `文件（工作表「${this.sheet}」）`;
    throw new DomainError('IMPORT_INVALID', `${where}有 ${this.total} 处错误`, details);
  }
}

// ---------------------------------------------------------------------------------------------
// sources

/** One table of a file: a CSV's only one (no name), or an XLSX worksheet. */
interface OpenedSheet {
  name: string | null;
  /** Rows in chunks: one await per chunk rather than per row (10 million survey rows). */
  rows: AsyncGenerator<RawRow[]>;
}

interface Opened {
  format: ImportFormat;
  /** The tables in order: the first one with a header row is read. */
  sheets: () => AsyncGenerator<OpenedSheet>;
  charset: () => Charset | null;
  close: () => Promise<void>;
}

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

const XLSX_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const OLE_MAGIC = Buffer.from([0xd0, 0xcf, 0x11, 0xe0]);
/** An OpenDocument package stores its media type first, uncompressed, right after the first local header. */
const ODS_MIMETYPE = 'mimetypeapplication/vnd.oasis.opendocument.spreadsheet';
/** Bytes of a file looked at to decide its format. */
const HEAD_BYTES = 30 + ODS_MIMETYPE.length;

export const XLS_PROBLEM = '这是旧版 Excel 97-2003 工作簿（.xls），无法导入：请在 Excel 或 WPS 中「另存为」Excel 工作簿（.xlsx）或 CSV（逗号分隔）后再导入';
export const ODS_PROBLEM = '这是 OpenDocument 电子表格（.ods），无法导入：请在 LibreOffice 或 WPS 中「另存为」Excel 工作簿（.xlsx）或 CSV 后再导入';
export const FILE_TYPE_PROBLEM = '不支持的文件类型：请使用 .csv 或 .xlsx 文件';

/** Decides the format from the name's extension and the first bytes; a problem message when neither fits. */
function chooseFormat(name: string, head: Buffer): ImportFormat | { problem: string } {
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

async function* inChunks(rows: AsyncGenerator<RawRow>): AsyncGenerator<RawRow[]> {
  for await (const row of rows) yield [row];
}

async function* xlsxSheets(source: ByteSource): AsyncGenerator<OpenedSheet> {
  const workbook = await openXlsxWorkbook(source);
  for (const sheet of workbook.sheets) yield { name: sheet.name, rows: inChunks(workbook.rows(sheet)) };
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

function csvOpened(bytes: Bytes): Opened {
  const { rows, charset } = csvRows(bytes);
  async function* sheets(): AsyncGenerator<OpenedSheet> {
    yield { name: null, rows };
  }
  return { format: 'csv', sheets, charset, close: () => Promise.resolve() };
}

async function openPath(filePath: string): Promise<Opened | { problem: string }> {
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

async function openSource(source: ImportSource): Promise<Opened | { problem: string }> {
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

// ---------------------------------------------------------------------------------------------
// validation

/** "A", "B", … "AA" for a 0-based column index. */
const letterOf = (index: number): string => columnLetter(index + 1);

const isUsccField = (key: string): boolean => key === 'uscc' || key === 'firmUscc';
const normalizeKeyPart = (key: string, text: string): string =>
  isUsccField(key) ? text.normalize('NFKC').trim().toUpperCase() : text.trim();

function isEmptyRow(cells: readonly string[]): boolean {
  for (const c of cells) if (c.trim() !== '') return false;
  return true;
}

/** True when every non-empty cell of the row is in a pre-filled column. */
function onlyPrefilled(cells: readonly string[], map: HeaderMap, prefill: ReadonlySet<string>): boolean {
  const prefilled = new Set<number>();
  for (const key of prefill) {
    const i = map.index.get(key);
    if (i !== undefined) prefilled.add(i);
  }
  return cells.every((c, i) => prefilled.has(i) || c.trim() === '');
}

interface HeaderMap {
  /** Field key → cell index. */
  index: Map<string, number>;
  /** Field key → header as written in the file. */
  written: Map<string, string>;
  /** Cell indexes with a header, used or not (an unknown or repeated column is reported once, at the header). */
  named: Set<number>;
}

/** The header cell's text (a BOM and spaces dropped), and the column of the kind it names, if any. */
function headerCell(spec: KindSpec, cell: string): { text: string; column: KindSpec['columns'][number] | undefined } {
  const text = cell.replace(/^\uFEFF/, '').trim();
  if (text === '') return { text, column: undefined };
  const lower = text.toLowerCase();
  return { text, column: spec.columns.find((c) => c.zh === text || c.en === lower) };
}

function mapHeader(spec: KindSpec, header: RawRow, problems: Problems): HeaderMap | null {
  const map: HeaderMap = { index: new Map(), written: new Map(), named: new Set() };
  header.cells.forEach((raw, i) => {
    const { text, column } = headerCell(spec, raw);
    if (text === '') return;
    map.named.add(i);
    if (!column) {
      problems.add(header.row, text, `未知的列：${text}`, letterOf(i));
    } else if (map.index.has(column.key)) {
      problems.add(header.row, text, `列重复：${text}`, letterOf(i));
    } else {
      map.index.set(column.key, i);
      map.written.set(column.key, text);
    }
  });
  let complete = true;
  for (const c of spec.columns) {
    if (c.required && !map.index.has(c.key)) {
      problems.add(header.row, null, `缺少必填列：${c.zh}/${c.en}`);
      complete = false;
    }
  }
  if (spec.oneOf && !spec.oneOf.some((k) => map.index.has(k))) {
    const names = spec.oneOf.map((k) => spec.columns.find((c) => c.key === k) as (typeof spec.columns)[number]);
    problems.add(header.row, null, `缺少必填列：${names.map((c) => `${c.zh}/${c.en}`).join(' 或 ')}`);
    complete = false;
  }
  return complete ? map : null;
}

const columnOf = (map: HeaderMap, key: string): string => map.written.get(key) ?? key;

/** The header is looked for among this many first rows of a sheet (title rows above it are skipped). */
export const HEADER_SEARCH_ROWS = 10;

/** True when the row names every required column (and one of `oneOf`): it is the header row. */
function hasRequiredColumns(spec: KindSpec, raw: RawRow): boolean {
  const present = new Set<string>();
  for (const cell of raw.cells) {
    const { column } = headerCell(spec, cell);
    if (column) present.add(column.key);
  }
  if (spec.columns.some((c) => c.required && !present.has(c.key))) return false;
  return !spec.oneOf || spec.oneOf.some((k) => present.has(k));
}

/** True when some cell of the row is a column name of the kind (a header with mistakes, not a title). */
function namesAnyColumn(spec: KindSpec, raw: RawRow): boolean {
  return raw.cells.some((cell) => headerCell(spec, cell).column !== undefined);
}

interface FoundHeader {
  sheet: string | null;
  header: RawRow;
  /** Rows of the header's chunk after it, then the rest of the sheet. */
  after: RawRow[];
  rest: AsyncIterator<RawRow[]>;
}

/**
 * The first sheet (in tab order) with a header row among its first HEADER_SEARCH_ROWS rows, and
 * that row. A sheet of instructions (填表说明) before the data sheet, and title rows or a merged
 * title above the header, are skipped. Null when no sheet has one; the problems then say why.
 */
async function findHeader(spec: KindSpec, opened: Opened, problems: Problems): Promise<FoundHeader | null> {
  let first: { sheet: string | null; row: RawRow } | null = null;
  /** The first row that names some of the columns: a header with a mistake in it. */
  let attempt: { sheet: string | null; row: RawRow } | null = null;
  let sheetCount = 0;
  for await (const sheet of opened.sheets()) {
    sheetCount += 1;
    const rows = sheet.rows[Symbol.asyncIterator]();
    let firstRow: RawRow | null = null;
    searching: for (;;) {
      const next = await rows.next();
      if (next.done === true) break;
      const chunk = next.value;
      for (let i = 0; i < chunk.length; i += 1) {
        const raw = chunk[i] as RawRow;
        if (raw.row > HEADER_SEARCH_ROWS) break searching;
        if (isEmptyRow(raw.cells)) continue;
        firstRow ??= raw;
        if (attempt === null && namesAnyColumn(spec, raw)) attempt = { sheet: sheet.name, row: raw };
        if (hasRequiredColumns(spec, raw)) return { sheet: sheet.name, header: raw, after: chunk.slice(i + 1), rest: rows };
      }
    }
    await rows.return?.(undefined);
    if (first === null && firstRow !== null) first = { sheet: sheet.name, row: firstRow };
  }
  if (first === null) {
    problems.add(null, null, sheetCount > 1 ? '文件是空的：所有工作表都没有列名行' : '文件是空的：没有列名行');
    return null;
  }
  if (attempt !== null) {
    // a header with a missing or misspelt column: say which
    problems.sheet = attempt.sheet;
    mapHeader(spec, attempt.row, problems);
  } else {
    problems.sheet = first.sheet;
    const required = spec.columns.filter((c) => c.required).map((c) => `${c.zh}/${c.en}`);
    const oneOf = spec.oneOf?.map((k) => spec.columns.find((c) => c.key === k)?.zh ?? k).join(' 或 ');
    const where = sheetCount > 1 ? `任何一个工作表的前 ${HEADER_SEARCH_ROWS} 行` : `前 ${HEADER_SEARCH_ROWS} 行`;
    problems.add(null, null, `${where}中没有列名行（缺少必填列：${required.join('、')}${oneOf ? `，以及 ${oneOf}` : ''}）：列名行须写在数据上方`);
  }
  return null;
}

async function* rowsAfter(found: FoundHeader): AsyncGenerator<RawRow[]> {
  if (found.after.length > 0) yield found.after;
  for (;;) {
    const next = await found.rest.next();
    if (next.done === true) return;
    yield next.value;
  }
}

/**
 * Valid rows, a chunk per chunk read (every problem goes to `problems`). Per row the work is plain
 * synchronous code: the province benchmark spent more time in per-row awaits and closures than in
 * parsing the CSV.
 */
async function* validate<K extends ImportKind>(
  kind: K,
  opened: Opened,
  ctx: ImportContext,
  problems: Problems,
): AsyncGenerator<RowOf<K>[]> {
  const spec = KINDS[kind];
  const keys = spec.columns.filter((c) => !c.info).map((c) => c.key);
  const prefill = new Set(spec.prefill);
  const index: KeyIndex | null = spec.unique ? (kind === 'survey-responses' ? new HashedKeyIndex() : new ExactKeyIndex()) : null;
  const unique = spec.unique;
  let dataRows = 0;
  let found: FoundHeader | null = null;
  try {
    found = await findHeader(spec, opened, problems);
    if (found === null) return;
    problems.sheet = found.sheet;
    const map = mapHeader(spec, found.header, problems);
    if (!map) return;
    const headerCells = found.header.cells;
    /** Cell index → has a header (an array: a Set lookup per cell showed in profiles). */
    const named = headerCells.map((_c, i) => map.named.has(i));
    const keyIndexes = keys.map((k) => map.index.get(k));
    const letters = new Map<string, string>();
    for (const [key, i] of map.index) letters.set(key, letterOf(i));
    const blame = (row: number, key: string, message: string): void => problems.add(row, columnOf(map, key), message, letters.get(key));

    for await (const chunk of rowsAfter(found)) {
      const valid: RowOf<K>[] = [];
      for (const raw of chunk) {
        if (isEmptyRow(raw.cells)) continue;
        if (prefill.size > 0 && onlyPrefilled(raw.cells, map, prefill)) continue;
        dataRows += 1;
        if (dataRows > spec.maxRows) {
          problems.add(raw.row, null, `文件超过 ${spec.maxRows} 行数据的上限，其余行未检查`);
          return;
        }
        const before = problems.total;
        const cells = raw.cells;

        const record: Record<string, unknown> = { row: raw.row };
        for (let k = 0; k < keys.length; k += 1) {
          const i = keyIndexes[k];
          const text = i === undefined ? '' : (cells[i] ?? '');
          if (text.length > MAX_CELL_CHARS) blame(raw.row, keys[k] as string, `内容超过 ${MAX_CELL_CHARS} 个字符`);
          record[keys[k] as string] = text;
        }
        for (let i = 0; i < cells.length; i += 1) {
          if (named[i] !== true && (cells[i] ?? '').trim() !== '') {
            problems.add(raw.row, `第 ${letterOf(i)} 列`, '该列没有列名，但本行有内容', letterOf(i));
          }
        }
        if (problems.total > before) continue;

        // a repeated key, naming both rows (checked on the cell texts, whatever else is wrong)
        if (unique && index) {
          let key = '';
          let complete = true;
          for (let f = 0; f < unique.fields.length; f += 1) {
            const field = unique.fields[f] as string;
            const part = normalizeKeyPart(field, record[field] as string);
            if (part === '') complete = false;
            key = f === 0 ? part : `${key}\u0000${part}`;
          }
          if (complete) {
            const earlier = index.add(key, raw.row);
            if (earlier !== null) {
              blame(raw.row, unique.column, `${unique.what}在本文件中出现两次（第 ${earlier} 行与第 ${raw.row} 行）`);
            }
          }
        }

        const fast = spec.fast ? (spec.fast(record) as RowOf<K> | null) : null;
        const parsed = fast !== null ? ({ success: true, data: fast } as const) : spec.schema.safeParse(record);
        let failed: Set<string> | null = null;
        if (!parsed.success) {
          failed = new Set<string>();
          for (const issue of parsed.error.issues) {
            const key = String(issue.path[0] ?? '');
            failed.add(key);
            blame(raw.row, key, issue.message);
          }
        }

        // what only the database knows
        const projectCode = spec.projectField ? (record[spec.projectField] as string).trim() : '';
        const firm = spec.firmField ? normalizeKeyPart(spec.firmField, record[spec.firmField] as string) : '';
        if (spec.projectField && projectCode !== '' && ctx.projects && !failed?.has(spec.projectField)) {
          const project = ctx.projects.get(projectCode);
          if (!project) blame(raw.row, spec.projectField, `未知的项目编号 ${projectCode}`);
          else if (ctx.streetScope !== undefined && project.street !== ctx.streetScope) {
            blame(raw.row, spec.projectField, `项目 ${projectCode} 不属于本街道（属于 ${project.street}）`);
          } else if (spec.firmField && firm !== '' && !failed?.has(spec.firmField) && project.firmUscc !== firm) {
            blame(raw.row, spec.projectField, `项目 ${projectCode} 不属于该企业（属于 ${project.firmUscc}）`);
          }
        }
        if (spec.firmField && firm !== '' && ctx.firms && !failed?.has(spec.firmField) && !ctx.firms.has(firm)) {
          blame(raw.row, spec.firmField, `未知的企业统一社会信用代码 ${firm}`);
        }
        if (parsed.success && spec.check) {
          for (const p of spec.check(parsed.data as never, ctx)) blame(raw.row, p.field, p.message);
        }

        if (problems.total === before && parsed.success) valid.push(parsed.data as RowOf<K>);
      }
      if (valid.length > 0) yield valid;
    }
  } catch (error) {
    if (error instanceof ZipError && error.message === XLSX_TOO_MANY_ROWS) problems.add(null, null, `XLSX 文件超过 Excel 的 ${XLSX_MAX_ROWS.toLocaleString('en-US')} 行上限，其余行未读取`);
    else if (error instanceof ZipError) problems.add(null, null, XLSX_PROBLEM);
    else if (error instanceof EncodingError) problems.add(null, null, ENCODING_PROBLEM);
    else if (error instanceof CsvError) problems.add(csvErrorRow(error), null, csvErrorMessage(error));
    else throw error;
  } finally {
    // a reader that stops early (a bad header, too many rows) must not leave the sheet being read
    await found?.rest.return?.(undefined);
  }
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
// API

async function collect<K extends ImportKind>(kind: K, opened: Opened | { problem: string }, ctx: ImportContext): Promise<ImportResult<RowOf<K>>> {
  const problems = new Problems();
  if ('problem' in opened) {
    problems.add(null, null, opened.problem);
    problems.throwIfAny();
    throw new Error('unreachable');
  }
  const rows: RowOf<K>[] = [];
  try {
    for await (const chunk of validate(kind, opened, ctx, problems)) if (problems.total === 0) for (const row of chunk) rows.push(row);
  } finally {
    await opened.close();
  }
  problems.throwIfAny();
  return { rows, format: opened.format, charset: opened.charset() };
}

async function* batches<K extends ImportKind>(
  kind: K,
  open: () => Promise<Opened | { problem: string }>,
  ctx: ImportContext,
  batchSize: number,
): AsyncGenerator<RowOf<K>[]> {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError('batchSize must be a positive integer');
  const problems = new Problems();
  const opened = await open();
  if ('problem' in opened) {
    problems.add(null, null, opened.problem);
    problems.throwIfAny();
    return;
  }
  let batch: RowOf<K>[] = [];
  try {
    for await (const chunk of validate(kind, opened, ctx, problems)) {
      // after the first problem nothing more is handed out: the caller will roll back anyway
      if (problems.total > 0) {
        batch = [];
        continue;
      }
      for (const row of chunk) {
        batch.push(row);
        if (batch.length >= batchSize) {
          const full = batch;
          batch = [];
          yield full;
        }
      }
    }
  } finally {
    await opened.close();
  }
  problems.throwIfAny();
  if (batch.length > 0) yield batch;
}

/** All rows of a file, or DomainError('IMPORT_INVALID') listing every problem. For files that fit in memory. */
export async function readImport<K extends ImportKind>(kind: K, filePath: string, ctx: ImportContext = {}): Promise<ImportResult<RowOf<K>>> {
  return collect(kind, await openPath(filePath), ctx);
}

/** Like readImport, from an upload: the format comes from the name's extension and the first bytes. */
export async function readImportFrom<K extends ImportKind>(source: ImportSource, kind: K, ctx: ImportContext = {}): Promise<ImportResult<RowOf<K>>> {
  return collect(kind, await openSource(source), ctx);
}

/**
 * Validated rows in batches, in bounded memory (10 million survey responses). After the last batch
 * it throws DomainError('IMPORT_INVALID') if any row was bad — and it stops handing out batches at the
 * first problem — so the caller writes the batches in one transaction and rolls back on the throw.
 */
export function streamImport<K extends ImportKind>(
  kind: K,
  filePath: string,
  ctx: ImportContext = {},
  { batchSize = 10_000 }: { batchSize?: number } = {},
): AsyncIterable<RowOf<K>[]> {
  return batches(kind, () => openPath(filePath), ctx, batchSize);
}

/** streamImport for an upload. */
export function streamImportFrom<K extends ImportKind>(
  source: ImportSource,
  kind: K,
  ctx: ImportContext = {},
  { batchSize = 10_000 }: { batchSize?: number } = {},
): AsyncIterable<RowOf<K>[]> {
  return batches(kind, () => openSource(source), ctx, batchSize);
}
