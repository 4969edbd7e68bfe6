import { resolve } from 'node:path';
import type { Command } from 'commander';
import { historyRounds, importHistory } from '../../src/app/history-import';
import { withApp } from '../app';
import { type CliIo, printJson, println } from '../io';
import type { Globals } from '../program';

export function registerHistory(program: Command, io: CliIo, globals: Globals): void {
  const history = program.command('history').description('启用本系统之前已发布的历史榜单（用于连续黑榜认定和企业历次评价）');
  history
    .command('import <file>')
    .description('导入历史榜单：评价期、统一社会信用代码、企业名称、排名、综合得分、榜单（红榜/黑榜/重点监管/无）、整改结果（通过/未通过/空）；CSV 或 XLSX，有任何错误则整份文件不导入，导入后不可修改')
    .action(async (file: string) => {
      const summary = await withApp(io, globals(), (ctx) => importHistory(ctx, resolve(io.cwd, file)));
      println(io.stdout, `已导入历史榜单 ${summary.rows} 行：`);
      for (const r of summary.rounds) println(io.stdout, `  ${r.code}：${r.firms} 家企业，红榜 ${r.red}，黑榜 ${r.black}，重点监管 ${r.watch}`);
    });
  history
    .command('list')
    .description('列出已导入的历史评价期及企业数')
    .option('--json', '以 JSON 输出')
    .action(async (opts: { json?: boolean }) => {
      const rounds = await withApp(io, globals(), (ctx) => historyRounds(ctx));
      if (opts.json) return printJson(io, rounds);
      if (rounds.length === 0) println(io.stdout, '尚未导入历史榜单。');
      for (const r of rounds) {
        println(io.stdout, `${r.code}（历史导入）${r.firms} 家企业，红榜 ${r.red}，黑榜 ${r.black}，重点监管 ${r.watch}；文件 ${r.fileName}，${r.importedBy} 导入`);
      }
    });
}
