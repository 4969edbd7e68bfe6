import { resolve } from 'node:path';
import type { Command } from 'commander';
import { importMasterData, type MasterDataKind } from '../../src/app/import-master-data';
import { withApp } from '../app';
import { type CliIo, println } from '../io';
import type { Globals } from '../program';

const groups: { kind: MasterDataKind; name: string; what: string }[] = [
  { kind: 'streets', name: 'streets', what: '街道（街道编码、街道名称、区县）' },
  { kind: 'firms', name: 'firms', what: '物业服务企业' },
  { kind: 'projects', name: 'projects', what: '物业服务项目（小区）' },
];

export function registerMasterData(program: Command, io: CliIo, globals: Globals): void {
  for (const g of groups) {
    const command = program
      .command(g.name)
      .description(`${g.what}名录`)
      .command('import <file>')
      .description(`导入${g.what}：CSV（UTF-8 或 GBK）或 XLSX，表头中英文均可；有任何错误则整份文件不导入`);
    if (g.kind === 'projects') command.option('--new-streets', '文件中未登记的街道作为新街道创建（否则视为填错，整份文件不导入）');
    command.action(async (file: string, opts: { newStreets?: boolean }) => {
      const summary = await withApp(io, globals(), (ctx) => importMasterData(ctx, g.kind, resolve(io.cwd, file), { newStreets: Boolean(opts.newStreets) }));
      println(io.stdout, `已导入 ${summary.rows} 行：新增 ${summary.created}，更新 ${summary.updated}。`);
      if (summary.newStreets?.length) println(io.stdout, `新建街道 ${summary.newStreets.length} 个：${summary.newStreets.join('、')}（编码即名称，可用 hhb streets import 补登编码）。`);
    });
  }
}
