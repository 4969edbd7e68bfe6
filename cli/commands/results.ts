import type { Command } from 'commander';
import { explainFirm, getRoundResults, toFirmJson, toResultsJson } from '../../src/app/results';
import { formatScore, listLabel, statusLabel } from '../../src/app/labels';
import { withApp } from '../app';
import { type CliIo, println, printJson } from '../io';
import type { Globals } from '../program';
import { printFlags } from '../present';
import { ruleTitle } from '../../src/domain/explanation';

export function registerResults(program: Command, io: CliIo, globals: Globals): void {
  program
    .command('results <code>')
    .description('显示一个评价周期最新一次计算的排名和榜单')
    .option('--json', '以 JSON 输出（字段见 README）')
    .action(async (code: string, opts: { json?: boolean }) => {
      const view = await withApp(io, globals(), (ctx) => getRoundResults(ctx, code));
      if (opts.json) return printJson(io, toResultsJson(view));
      println(io.stdout, `${view.round}（${statusLabel(view.status)}，第 ${view.computation} 次计算，规则哈希 ${view.rulesHash.slice(0, 12)}…）`);
      println(io.stdout, '排名\t综合\t居民\t行管\t街道\t榜单\t企业');
      for (const f of view.firms) {
        println(
          io.stdout,
          [f.rank ?? '—', formatScore(f.composite), formatScore(f.scores.resident), formatScore(f.scores.regulator), formatScore(f.scores.street), listLabel(f.list), f.name + (f.flags.length ? `（${printFlags(f.flags)}）` : '')].join('\t'),
        );
      }
    });

  program
    .command('explain <code> <uscc>')
    .description('解释一家企业的得分：用到的每项数据、适用的每条规则和上榜理由')
    .option('--json', '以 JSON 输出')
    .action(async (code: string, uscc: string, opts: { json?: boolean }) => {
      const firm = await withApp(io, globals(), (ctx) => explainFirm(ctx, code, uscc));
      if (opts.json) return printJson(io, toFirmJson(firm));
      println(io.stdout, `${firm.name}（${firm.uscc}）  ${code}`);
      println(io.stdout, `排名 ${firm.rank ?? '未排名'}，综合得分 ${formatScore(firm.composite)}，榜单：${listLabel(firm.list)}`);
      println(io.stdout, `居民 ${formatScore(firm.scores.resident)}  行管 ${formatScore(firm.scores.regulator)}  街道 ${formatScore(firm.scores.street)}`);
      if (firm.flags.length) println(io.stdout, `标记：${printFlags(firm.flags)}`);
      println(io.stdout, '理由：');
      for (const r of firm.reasons) println(io.stdout, `  ${r}`);
      println(io.stdout, '数据：');
      for (const i of firm.explanation.inputs) println(io.stdout, `  [${i.source}] ${i.subject}：${i.value}`);
      println(io.stdout, '规则：');
      for (const r of firm.explanation.rules) println(io.stdout, `  【${ruleTitle(r.rule)}】${r.text}`);
    });
}
