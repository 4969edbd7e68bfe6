import type { Command } from 'commander';
import { migrateLatest, migrationStatus } from '../../src/db/migrate';
import { withApp } from '../app';
import { type CliIo, println, printJson } from '../io';
import type { Globals } from '../program';

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
}
