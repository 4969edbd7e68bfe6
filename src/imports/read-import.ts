/**
 * Input file → validated, typed rows, or every problem in it (row as the spreadsheet shows it,
 * column header as written, a Chinese reason). The stages are in their own files: opening the file
 * (open-file.ts), finding and mapping the header (header.ts), checking the rows (validate-rows.ts);
 * here they are run and the valid rows collected or handed out in batches. Nothing here writes to
 * the database: the caller writes the rows (in one transaction, all or nothing, SPEC §7).
 */
import { type Charset } from './decode';
import { type ImportKind, type RowOf } from './kinds';
import { type ImportFormat, type ImportSource, type Opened, type Refused, openPath, openSource } from './open-file';
import { Problems } from './problems';
import { type ImportContext, validate } from './validate-rows';

export { HEADER_SEARCH_ROWS } from './header';
export { FILE_TYPE_PROBLEM, ODS_PROBLEM, XLSX_PROBLEM, XLS_PROBLEM, type ImportFormat, type ImportSource } from './open-file';
export { MAX_LISTED_PROBLEMS } from './problems';
export { type ImportContext } from './validate-rows';

export interface ImportResult<Row> {
  rows: Row[];
  format: ImportFormat;
  /** The CSV's charset as detected; null for XLSX or a pure-ASCII CSV. */
  charset: Charset | null;
}

/** Every valid row of an opened file, or the one error listing every problem. */
async function collect<K extends ImportKind>(kind: K, opened: Opened | Refused, ctx: ImportContext): Promise<ImportResult<RowOf<K>>> {
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

/** The valid rows in batches of `batchSize`; none after the first problem, which is thrown at the end. */
async function* batches<K extends ImportKind>(
  kind: K,
  open: () => Promise<Opened | Refused>,
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
