/**
 * A whole database as one portable file, and back; and a whole database copied into another
 * (SPEC §11: backup, restore, moving a pilot from the embedded database to PostgreSQL).
 *
 * The file is gzip of UTF-8 text lines, the same whichever backend wrote or reads it:
 *
 *   {"format":"hhb-backup","version":1,…}   header: migrations applied, tables, columns, row counts, sequences
 *   @table firms 35                         then per table a marker and exactly that many rows,
 *   1\t91110000…\t…                         each a line of PostgreSQL's COPY text format (\N is null)
 *   @end <sha256>                           trailer: SHA-256 (hex) of every byte before this line
 *
 * Rows stream through in bounded memory: COPY TO STDOUT / COPY FROM STDIN on PostgreSQL; a cursor
 * and COPY FROM '/dev/blob' in slices on PGlite. Reading, writing and copying each run in one
 * transaction (a consistent snapshot to read; all or nothing to write). Writing runs with
 * `session_replication_role = replica`, so the triggers that guard published rounds and chain the
 * audit log leave the stored rows exactly as they were; they guard them again after commit.
 */
import { Blob } from 'node:buffer';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import type { Knex } from 'knex';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { z } from 'zod';
import { DomainError } from '../domain/errors';
import { appendAudit, verifyAudit } from './audit';
import { isPostgres, writeChunk } from './copy-stream';
import { knownMigrations, migrateUpTo } from './migrate';

export const BACKUP_FORMAT = 'hhb-backup';
export const BACKUP_VERSION = 1;

const IDENT = /^[a-z_][a-z0-9_]*$/;
const ident = z.string().regex(IDENT, '表名或列名只能含小写字母、数字和下划线');

const tableSchema = z.object({ name: ident, columns: z.array(ident).min(1), rows: z.number().int().nonnegative() });
const sequenceSchema = z.object({ table: ident, column: ident, lastValue: z.string().regex(/^-?\d+$/) });
const headerSchema = z.object({
  format: z.literal(BACKUP_FORMAT),
  version: z.literal(BACKUP_VERSION),
  createdAt: z.string(),
  source: z.enum(['pglite', 'postgres']),
  migrations: z.array(z.string().min(1)),
  tables: z.array(tableSchema),
  sequences: z.array(sequenceSchema),
});

export type BackupHeader = z.infer<typeof headerSchema>;
export type BackupTable = z.infer<typeof tableSchema>;
type SequenceState = z.infer<typeof sequenceSchema>;

type Db = Knex | Knex.Transaction;

const q = (name: string): string => `"${name}"`;
const columnList = (t: { columns: string[] }): string => t.columns.map(q).join(', ');

// ---------------------------------------------------------------- what a database holds

interface TableShape {
  name: string;
  columns: string[];
}

/** The data tables of the schema (knex's own bookkeeping left out), parents before children. */
async function tableShapes(db: Db): Promise<TableShape[]> {
  const columns = (
    await db.raw(`
      select c.relname::text as name, a.attname::text as column
        from pg_class c
        join pg_namespace n on n.oid = c.relnamespace
        join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and a.attgenerated = ''
       where n.nspname = current_schema() and c.relkind in ('r', 'p') and c.relname not like 'knex\\_migrations%'
       order by c.relname, a.attnum`)
  ).rows as { name: string; column: string }[];
  const byName = new Map<string, string[]>();
  for (const c of columns) byName.set(c.name, [...(byName.get(c.name) ?? []), c.column]);
  const edges = (
    await db.raw(`
      select ch.relname::text as child, pa.relname::text as parent
        from pg_constraint k
        join pg_class ch on ch.oid = k.conrelid
        join pg_class pa on pa.oid = k.confrelid
        join pg_namespace n on n.oid = k.connamespace
       where k.contype = 'f' and n.nspname = current_schema()`)
  ).rows as { child: string; parent: string }[];
  const parents = new Map<string, Set<string>>();
  for (const e of edges) if (e.child !== e.parent) parents.set(e.child, (parents.get(e.child) ?? new Set()).add(e.parent));
  const ordered: TableShape[] = [];
  const placed = new Set<string>();
  const names = [...byName.keys()].sort();
  while (ordered.length < names.length) {
    const next = names.find((n) => !placed.has(n) && [...(parents.get(n) ?? [])].every((p) => placed.has(p) || !byName.has(p)))
      ?? names.find((n) => !placed.has(n)) as string;
    placed.add(next);
    ordered.push({ name: next, columns: byName.get(next) ?? [] });
  }
  for (const t of ordered) if (!IDENT.test(t.name) || !t.columns.every((c) => IDENT.test(c))) throw new Error(`unexpected identifier in table ${t.name}`);
  return ordered;
}

/** Names of the migrations applied to this database, in order ([] when it was never migrated). */
export async function appliedMigrations(db: Db): Promise<string[]> {
  const exists = (await db.raw(`select to_regclass('knex_migrations') is not null as present`)).rows as { present: boolean }[];
  if (!exists[0]?.present) return [];
  return ((await db.raw('select name from knex_migrations order by id')).rows as { name: string }[]).map((r) => r.name);
}

/** Serial columns and their sequences, keyed by table and column. */
async function serialColumns(db: Db): Promise<{ table: string; column: string; sequence: string }[]> {
  return (
    await db.raw(`
      select c.relname::text as table, a.attname::text as column, pg_get_serial_sequence(quote_ident(c.relname), a.attname::text) as sequence
        from pg_class c
        join pg_namespace n on n.oid = c.relnamespace
        join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
       where n.nspname = current_schema() and c.relkind in ('r', 'p')
         and pg_get_serial_sequence(quote_ident(c.relname), a.attname::text) is not null
       order by 1, 2`)
  ).rows as { table: string; column: string; sequence: string }[];
}

/** The last value each sequence has handed out (0 when none). */
async function sequenceStates(db: Db): Promise<SequenceState[]> {
  const out: SequenceState[] = [];
  for (const s of await serialColumns(db)) {
    const row = ((await db.raw(`select last_value::text as v, is_called as called from ${s.sequence}`)).rows as { v: string; called: boolean }[])[0];
    const last = row ? BigInt(row.v) - (row.called ? 0n : 1n) : 0n;
    out.push({ table: s.table, column: s.column, lastValue: String(last) });
  }
  return out;
}

/** Sets each sequence past both the source's last value and the restored maximum. */
async function restoreSequences(trx: Knex.Transaction, states: SequenceState[]): Promise<void> {
  const fromFile = new Map(states.map((s) => [`${s.table}.${s.column}`, BigInt(s.lastValue)]));
  for (const s of await serialColumns(trx)) {
    const max = ((await trx.raw(`select coalesce(max(${q(s.column)}), 0)::text as m from ${q(s.table)}`)).rows as { m: string }[])[0]?.m ?? '0';
    const before = fromFile.get(`${s.table}.${s.column}`) ?? 0n;
    const last = BigInt(max) > before ? BigInt(max) : before;
    if (last >= 1n) await trx.raw(`select setval(?, ?::bigint, true)`, [s.sequence, String(last)]);
    else await trx.raw(`select setval(?, 1, false)`, [s.sequence]);
  }
}

/** Tables holding at least one row (an empty database has none). */
export async function nonEmptyTables(db: Db): Promise<string[]> {
  const out: string[] = [];
  for (const t of await tableShapes(db)) {
    const rows = (await db.raw(`select exists (select 1 from ${q(t.name)}) as any`)).rows as { any: boolean }[];
    if (rows[0]?.any) out.push(t.name);
  }
  return out;
}

async function assertEmpty(db: Db, what: string): Promise<void> {
  const full = await nonEmptyTables(db);
  if (full.length > 0) {
    throw new DomainError('ALREADY_EXISTS', `${what}不是空的：表 ${full.slice(0, 5).join('、')}${full.length > 5 ? ` 等 ${full.length} 张表` : ''} 已有数据。只能恢复或复制到一个空数据库。`, {
      tables: full,
    });
  }
}

/** The same text on both backends, whichever session settings the server has. */
async function fixedTextSettings(trx: Knex.Transaction): Promise<void> {
  await trx.raw(`set local timezone = 'UTC'`);
  await trx.raw(`set local datestyle = 'ISO, YMD'`);
  await trx.raw(`set local intervalstyle = 'postgres'`);
  await trx.raw(`set local extra_float_digits = 3`);
}

async function describe(trx: Knex.Transaction, source: 'pglite' | 'postgres', createdAt: string): Promise<BackupHeader> {
  const tables: BackupTable[] = [];
  for (const t of await tableShapes(trx)) {
    const n = ((await trx.raw(`select count(*)::text as n from ${q(t.name)}`)).rows as { n: string }[])[0]?.n ?? '0';
    tables.push({ ...t, rows: Number(n) });
  }
  return {
    format: BACKUP_FORMAT,
    version: BACKUP_VERSION,
    createdAt,
    source,
    migrations: await appliedMigrations(trx),
    tables,
    sequences: await sequenceStates(trx),
  };
}

// ---------------------------------------------------------------- rows out

type Sink = (chunk: Buffer) => Promise<void>;

/** Lines (newlines) in a chunk. */
function countLines(chunk: Buffer): number {
  let n = 0;
  for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) n += 1;
  return n;
}

/** COPY text format of one value: backslash, tab, newline and carriage return escaped; null is \N. */
function copyText(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  const s = String(value);
  return /[\\\t\n\r]/.test(s) ? s.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r')) : s;
}

interface PgliteConnection {
  query(sql: string, params?: unknown[], options?: { rowMode?: 'array' | 'object'; blob?: Blob }): Promise<{ rows: unknown[] }>;
}

const FETCH_ROWS = 5000;

/** Streams one table's rows as COPY text lines into `sink`; returns the number of rows. */
async function exportTable(trx: Knex.Transaction, table: TableShape, sink: Sink): Promise<number> {
  if (isPostgres(trx)) {
    const client = (await trx.client.acquireConnection()) as { query(stream: Readable): Readable };
    const stream = client.query(copyTo(`copy ${q(table.name)} (${columnList(table)}) to stdout`));
    let rows = 0;
    // A COPY TO left halfway holds its connection (pg-copy-streams pauses the socket and waits to
    // be read): after a failure the rest is read and dropped, so that the transaction can roll back.
    let failure: { error: unknown } | null = null;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (failure !== null) continue;
      rows += countLines(chunk);
      try {
        await sink(chunk);
      } catch (error) {
        failure = { error };
      }
    }
    if (failure !== null) throw failure.error;
    return rows;
  }
  const conn = (await trx.client.acquireConnection()) as PgliteConnection;
  await conn.query(`declare hhb_backup_rows no scroll cursor for select ${table.columns.map((c) => `${q(c)}::text`).join(', ')} from ${q(table.name)}`);
  let rows = 0;
  for (;;) {
    const page = (await conn.query(`fetch forward ${FETCH_ROWS} from hhb_backup_rows`, [], { rowMode: 'array' })).rows as unknown[][];
    if (page.length === 0) break;
    let text = '';
    for (const row of page) text += `${row.map(copyText).join('\t')}\n`;
    rows += page.length;
    await sink(Buffer.from(text, 'utf8'));
  }
  await conn.query('close hhb_backup_rows');
  return rows;
}

// ---------------------------------------------------------------- rows in

interface TableWriter {
  write(chunk: Buffer): Promise<void>;
  end(): Promise<void>;
  /** Ends the COPY with an error (the transaction is then rolled back). */
  abort(error: Error): Promise<void>;
}

/** About this many bytes of rows go into one COPY FROM '/dev/blob' on PGlite. */
const BLOB_BYTES = 8 * 1024 * 1024;

/** A COPY into one table, fed with COPY text that may break anywhere (lines are reassembled on PGlite). */
async function importTable(trx: Knex.Transaction, table: TableShape): Promise<TableWriter> {
  if (isPostgres(trx)) {
    const client = (await trx.client.acquireConnection()) as { query(stream: Writable): Writable };
    const stream = client.query(copyFrom(`copy ${q(table.name)} (${columnList(table)}) from stdin`));
    const finished = new Promise<void>((resolve, reject) => {
      stream.once('finish', resolve);
      stream.once('error', reject);
    });
    finished.catch(() => undefined); // awaited in end(); a failure also surfaces through a write
    return {
      write: async (chunk) => {
        try {
          await writeChunk(stream, chunk);
        } catch (error) {
          await finished.catch(() => undefined);
          throw error;
        }
      },
      end: async () => {
        stream.end();
        await finished;
      },
      abort: async (error) => {
        stream.destroy(error);
        await finished.catch(() => undefined);
      },
    };
  }
  const conn = (await trx.client.acquireConnection()) as PgliteConnection;
  let parts: Buffer[] = [];
  let size = 0;
  const flush = async (all: boolean): Promise<void> => {
    if (size === 0) return;
    const joined = Buffer.concat(parts, size);
    const cut = all ? joined.length : joined.lastIndexOf(10) + 1;
    parts = cut < joined.length ? [joined.subarray(cut)] : [];
    size = joined.length - cut;
    if (cut === 0) return;
    await conn.query(`copy ${q(table.name)} (${columnList(table)}) from '/dev/blob'`, [], { blob: new Blob([joined.subarray(0, cut)]) });
  };
  return {
    write: async (chunk) => {
      parts.push(chunk);
      size += chunk.length;
      if (size >= BLOB_BYTES) await flush(false);
    },
    end: () => flush(true),
    abort: () => {
      parts = [];
      size = 0;
      return Promise.resolve();
    },
  };
}

/** Opens the writing transaction: fixed text settings, triggers off until commit. */
async function beginWriting(trx: Knex.Transaction): Promise<void> {
  await fixedTextSettings(trx);
  try {
    await trx.raw('set local session_replication_role = replica');
  } catch (error) {
    if ((error as { code?: unknown }).code === '42501') {
      throw new DomainError('FORBIDDEN', '恢复或复制需要数据库超级用户权限（设置 session_replication_role），以便原样写入已发布周期和审计日志。请用超级用户连接目标数据库。');
    }
    throw error;
  }
}

/** The target's tables must be the file's, column for column. */
async function assertSameShape(trx: Knex.Transaction, tables: TableShape[]): Promise<void> {
  const target = new Map((await tableShapes(trx)).map((t) => [t.name, t.columns.join(',')]));
  for (const t of tables) {
    const columns = target.get(t.name);
    if (columns === undefined) throw new DomainError('INPUT_INVALID', `目标数据库没有表 ${t.name}，与备份的数据库结构不一致。`, { table: t.name });
    if (columns !== t.columns.join(',')) {
      throw new DomainError('INPUT_INVALID', `目标数据库的表 ${t.name} 的列（${columns}）与备份（${t.columns.join(',')}）不一致。`, { table: t.name });
    }
    target.delete(t.name);
  }
  const extra = [...target.keys()];
  if (extra.length > 0) throw new DomainError('INPUT_INVALID', `目标数据库有备份中没有的表：${extra.join('、')}，数据库结构不一致。`, { tables: extra });
}

/** Closes the writing transaction: sequences past the rows, triggers back on, the chain checked, the move audited. */
async function finishWriting(trx: Knex.Transaction, header: BackupHeader, audit: { actor: string; action: string; after: Record<string, unknown> }): Promise<number> {
  for (const t of header.tables) {
    const n = ((await trx.raw(`select count(*)::text as n from ${q(t.name)}`)).rows as { n: string }[])[0]?.n ?? '0';
    if (Number(n) !== t.rows) throw new Error(`table ${t.name}: ${n} rows written, ${t.rows} expected`);
  }
  await restoreSequences(trx, header.sequences);
  await trx.raw('set local session_replication_role = origin');
  const chain = await verifyAudit(trx);
  if (!chain.ok) {
    throw new DomainError('AUDIT_BROKEN', `写入后的审计日志链在第 ${chain.brokenAt} 条处断开，已全部撤销，目标数据库保持为空。`, { brokenAt: chain.brokenAt });
  }
  await appendAudit(trx, { actor: audit.actor, action: audit.action, entity: 'database', after: audit.after });
  return chain.rows;
}

// ---------------------------------------------------------------- the file

export interface BackupSummary {
  file: string;
  sha256: string;
  tables: number;
  rows: number;
  bytes: number;
}

export interface Progress {
  table?: (name: string, rows: number) => void;
}

/**
 * Writes the whole database to `file` (via a temporary file renamed at the end, so that a failed
 * backup leaves no file behind that looks whole).
 */
export async function writeBackup(knex: Knex, file: string, options: { createdAt: string; progress?: Progress }): Promise<BackupSummary> {
  const temporary = `${file}.partial`;
  const gzip = createGzip({ level: 6 });
  const out = createWriteStream(temporary);
  const written = pipeline(gzip, out);
  written.catch(() => undefined); // awaited below
  const hash = createHash('sha256');
  const put = async (chunk: Buffer | string): Promise<void> => {
    hash.update(chunk);
    await writeChunk(gzip, chunk);
  };
  let header: BackupHeader;
  try {
    header = await knex.transaction(
      async (trx) => {
        await fixedTextSettings(trx);
        const h = await describe(trx, isPostgres(trx) ? 'postgres' : 'pglite', options.createdAt);
        await put(`${JSON.stringify(h)}\n`);
        for (const t of h.tables) {
          await put(`@table ${t.name} ${t.rows}\n`);
          const rows = await exportTable(trx, t, put);
          if (rows !== t.rows) throw new Error(`table ${t.name}: ${rows} rows read, ${t.rows} counted`);
          options.progress?.table?.(t.name, rows);
        }
        return h;
      },
      isPostgres(knex) ? { isolationLevel: 'repeatable read', readOnly: true } : {},
    );
    const sha256 = hash.digest('hex');
    gzip.end(`@end ${sha256}\n`);
    await written;
    await rename(temporary, file);
    return { file, sha256, tables: header.tables.length, rows: header.tables.reduce((s, t) => s + t.rows, 0), bytes: out.bytesWritten };
  } catch (error) {
    gzip.destroy();
    await written.catch(() => undefined);
    await rm(temporary, { force: true });
    throw error;
  }
}

const damaged = (file: string, why: string): DomainError =>
  new DomainError('INPUT_INVALID', `备份文件 ${file} 已损坏或不完整：${why}。未写入任何数据。`, { file });

/** What reading a file does with its tables (null: only check the file). */
interface Reader {
  begin(header: BackupHeader): Promise<void>;
  table(table: BackupTable): Promise<TableWriter>;
}

const MAX_CONTROL_LINE = 16 * 1024 * 1024;

/**
 * Reads a backup file through, checking its structure, row counts and checksum, and hands each
 * table's rows to `reader`. Throws (a Chinese message naming what is wrong) on a damaged,
 * truncated or foreign file — after the last byte at the latest, so before a caller commits.
 */
export async function readBackup(file: string, reader: Reader | null): Promise<{ header: BackupHeader; sha256: string }> {
  const input = createReadStream(file);
  const gunzip = createGunzip();
  input.on('error', (error) => gunzip.destroy(error));
  input.pipe(gunzip);
  const hash = createHash('sha256');
  let header: BackupHeader | null = null;
  let trailer: string | null = null;
  let tableIndex = 0;
  let pending: Buffer = Buffer.alloc(0);
  // Changed inside control() as well as in the loop: held in one object.
  const at: { state: 'header' | 'marker' | 'rows' | 'done'; remaining: number; writer: TableWriter | null } = { state: 'header', remaining: 0, writer: null };

  const control = async (line: string): Promise<void> => {
    if (at.state === 'done') throw damaged(file, '结尾标记之后还有内容');
    if (at.state === 'header') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        throw new DomainError('INPUT_INVALID', `${file} 不是 hhb 备份文件（第一行不是备份文件头）。`, { file });
      }
      const h = headerSchema.safeParse(parsed);
      if (!h.success) {
        const issue = h.error.issues[0];
        const format = (parsed as { format?: unknown } | null)?.format;
        if (format !== BACKUP_FORMAT) throw new DomainError('INPUT_INVALID', `${file} 不是 hhb 备份文件（文件头 format 不是 ${BACKUP_FORMAT}）。`, { file });
        throw new DomainError('INPUT_INVALID', `备份文件 ${file} 的文件头无效：字段 ${issue?.path.join('.') ?? ''}：${issue?.message ?? ''}（本程序读取格式版本 ${BACKUP_VERSION}）。`, {
          file,
          field: issue?.path.join('.') ?? null,
        });
      }
      header = h.data;
      hash.update(`${line}\n`);
      at.state = 'marker';
      await reader?.begin(header);
      return;
    }
    const h = header as unknown as BackupHeader;
    const end = /^@end ([0-9a-f]{64})$/.exec(line);
    if (end) {
      if (tableIndex !== h.tables.length) throw damaged(file, `只有 ${tableIndex} 张表，文件头列出 ${h.tables.length} 张`);
      trailer = end[1] as string;
      at.state = 'done';
      return;
    }
    const expected = h.tables[tableIndex];
    const marker = /^@table ([a-z_][a-z0-9_]*) (\d+)$/.exec(line);
    if (!expected || !marker || marker[1] !== expected.name || Number(marker[2]) !== expected.rows) {
      throw damaged(file, expected ? `表 ${expected.name} 的标记行不对` : '表的数目与文件头不符');
    }
    hash.update(`${line}\n`);
    tableIndex += 1;
    at.writer = reader ? await reader.table(expected) : null;
    at.remaining = expected.rows;
    if (at.remaining === 0) await at.writer?.end();
    else at.state = 'rows';
  };

  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      let pos = 0;
      while (pos < chunk.length) {
        if (at.state === 'rows') {
          let end = pos;
          while (at.remaining > 0) {
            const nl = chunk.indexOf(10, end);
            if (nl === -1) {
              end = chunk.length;
              break;
            }
            end = nl + 1;
            at.remaining -= 1;
          }
          const slice = chunk.subarray(pos, end);
          hash.update(slice);
          await at.writer?.write(slice);
          pos = end;
          if (at.remaining === 0) {
            await at.writer?.end();
            at.writer = null;
            at.state = 'marker';
          }
          continue;
        }
        const nl = chunk.indexOf(10, pos);
        if (nl === -1) {
          pending = Buffer.concat([pending, chunk.subarray(pos)]);
          if (pending.length > MAX_CONTROL_LINE) throw damaged(file, '文件头或标记行过长');
          break;
        }
        const line = Buffer.concat([pending, chunk.subarray(pos, nl)]).toString('utf8');
        pending = Buffer.alloc(0);
        pos = nl + 1;
        await control(line);
      }
    }
  } catch (error) {
    input.destroy();
    await at.writer?.abort(error instanceof Error ? error : new Error(String(error)));
    if (error instanceof DomainError) throw error;
    const code = (error as { code?: unknown }).code;
    if (code === 'ENOENT') throw new DomainError('NOT_FOUND', `找不到备份文件：${file}`, { file });
    if (typeof code === 'string' && code.startsWith('Z_')) throw damaged(file, `解压失败（${code}）`);
    throw error;
  }
  if (at.state === 'header') throw damaged(file, '文件为空或没有文件头');
  if (at.state !== 'done' || trailer === null || pending.length > 0) throw damaged(file, '文件在结尾标记之前就结束了（可能被截断）');
  const sha256 = hash.digest('hex');
  if (sha256 !== trailer) throw damaged(file, `校验和不符（记录 ${String(trailer).slice(0, 12)}…，实际 ${sha256.slice(0, 12)}…）`);
  return { header: header as unknown as BackupHeader, sha256 };
}

/**
 * Brings a database's schema to exactly `migrations` (an empty or never-migrated database), or
 * refuses: a file from a newer program, or a database migrated past the file.
 */
async function migrateToMatch(knex: Knex, migrations: string[], what: string): Promise<void> {
  const known = knownMigrations();
  const unknown = migrations.find((m, i) => known[i] !== m);
  if (unknown !== undefined) {
    throw new DomainError('INPUT_INVALID', `${what}的数据库结构包含本程序不认识的迁移 ${unknown}（来自更新或不同的版本）。请用相同或更新版本的 hhb 操作。`, { migration: unknown });
  }
  const applied = await appliedMigrations(knex);
  if (applied.length > migrations.length || applied.some((m, i) => migrations[i] !== m)) {
    throw new DomainError(
      'INPUT_INVALID',
      `目标数据库已执行 ${applied.length} 个迁移，${what}只到 ${migrations.length} 个（最后是 ${migrations.at(-1) ?? '无'}）：结构不同，无法原样写入。请用一个尚未迁移的新数据库（例如一个新的 --db 目录）。`,
      { applied: applied.length, expected: migrations.length },
    );
  }
  if (applied.length < migrations.length) await migrateUpTo(knex, migrations);
}

export interface RestoreSummary {
  sha256: string;
  tables: number;
  rows: number;
  auditRows: number;
  migrations: number;
}

/**
 * Restores `file` into an empty database: the file is checked through first, the schema brought
 * to the file's migrations, then every row written in one transaction that checks the file again
 * and the audit chain before commit. The caller migrates to the latest schema afterwards.
 */
export async function restoreBackup(knex: Knex, file: string, options: { actor: string; progress?: Progress }): Promise<RestoreSummary> {
  const { header } = await readBackup(file, null);
  await migrateToMatch(knex, header.migrations, '备份文件');
  await assertEmpty(knex, '目标数据库');
  let auditRows = 0;
  let sha256 = '';
  await knex.transaction(async (trx) => {
    await beginWriting(trx);
    await assertSameShape(trx, header.tables);
    await assertEmpty(trx, '目标数据库');
    const read = await readBackup(file, {
      begin: async (h) => {
        if (JSON.stringify(h) !== JSON.stringify(header)) throw damaged(file, '文件在读取期间被改动');
      },
      table: async (t) => {
        const w = await importTable(trx, t);
        return {
          write: w.write,
          abort: w.abort,
          end: async () => {
            await w.end();
            options.progress?.table?.(t.name, t.rows);
          },
        };
      },
    });
    sha256 = read.sha256;
    auditRows = await finishWriting(trx, header, { actor: options.actor, action: 'db.restore', after: { file, sha256, createdAt: header.createdAt, source: header.source } });
  });
  return { sha256, tables: header.tables.length, rows: header.tables.reduce((s, t) => s + t.rows, 0), auditRows, migrations: header.migrations.length };
}

export interface CopySummary {
  tables: number;
  rows: number;
  auditRows: number;
}

/**
 * Copies every row of `source` into the empty `target` in one transaction on the target (a copy
 * cut off halfway leaves the target empty). `failAfterRows` stops it on purpose after that many
 * rows (tests of that promise).
 */
export async function copyDatabase(
  source: Knex,
  target: Knex,
  options: { actor: string; createdAt: string; progress?: Progress; failAfterRows?: number },
): Promise<CopySummary> {
  await migrateToMatch(target, await appliedMigrations(source), '源数据库');
  await assertEmpty(target, '目标数据库');
  let header: BackupHeader | null = null;
  let auditRows = 0;
  let copied = 0;
  await target.transaction(async (ttrx) => {
    await beginWriting(ttrx);
    await assertEmpty(ttrx, '目标数据库');
    const h = await source.transaction(
      async (strx) => {
        await fixedTextSettings(strx);
        const described = await describe(strx, isPostgres(strx) ? 'postgres' : 'pglite', options.createdAt);
        await assertSameShape(ttrx, described.tables);
        for (const t of described.tables) {
          const w = await importTable(ttrx, t);
          try {
            await exportTable(strx, t, async (chunk) => {
              copied += countLines(chunk);
              if (options.failAfterRows !== undefined && copied >= options.failAfterRows) throw new Error(`copy stopped on purpose after ${copied} rows`);
              await w.write(chunk);
            });
          } catch (error) {
            await w.abort(error instanceof Error ? error : new Error(String(error)));
            throw error;
          }
          await w.end();
          options.progress?.table?.(t.name, t.rows);
        }
        return described;
      },
      isPostgres(source) ? { isolationLevel: 'repeatable read', readOnly: true } : {},
    );
    header = h;
    auditRows = await finishWriting(ttrx, h, { actor: options.actor, action: 'db.copy', after: { source: h.source, createdAt: h.createdAt } });
  });
  const h = header as unknown as BackupHeader;
  return { tables: h.tables.length, rows: h.tables.reduce((s, t) => s + t.rows, 0), auditRows };
}
