/**
 * Checking the rows below the header: each data row read into the kind's fields, parsed and checked
 * (a key repeated in the file, projects and firms the database does not know, the round's own rules),
 * every problem named by row and column. Valid rows come out typed, a chunk at a time.
 *
 * Per row the work is plain synchronous code: the province benchmark spent more time in per-row
 * awaits and closures than in parsing the CSV.
 */
import { type FoundHeader, type HeaderMap, columnOf, findHeader, isEmptyRow, letterOf, mapHeader, rowsAfter } from './header';
import { ExactKeyIndex, HashedKeyIndex, type KeyIndex } from './key-index';
import { type ImportKind, KINDS, type KindSpec, type RoundPeriod, type RowOf } from './kinds';
import { type Opened, readFailure } from './open-file';
import { type Problems } from './problems';
import { MAX_CELL_CHARS, type RawRow } from './xlsx-reader';

/** What the caller knows from the database, for checks a file cannot make on its own. */
export interface ImportContext {
  /** Known projects: code → its street, its firm's USCC and (in a round) its households. */
  projects?: ReadonlyMap<string, { street: string; firmUscc: string; households?: number }>;
  /** Known firms' USCCs (a set, or a map keyed by them). */
  firms?: { has(uscc: string): boolean };
  /** A street account's own street: projects of other streets are refused. */
  streetScope?: string;
  /** The round's period: an event's date must fall inside it. */
  period?: RoundPeriod;
}

const isUsccField = (key: string): boolean => key === 'uscc' || key === 'firmUscc';
const normalizeKeyPart = (key: string, text: string): string =>
  isUsccField(key) ? text.normalize('NFKC').trim().toUpperCase() : text.trim();

/** The sheet being checked: its columns as the header placed them, the caller's context, where problems go. */
interface Sheet {
  spec: KindSpec;
  ctx: ImportContext;
  problems: Problems;
  map: HeaderMap;
  /** The fields a row is read into (info-only columns left out), and each one's cell index. */
  keys: string[];
  keyIndexes: (number | undefined)[];
  /** Cell index → has a header (an array: a Set lookup per cell showed in profiles). */
  named: boolean[];
  /** Field → its column letter. */
  letters: Map<string, string>;
  /** Cell indexes of the columns a template pre-fills; null when the kind pre-fills none. */
  prefilled: Set<number> | null;
  /** The unique keys of the rows so far; null when the kind has no unique key. */
  seen: KeyIndex | null;
}

/** A row parsed into its kind's type, or the fields that failed. */
type Parsed<K extends ImportKind> = { success: true; data: RowOf<K> } | { success: false; failed: ReadonlySet<string> };

/** The sheet's columns from its header row; null (the problems say why) when the header is incomplete. */
function readHeader(kind: ImportKind, header: RawRow, ctx: ImportContext, problems: Problems): Sheet | null {
  const spec = KINDS[kind];
  const map = mapHeader(spec, header, problems);
  if (!map) return null;
  const keys = spec.columns.filter((c) => !c.info).map((c) => c.key);
  const letters = new Map<string, string>();
  for (const [key, i] of map.index) letters.set(key, letterOf(i));
  let prefilled: Set<number> | null = null;
  if (spec.prefill.length > 0) {
    prefilled = new Set();
    for (const key of spec.prefill) {
      const i = map.index.get(key);
      if (i !== undefined) prefilled.add(i);
    }
  }
  return {
    spec,
    ctx,
    problems,
    map,
    keys,
    keyIndexes: keys.map((k) => map.index.get(k)),
    named: header.cells.map((_c, i) => map.named.has(i)),
    letters,
    prefilled,
    seen: spec.unique ? (kind === 'survey-responses' ? new HashedKeyIndex() : new ExactKeyIndex()) : null,
  };
}

/** Reports a problem in a field's cell: the row, the column's header as written and its letter. */
function blame(sheet: Sheet, row: number, key: string, message: string): void {
  sheet.problems.add(row, columnOf(sheet.map, key), message, sheet.letters.get(key));
}

/** An empty row, or a template row filled only in the pre-filled columns, is not data: it is skipped. */
function isFiller(sheet: Sheet, cells: readonly string[]): boolean {
  if (isEmptyRow(cells)) return true;
  const prefilled = sheet.prefilled;
  return prefilled !== null && cells.every((c, i) => prefilled.has(i) || c.trim() === '');
}

/** The row's cell texts by field ('' for an absent column); a cell over MAX_CELL_CHARS is reported. */
function readFields(sheet: Sheet, raw: RawRow): Record<string, unknown> {
  const { keys, keyIndexes } = sheet;
  const cells = raw.cells;
  const record: Record<string, unknown> = { row: raw.row };
  for (let k = 0; k < keys.length; k += 1) {
    const i = keyIndexes[k];
    const text = i === undefined ? '' : (cells[i] ?? '');
    if (text.length > MAX_CELL_CHARS) blame(sheet, raw.row, keys[k] as string, `内容超过 ${MAX_CELL_CHARS} 个字符`);
    record[keys[k] as string] = text;
  }
  return record;
}

/** A filled cell in a column without a header is reported (its content would be lost). */
function checkUnnamedCells(sheet: Sheet, raw: RawRow): void {
  const cells = raw.cells;
  for (let i = 0; i < cells.length; i += 1) {
    if (sheet.named[i] !== true && (cells[i] ?? '').trim() !== '') {
      sheet.problems.add(raw.row, `第 ${letterOf(i)} 列`, '该列没有列名，但本行有内容', letterOf(i));
    }
  }
}

/** A unique key already seen on an earlier row is reported, naming both rows (checked on the cell texts, whatever else is wrong). */
function checkRepeatedKey(sheet: Sheet, record: Record<string, unknown>, row: number): void {
  const unique = sheet.spec.unique;
  if (!unique || !sheet.seen) return;
  let key = '';
  let complete = true;
  for (let f = 0; f < unique.fields.length; f += 1) {
    const field = unique.fields[f] as string;
    const part = normalizeKeyPart(field, record[field] as string);
    if (part === '') complete = false;
    key = f === 0 ? part : `${key}\u0000${part}`;
  }
  if (!complete) return;
  const earlier = sheet.seen.add(key, row);
  if (earlier !== null) blame(sheet, row, unique.column, `${unique.what}在本文件中出现两次（第 ${earlier} 行与第 ${row} 行）`);
}

/** The fields parsed into the kind's row (the fast path first, else the schema); each schema problem is reported. */
function parseFields<K extends ImportKind>(sheet: Sheet, record: Record<string, unknown>, row: number): Parsed<K> {
  const { spec } = sheet;
  const fast = spec.fast ? (spec.fast(record) as RowOf<K> | null) : null;
  if (fast !== null) return { success: true, data: fast };
  const parsed = spec.schema.safeParse(record);
  if (parsed.success) return { success: true, data: parsed.data as RowOf<K> };
  const failed = new Set<string>();
  for (const issue of parsed.error.issues) {
    const key = String(issue.path[0] ?? '');
    failed.add(key);
    blame(sheet, row, key, issue.message);
  }
  return { success: false, failed };
}

/**
 * What only the database knows: the project exists, is in the account's own street and belongs to
 * the row's firm; the firm exists. Fields that already failed to parse are not checked again.
 */
function checkKnownProjectAndFirm(sheet: Sheet, record: Record<string, unknown>, row: number, failed: ReadonlySet<string> | null): void {
  const { spec, ctx } = sheet;
  const projectCode = spec.projectField ? (record[spec.projectField] as string).trim() : '';
  const firm = spec.firmField ? normalizeKeyPart(spec.firmField, record[spec.firmField] as string) : '';
  if (spec.projectField && projectCode !== '' && ctx.projects && !failed?.has(spec.projectField)) {
    const project = ctx.projects.get(projectCode);
    if (!project) blame(sheet, row, spec.projectField, `未知的项目编号 ${projectCode}`);
    else if (ctx.streetScope !== undefined && project.street !== ctx.streetScope) {
      blame(sheet, row, spec.projectField, `项目 ${projectCode} 不属于本街道（属于 ${project.street}）`);
    } else if (spec.firmField && firm !== '' && !failed?.has(spec.firmField) && project.firmUscc !== firm) {
      blame(sheet, row, spec.projectField, `项目 ${projectCode} 不属于该企业（属于 ${project.firmUscc}）`);
    }
  }
  if (spec.firmField && firm !== '' && ctx.firms && !failed?.has(spec.firmField) && !ctx.firms.has(firm)) {
    blame(sheet, row, spec.firmField, `未知的企业统一社会信用代码 ${firm}`);
  }
}

/** The kind's own checks of a parsed row against the round (households, period). */
function checkRoundRules(sheet: Sheet, data: unknown, row: number): void {
  const { spec, ctx } = sheet;
  if (!spec.check) return;
  for (const p of spec.check(data as never, ctx)) blame(sheet, row, p.field, p.message);
}

/** One data row: its typed row when every check passes, else null with its problems reported. */
function validateRow<K extends ImportKind>(sheet: Sheet, raw: RawRow): RowOf<K> | null {
  const problems = sheet.problems;
  const before = problems.total;
  const record = readFields(sheet, raw);
  checkUnnamedCells(sheet, raw);
  if (problems.total > before) return null;
  checkRepeatedKey(sheet, record, raw.row);
  const parsed = parseFields<K>(sheet, record, raw.row);
  checkKnownProjectAndFirm(sheet, record, raw.row, parsed.success ? null : parsed.failed);
  if (parsed.success) checkRoundRules(sheet, parsed.data, raw.row);
  return parsed.success && problems.total === before ? parsed.data : null;
}

/**
 * Valid rows of the opened file, a chunk per chunk read; every problem goes to `problems` (a file
 * that cannot be read, a header missing or incomplete, bad rows, more rows than the kind allows).
 */
export async function* validate<K extends ImportKind>(
  kind: K,
  opened: Opened,
  ctx: ImportContext,
  problems: Problems,
): AsyncGenerator<RowOf<K>[]> {
  const spec = KINDS[kind];
  let dataRows = 0;
  let found: FoundHeader | null = null;
  try {
    found = await findHeader(spec, opened, problems);
    if (found === null) return;
    problems.sheet = found.sheet;
    const sheet = readHeader(kind, found.header, ctx, problems);
    if (!sheet) return;
    for await (const chunk of rowsAfter(found)) {
      const valid: RowOf<K>[] = [];
      for (const raw of chunk) {
        if (isFiller(sheet, raw.cells)) continue;
        dataRows += 1;
        if (dataRows > spec.maxRows) {
          problems.add(raw.row, null, `文件超过 ${spec.maxRows} 行数据的上限，其余行未检查`);
          return;
        }
        const row = validateRow<K>(sheet, raw);
        if (row !== null) valid.push(row);
      }
      if (valid.length > 0) yield valid;
    }
  } catch (error) {
    const failure = readFailure(error);
    if (failure === null) throw error;
    problems.add(failure.row, null, failure.message);
  } finally {
    // a reader that stops early (a bad header, too many rows) must not leave the sheet being read
    await found?.rest.return?.(undefined);
  }
}
