import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { importRoundData, type RoundDataKind } from '../../src/app/import-round-data';
import { withApp } from '../app';
import { type CliIo, println } from '../io';
import { createCounter } from '../progress';
import type { Globals } from '../program';

const SOURCES = ['resident', 'resident-summary', 'regulator', 'deductions', 'street'] as const;

export function registerRoundImports(program: Command, io: CliIo, globals: Globals): void {
  const run = async (code: string, kind: RoundDataKind, file: string) => {
    const counter = createCounter(io, '已读取');
    const summary = await withApp(io, globals(), (ctx) => importRoundData(ctx, code, kind, resolve(io.cwd, file), { onRows: (n) => counter.update(n) })).finally(() => counter.stop());
    println(io.stdout, `已导入 ${code} 的${summary.label} ${summary.rows} 行${summary.replaced ? `（替换原有记录 ${summary.replaced} 条，原记录已留存）` : ''}。`);
  };
  program
    .command('scores')
    .description('评分数据')
    .command('import <code> <file>')
    .description('导入一个评价周期的评分：居民问卷（逐户或汇总）、行管部门评分或扣分表、街道评分')
    .addOption(new Option('--source <source>', '评分来源').choices([...SOURCES]).makeOptionMandatory())
    .action(async (code: string, file: string, opts: { source: (typeof SOURCES)[number] }) => run(code, opts.source, file));
  program
    .command('events')
    .description('违规事件、一票否决事项与荣誉')
    .command('import <code> <file>')
    .description('导入一个评价周期的事件')
    .action(async (code: string, file: string) => run(code, 'events', file));
  program
    .command('complaints')
    .description('投诉（如 12345 热线）')
    .command('import <code> <file>')
    .description('导入一个评价周期各项目的投诉数')
    .action(async (code: string, file: string) => run(code, 'complaints', file));
}
