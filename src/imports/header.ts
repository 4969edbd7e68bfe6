/**
 * Finding the header row: the first worksheet with one among its first rows (a sheet of instructions
 * and title rows above the header are skipped), then each header cell mapped to a column of the
 * kind — unknown, repeated and missing columns reported at the header — and the column letters.
 */
import { columnLetter } from '../domain/column-letter';
import { type KindSpec } from './kinds';
import { type Opened } from './open-file';
import { type Problems } from './problems';
import { type RawRow } from './xlsx-reader';

/** The header is looked for among this many first rows of a sheet (title rows above it are skipped). */
export const HEADER_SEARCH_ROWS = 10;

/** "A", "B", … "AA" for a 0-based column index. */
export const letterOf = (index: number): string => columnLetter(index + 1);

/** True when no cell of the row holds more than spaces. */
export function isEmptyRow(cells: readonly string[]): boolean {
  for (const c of cells) if (c.trim() !== '') return false;
  return true;
}

export interface HeaderMap {
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

/** The header row's cells as the kind's columns; null (the problems say why) when a required column is missing. */
export function mapHeader(spec: KindSpec, header: RawRow, problems: Problems): HeaderMap | null {
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

/** A field's column as the file's header writes it (the key when the column is absent). */
export const columnOf = (map: HeaderMap, key: string): string => map.written.get(key) ?? key;

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

export interface FoundHeader {
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
export async function findHeader(spec: KindSpec, opened: Opened, problems: Problems): Promise<FoundHeader | null> {
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

/** The rows below the header, in chunks as read. */
export async function* rowsAfter(found: FoundHeader): AsyncGenerator<RawRow[]> {
  if (found.after.length > 0) yield found.after;
  for (;;) {
    const next = await found.rest.next();
    if (next.done === true) return;
    yield next.value;
  }
}
