import { join, relative, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { DomainError } from '../../src/domain/errors';
import { hasResults } from '../../src/domain/round-lifecycle';
import { listRounds } from '../../src/app/rounds';
import { writeRoundReport, type ScoreCards } from '../../src/app/report';
import { withApp } from '../app';
import { type CliIo, println } from '../io';
import type { Globals } from '../program';
import { createProgress } from '../progress';

export function registerReport(program: Command, io: CliIo, globals: Globals): void {
  program
    .command('report [code]')
    .description('生成评价周期的报告：Excel 工作簿、图表、企业评分卡、红榜企业荣誉证书')
    .option('--out <dir>', '输出目录（默认 reports/<周期>/；与 --all 同用时为各周期的上级目录）')
    .option('--all', '为所有已计算的评价周期生成报告')
    .addOption(new Option('--cards <which>', '企业评分卡：all 全部企业，listed 仅上榜企业，none 不生成（默认 500 家以内全部生成，否则仅上榜企业）').choices(['all', 'listed', 'none']))
    .action(async (code: string | undefined, opts: { out?: string; all?: boolean; cards?: ScoreCards }) => {
      if (!code && !opts.all) throw new DomainError('INPUT_INVALID', '请指定评价周期编号（如 hhb report 2025-H1），或用 --all 生成全部周期的报告。');
      if (code && opts.all) throw new DomainError('INPUT_INVALID', '评价周期编号与 --all 只能选一个。');
      const written = await withApp(io, globals(), async (ctx) => {
        const codes = opts.all
          ? (await listRounds(ctx)).filter((r) => hasResults(r.status)).map((r) => r.code)
          : [code as string];
        if (codes.length === 0) throw new DomainError('ROUND_STATE', '没有已计算的评价周期可生成报告。');
        const files: string[] = [];
        for (const c of codes) {
          const dir = opts.all ? resolve(io.cwd, opts.out ?? 'reports', c) : resolve(io.cwd, opts.out ?? join('reports', c));
          files.push(...(await writeRoundReport(ctx, c, dir, createProgress(io), opts.cards ? { scoreCards: opts.cards } : {})));
        }
        return files;
      });
      println(io.stdout, `已生成 ${written.length} 个文件：`);
      for (const f of written) println(io.stdout, `  ${relative(io.cwd, f)}`);
    });
}
