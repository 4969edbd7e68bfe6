import { createWriteStream } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { excludeFlaggedAnswers, surveyAnomalyReport } from '../../src/app/survey-anomalies';
import { surveyComments } from '../../src/app/survey-comments';
import { issueSurveyCodes, writeSurveyLetterFiles } from '../../src/app/survey-codes';
import { surveyProgress } from '../../src/app/survey-progress';
import { type Roster, readRoster } from '../../src/app/survey-roster';
import { DomainError } from '../../src/domain/errors';
import { withApp } from '../app';
import { type CliIo, printJson, println } from '../io';
import type { Globals } from '../program';

export const LETTERS_FILE = '户码通知.pdf';
export const CODES_FILE = 'codes.csv';

export function registerSurvey(program: Command, io: CliIo, globals: Globals): void {
  const survey = program.command('survey').description('扫码评价：向住户发放户码，居民用手机作答');
  survey
    .command('codes <round>')
    .description('为进行中周期的参评项目每户发放一个户码：写出 A4 通知书（PDF，每页两户，含二维码）和邮件合并用的 codes.csv；重新发放会作废该项目原有户码（记入审计日志）')
    .requiredOption('--out <dir>', '输出目录（写入 户码通知.pdf 和 codes.csv）')
    .option('--street <street>', '只发放该街道（编码或名称）的项目')
    .option('--project <code>', '只发放该项目（项目编号）')
    .option('--deadline <date>', '通知书上的截止日期（年-月-日，默认为本周期最后一天）')
    .option('--roster <file>', '住户名册 CSV 或 Excel 工作簿 .xlsx（项目编号、户号，如 3-2-201）：每个户码对应一个户号并印在通知书上；不用名册时按 1…户数 编号')
    .option('--json', '以 JSON 输出发放摘要（不含户码）')
    .action(async (round: string, opts: { out: string; street?: string; project?: string; deadline?: string; roster?: string; json?: boolean }) => {
      const dir = resolve(io.cwd, opts.out);
      let roster: { fileName: string; households: Roster } | undefined;
      if (opts.roster !== undefined) {
        const file = resolve(io.cwd, opts.roster);
        const bytes = await readFile(file).catch(() => {
          throw new DomainError('INPUT_INVALID', `无法读取住户名册：${file}`, [{ row: null, column: 'roster', message: '文件不存在或无法读取' }]);
        });
        roster = { fileName: basename(file), households: await readRoster(bytes, basename(file)) };
      }
      const issued = await withApp(io, globals(), (ctx) =>
        issueSurveyCodes(ctx, { round, street: opts.street, project: opts.project, deadline: opts.deadline, roster }, async (codes, trx) => {
          await mkdir(dir, { recursive: true });
          const files = await writeSurveyLetterFiles(codes, trx, createWriteStream(join(dir, LETTERS_FILE)));
          await writeFile(join(dir, CODES_FILE), files.csv);
        }),
      );
      const summary = { round: issued.round, deadline: issued.deadline, codes: issued.codes.length, projects: issued.projects, files: [join(dir, LETTERS_FILE), join(dir, CODES_FILE)] };
      if (opts.json) return printJson(io, summary);
      println(io.stdout, `已为评价周期 ${issued.round} 的 ${issued.projects.length} 个项目发放 ${issued.codes.length} 个户码（截止 ${issued.deadline}）：`);
      for (const p of issued.projects) println(io.stdout, `  ${p.code} ${p.name}：${p.households} 户${p.revoked > 0 ? `，原有 ${p.revoked} 个户码已作废` : ''}`);
      println(io.stdout, `通知书：${join(dir, LETTERS_FILE)}`);
      println(io.stdout, `邮件合并：${join(dir, CODES_FILE)}`);
    });
  survey
    .command('anomalies <round>')
    .description('列出扫码评价中疑似刷票的项目：10 分钟内集中提交 ≥ 20 份、答案雷同远高于全市、同一网络地址 ≥ 5 户、打开问卷不足 10 秒即提交 ≥ 5 份')
    .option('--json', '以 JSON 输出')
    .action(async (round: string, opts: { json?: boolean }) => {
      const report = await withApp(io, globals(), (ctx) => surveyAnomalyReport(ctx, round));
      if (opts.json) return printJson(io, report);
      if (report.projects.length === 0) return println(io.stdout, `评价周期 ${report.round} 的 ${report.answers} 份网上问卷未发现异常。`);
      println(io.stdout, `评价周期 ${report.round} 的 ${report.answers} 份网上问卷中，${report.projects.length} 个项目有异常：`);
      for (const p of report.projects) {
        println(io.stdout, `  ${p.projectCode}（${p.answers} 份）：`);
        for (const a of p.anomalies) println(io.stdout, `    - ${a.reason}`);
      }
    });
  survey
    .command('progress <round>')
    .description('扫码评价进度：各项目已发户码、网上作答户数和逐户问卷数；各企业有效问卷数与所需样本量')
    .option('--street <street>', '只看该街道（编码或名称）的项目')
    .option('--json', '以 JSON 输出')
    .action(async (round: string, opts: { street?: string; json?: boolean }) => {
      const progress = await withApp(io, globals(), (ctx) => surveyProgress(ctx, round, { street: opts.street }));
      if (opts.json) return printJson(io, progress);
      println(io.stdout, `评价周期 ${progress.round} 扫码评价进度：`);
      for (const p of progress.projects) {
        println(io.stdout, `  ${p.code} ${p.name}：${p.households} 户，户码 ${p.codes}，网上作答 ${p.online} 户${p.excluded > 0 ? `（另有 ${p.excluded} 户已排除）` : ''}，逐户问卷共 ${p.responses} 份`);
        // Letters without a roster number households 1…户数; a contractor's file names them by 户号: the two cannot be matched.
        if (p.numberedOnline > 0 && p.fromFiles > 0) println(io.stdout, `    注意：本项目同时有网上作答和文件导入的逐户问卷（${p.fromFiles} 份），户序号与户号无法对应，请只保留一种来源。`);
      }
      println(io.stdout, '企业有效问卷与所需样本：');
      for (const f of progress.firms) println(io.stdout, `  ${f.name}（${f.uscc}）：${f.responses} / ${f.required} 份${f.missing > 0 ? `，尚差 ${f.missing} 份` : '，已达到'}`);
    });
  survey
    .command('comments <round>')
    .description('居民留言（按项目，不含户号等任何住户信息）')
    .option('--project <code>', '只看该项目（项目编号）')
    .option('--json', '以 JSON 输出')
    .action(async (round: string, opts: { project?: string; json?: boolean }) => {
      const out = await withApp(io, globals(), (ctx) => surveyComments(ctx, round, { project: opts.project }));
      if (opts.json) return printJson(io, out);
      if (out.comments.length === 0) return println(io.stdout, `评价周期 ${out.round} 暂无居民留言。`);
      let project = '';
      for (const c of out.comments) {
        if (c.projectCode !== project) println(io.stdout, `${c.projectCode} ${c.projectName}：`);
        project = c.projectCode;
        println(io.stdout, `  [${c.day}] ${c.comment.replace(/\n/g, ' ')}`);
      }
    });
  survey
    .command('exclude <round> <project>')
    .description('排除某项目被标记为异常的网上答案（须写明理由，记入审计日志；答案保留并标明已排除，不再计入得分和样本量）')
    .requiredOption('--reason <text>', '排除理由，例如「10 分钟内集中提交 22 份，经核查为物业代答」')
    .action(async (round: string, project: string, opts: { reason: string }) => {
      const out = await withApp(io, globals(), (ctx) => excludeFlaggedAnswers(ctx, round, project, opts.reason));
      println(io.stdout, `已排除评价周期 ${out.round} 项目 ${out.project} 的 ${out.households} 户异常网上答案（不再计入居民评分和样本量；答案保留备查）。`);
    });
}
