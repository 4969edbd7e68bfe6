import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import {
  closeRound,
  computeRound,
  createRound,
  listRounds,
  openRound,
  publicizeRound,
  publishRound,
  reopenRound,
} from '../../src/app/rounds';
import { statusLabel } from '../../src/app/labels';
import { roundRulesDocument, simulateRound, toSimulationJson } from '../../src/app/simulate';
import { withApp } from '../app';
import { type CliIo, println, printJson } from '../io';
import type { Globals } from '../program';
import { printCompleteness, printListsSummary } from '../present';
import { printSimulation } from '../present-simulation';

export function registerRounds(program: Command, io: CliIo, globals: Globals): void {
  const rounds = program.command('rounds').description('评价周期（YYYY-H1 上半年，YYYY-H2 下半年，YYYY-Y 年度综合评价）');
  const app = <T>(fn: Parameters<typeof withApp<T>>[2]) => withApp(io, globals(), fn);

  rounds
    .command('create <code>')
    .description('创建评价周期，冻结其评分规则（默认规则，或 --rules 指定的 JSON 文件）')
    .option('--rules <file>', '评分规则 JSON 文件')
    .action(async (code: string, opts: { rules?: string }) => {
      const round = await app((ctx) => createRound(ctx, { code, rulesFile: opts.rules === undefined ? undefined : resolve(io.cwd, opts.rules) }));
      println(io.stdout, `已创建评价周期 ${round.code}（${statusLabel(round.status)}），规则哈希 ${round.rulesHash}`);
    });

  rounds
    .command('open <code>')
    .description('开始录入：快照企业与项目的对应关系和户数')
    .action(async (code: string) => {
      const r = await app((ctx) => openRound(ctx, code));
      println(io.stdout, `${code} 已开始录入：参评企业 ${r.firms} 家，项目 ${r.projects} 个。`);
    });

  rounds
    .command('close <code>')
    .description('停止录入并检查数据完整性')
    .option('--json', '以 JSON 输出完整性报告')
    .action(async (code: string, opts: { json?: boolean }) => {
      const report = await app((ctx) => closeRound(ctx, code));
      if (opts.json) return printJson(io, report);
      println(io.stdout, `${code} 已停止录入。`);
      printCompleteness(io, report);
    });

  rounds
    .command('compute <code>')
    .description('计算得分、排名和红黑榜（每次计算均编号留存）')
    .option('--force', '缺少评分来源时仍然计算（按剩余来源重新归一权重并标记）')
    .action(async (code: string, opts: { force?: boolean }) => {
      const r = await app((ctx) => computeRound(ctx, code, { force: Boolean(opts.force) }));
      println(io.stdout, `${code} 第 ${r.computation} 次计算完成：参与排名 ${r.result.ranked} 家，前/后 10% 名额 ${r.result.sliceSize} 家。`);
      printListsSummary(io, r.result);
      if (r.changes) {
        println(io.stdout, r.changes.length ? `与上次计算相比有 ${r.changes.length} 家企业变化：` : '与上次计算相比，排名和榜单没有变化。');
        for (const c of r.changes) println(io.stdout, `  ${c.text}`);
      }
    });

  rounds
    .command('simulate <code>')
    .description('试算：按另一份规则计算已停止录入或已计算的周期，不保存任何结果，列出名次或榜单会变化的企业')
    .requiredOption('--rules <file>', '评分规则 JSON 文件（与 rounds create --rules 相同的格式和校验）')
    .option('--force', '缺少评分来源时仍然试算（按强制计算的方式）')
    .option('--json', '以 JSON 输出')
    .action(async (code: string, opts: { rules: string; force?: boolean; json?: boolean }) => {
      const s = await app((ctx) => simulateRound(ctx, code, { rulesFile: resolve(io.cwd, opts.rules), force: Boolean(opts.force) }));
      if (opts.json) return printJson(io, toSimulationJson(s));
      printSimulation(io, s);
    });

  rounds
    .command('rules <code>')
    .description('输出周期冻结的评分规则（JSON），可修改后用于 rounds simulate 试算或新建周期')
    .option('--out <file>', '写入文件而不是输出到屏幕')
    .action(async (code: string, opts: { out?: string }) => {
      const doc = await app((ctx) => roundRulesDocument(ctx, code));
      const text = `${JSON.stringify(doc.rules, null, 2)}\n`;
      if (opts.out === undefined) return void io.stdout.write(text);
      await writeFile(resolve(io.cwd, opts.out), text, 'utf8');
      println(io.stdout, `已写出 ${code} 的评分规则到 ${opts.out}（规则哈希 ${doc.rulesHash}）。`);
    });

  rounds
    .command('publicize <code>')
    .description('公示：公开拟定榜单，公示期内企业可提出异议')
    .option('--days <n>', '公示天数', '7')
    .action(async (code: string, opts: { days: string }) => {
      const r = await app((ctx) => publicizeRound(ctx, code, { days: opts.days }));
      println(io.stdout, `${code} 已公示，公示期至 ${r.noticeEndsOn}。`);
    });

  rounds
    .command('publish <code>')
    .description('发布最终结果（发布后不可更改），生成证书编号、整改通知和处置建议')
    .option('--now', '公示期未满即发布（须用 --reason 说明理由，记入审计日志）')
    .option('--reason <text>', '提前发布的理由')
    .action(async (code: string, opts: { now?: boolean; reason?: string }) => {
      const r = await app((ctx) => publishRound(ctx, code, { early: Boolean(opts.now), reason: opts.reason }));
      println(io.stdout, `${code} 已发布。证书 ${r.certificates} 份，整改通知 ${r.rectifications} 份，约谈 ${r.interviews} 家，处置建议 ${r.proposals} 条。`);
    });

  rounds
    .command('reopen <code>')
    .description('重新开放已停止录入、已计算或公示中的评价周期（须写明理由，已发布的不可重开）')
    .requiredOption('--reason <text>', '重开理由')
    .action(async (code: string, opts: { reason: string }) => {
      await app((ctx) => reopenRound(ctx, code, opts.reason));
      println(io.stdout, `${code} 已重新开放录入。`);
    });

  rounds
    .command('list')
    .description('列出评价周期')
    .option('--json', '以 JSON 输出')
    .action(async (opts: { json?: boolean }) => {
      const list = await app((ctx) => listRounds(ctx));
      if (opts.json) return printJson(io, list);
      if (list.length === 0) return println(io.stdout, '尚无评价周期。用 hhb rounds create 2025-H1 创建。');
      for (const r of list) println(io.stdout, `${r.code}\t${statusLabel(r.status)}\t规则 ${r.rulesHash.slice(0, 12)}…`);
    });
}
