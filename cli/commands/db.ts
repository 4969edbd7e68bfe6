import { mkdir } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { type DatabaseConfig, loadConfig } from '../../src/config';
import { DomainError } from '../../src/domain/errors';
import { copyDatabase, nonEmptyTables, readBackup, restoreBackup, writeBackup } from '../../src/db/backup';
import { createDb } from '../../src/db/knex-factory';
import { migrateLatest, migrationStatus } from '../../src/db/migrate';
import { type GlobalOptions, withApp } from '../app';
import { type CliIo, println, printJson } from '../io';
import type { Globals } from '../program';
import { createProgress } from '../progress';

/** An embedded data folder given relative is taken from the working directory of the command. */
function dbOption(io: CliIo, opts: GlobalOptions): GlobalOptions {
  const db = opts.db?.trim();
  if (db === undefined || db === '' || /^postgres(ql)?:\/\//i.test(db) || isAbsolute(db)) return opts;
  return { ...opts, db: resolve(io.cwd, db) };
}

/** A database for a message, without a password. */
function describeDatabase(database: Readonly<DatabaseConfig>): string {
  if (database.kind === 'pglite') return `内置数据库 ${database.dataDir}`;
  const url = new URL(database.url);
  url.password = '';
  return `PostgreSQL ${url.toString()}`;
}

const megabytes = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(bytes < 10 * 1024 * 1024 ? 2 : 0)} MB`;

export function registerDb(program: Command, io: CliIo, globals: Globals): void {
  const db = program.command('db').description('数据库维护');
  db.command('migrate')
    .description('执行尚未执行的数据库迁移')
    .action(async () => {
      await withApp(io, globals(), async (ctx) => {
        const applied = await migrateLatest(ctx.knex);
        println(io.stdout, applied.length ? `已执行 ${applied.length} 个迁移：${applied.join('、')}` : '数据库结构已是最新，无需迁移。');
      }, { migrate: false });
    });
  db.command('status')
    .description('列出数据库迁移及其执行状态')
    .option('--json', '以 JSON 输出')
    .action(async (opts: { json?: boolean }) => {
      await withApp(io, globals(), async (ctx) => {
        const status = await migrationStatus(ctx.knex);
        if (opts.json) return printJson(io, status);
        for (const m of status) println(io.stdout, `${m.applied ? '已执行' : '未执行'}  ${m.name}`);
      }, { migrate: false });
    });
  db.command('backup')
    .description('把整个数据库（含审计日志）备份到一个文件（gzip 压缩，内置数据库和 PostgreSQL 通用）')
    .argument('<file>', '备份文件，例如 backups/2025-07-01.hhb')
    .action(async (file: string) => {
      const target = resolve(io.cwd, file);
      await mkdir(dirname(target), { recursive: true });
      const progress = createProgress(io);
      const summary = await withApp(io, dbOption(io, globals()), async (ctx) => {
        const tables = await nonEmptyTables(ctx.knex);
        progress.start(tables.length, '备份');
        return writeBackup(ctx.knex, target, { createdAt: io.now().toISOString(), progress: { table: (name, rows) => tables.includes(name) && progress.tick(`${name}：${rows} 行`) } });
      }, { migrate: false });
      progress.stop();
      println(io.stdout, `已备份到 ${relative(io.cwd, summary.file) || summary.file}：${summary.tables} 张表，${summary.rows} 行，${megabytes(summary.bytes)}。`);
      println(io.stdout, `SHA-256（内容）：${summary.sha256}`);
    });
  db.command('restore')
    .description('把备份文件恢复到一个空数据库（用 --db 指定，例如新的目录），全部写入或全部不写')
    .argument('<file>', 'hhb db backup 写出的备份文件')
    .action(async (file: string) => {
      const source = resolve(io.cwd, file);
      const progress = createProgress(io);
      const summary = await withApp(io, dbOption(io, globals()), async (ctx) => {
        const { header } = await readBackup(source, null);
        progress.start(header.tables.filter((t) => t.rows > 0).length, '恢复');
        const restored = await restoreBackup(ctx.knex, source, { actor: ctx.actor, progress: { table: (name, rows) => rows > 0 && progress.tick(`${name}：${rows} 行`) } });
        const newer = await migrateLatest(ctx.knex);
        return { ...restored, newer };
      }, { migrate: false });
      progress.stop();
      println(io.stdout, `已从 ${relative(io.cwd, source) || source} 恢复：${summary.tables} 张表，${summary.rows} 行。`);
      println(io.stdout, `审计日志校验通过：${summary.auditRows} 条，链条完整（另记一条恢复记录）。`);
      if (summary.newer.length > 0) println(io.stdout, `备份来自较早的版本，已在恢复后执行 ${summary.newer.length} 个迁移：${summary.newer.join('、')}`);
    });
  db.command('copy')
    .description('把当前数据库（--db）整体复制到另一个空数据库，例如从内置数据库迁到 PostgreSQL')
    .requiredOption('--to <url|path>', '目标数据库：postgres:// 连接串（或内置数据库目录），必须是空的')
    .action(async (opts: { to: string }) => {
      const from = dbOption(io, globals());
      const to = loadConfig(io.env, dbOption(io, { db: opts.to })).database;
      const progress = createProgress(io);
      const summary = await withApp(io, from, async (ctx) => {
        const source = loadConfig(io.env, from).database;
        if (JSON.stringify(source) === JSON.stringify(to)) throw new DomainError('INPUT_INVALID', '--to 指向的就是当前数据库，请指定另一个空数据库。', { field: '--to' });
        const tables = await nonEmptyTables(ctx.knex);
        progress.start(tables.length, '复制');
        const kept = (await io.databases?.open(to)) ?? null;
        const target = kept ?? (await createDb(to, { migrate: false }));
        try {
          return await copyDatabase(ctx.knex, target.knex, {
            actor: ctx.actor,
            createdAt: io.now().toISOString(),
            progress: { table: (name, rows) => tables.includes(name) && progress.tick(`${name}：${rows} 行`) },
          });
        } finally {
          if (kept === null) await target.close();
        }
      });
      progress.stop();
      println(io.stdout, `已复制到 ${describeDatabase(to)}：${summary.tables} 张表，${summary.rows} 行。`);
      println(io.stdout, `目标数据库的审计日志校验通过：${summary.auditRows} 条，链条完整（另记一条复制记录）。`);
    });
}
