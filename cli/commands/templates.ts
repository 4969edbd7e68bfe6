import { createWriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { TEMPLATE_KINDS, writeEntryTemplate, type TemplateKind } from '../../src/app/templates';
import { withApp } from '../app';
import { type CliIo, println } from '../io';
import type { Globals } from '../program';

export function registerTemplates(program: Command, io: CliIo, globals: Globals): void {
  program
    .command('template')
    .description('下载录入模板（XLSX）：按评价周期预填项目或企业，得分列带数据校验')
    .addOption(new Option('--kind <kind>', '模板种类').choices(Object.keys(TEMPLATE_KINDS)).makeOptionMandatory())
    .option('--round <code>', '评价周期（预填该周期的项目或企业）')
    .option('--street <编码或名称>', '只含某个街道的项目（街道评分等），街道用编码或名称')
    .requiredOption('--out <file>', '输出文件，如 街道评分模板.xlsx')
    .action(async (opts: { kind: TemplateKind; round?: string; street?: string; out: string }) => {
      const file = resolve(io.cwd, opts.out);
      const rows = await withApp(io, globals(), (ctx) => writeEntryTemplate(ctx, opts.kind, { round: opts.round, street: opts.street }, () => createWriteStream(file)));
      println(io.stdout, `已生成模板 ${opts.out}（预填 ${rows} 行）。填写后用 hhb scores import 等命令导入。`);
    });
}
