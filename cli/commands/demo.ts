import { existsSync, readdirSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../src/config';
import { DomainError } from '../../src/domain/errors';
import { formatScore } from '../../src/app/labels';
import { runDemo } from '../../src/app/demo/run-demo';
import { withApp } from '../app';
import { type CliIo, println } from '../io';
import type { Globals } from '../program';
import { createProgress } from '../progress';

/** A data folder written by `hhb demo` carries this file, so a later demo may start it afresh. */
const DEMO_MARKER = '.hhb-demo';

/**
 * The demo starts from a clean database each time: an embedded data folder that is empty, missing,
 * or made by an earlier demo is wiped; anything else (real data) is left alone and the demo refuses.
 */
async function prepareDemoDatabase(io: CliIo, db: string | undefined): Promise<string> {
  const config = loadConfig(io.env, { db });
  if (config.database.kind === 'postgres') {
    throw new DomainError('INPUT_INVALID', 'hhb demo 只在内置数据库上运行，以免改动 PostgreSQL 中的真实数据。请去掉 --db/DATABASE_URL，或用 --db <目录> 指定一个内置数据库目录。');
  }
  const dir = config.database.dataDir;
  if (existsSync(dir) && readdirSync(dir).length > 0 && !existsSync(join(dir, DEMO_MARKER))) {
    throw new DomainError(
      'INPUT_INVALID',
      `${dir} 中已有数据，hhb demo 不会覆盖它。请用 --db <另一个目录> 运行示例（例如 npx hhb demo --db ./demo-data），或先移走该目录。`,
    );
  }
  await io.databases?.release(dir);
  await rm(dir, { recursive: true, force: true });
  return dir;
}

export function registerDemo(program: Command, io: CliIo, globals: Globals): void {
  program
    .command('demo')
    .description('在内置数据库上运行示例市的完整评价流程：两个半年度、年度综合评价，直至发布，并生成报告')
    .option('--seed <n>', '示例数据的随机种子（相同种子生成相同数据）', '2025')
    .option('--year <yyyy>', '示例年份', '2025')
    .option('--out <dir>', '报告输出目录', 'reports/demo')
    .option('--no-reports', '只建示例数据库、不生成各周期的报告（更快；之后可用 hhb report --all 生成）')
    .action(async (opts: { seed: string; year: string; out: string; reports: boolean }) => {
      const seed = Number(opts.seed);
      const year = Number(opts.year);
      if (!Number.isInteger(seed) || seed < 0) throw new DomainError('INPUT_INVALID', `--seed 必须是非负整数：${opts.seed}`);
      if (!Number.isInteger(year) || year < 2000 || year > 2099) throw new DomainError('INPUT_INVALID', `--year 必须是 2000–2099 之间的年份：${opts.year}`);
      const dataDir = await prepareDemoDatabase(io, globals().db);
      const outDir = resolve(io.cwd, opts.out);
      await rm(outDir, { recursive: true, force: true });
      const outcome = await withApp(io, { db: dataDir }, async (ctx) => {
        await writeFile(join(dataDir, DEMO_MARKER), '由 hhb demo 创建；再次运行 hhb demo 会清空此目录。\n');
        return runDemo(ctx, { seed, year, outDir, log: (line) => println(io.stderr, line), progress: createProgress(io), reports: opts.reports });
      });

      const rel = (p: string) => relative(io.cwd, p) || '.';
      println(io.stdout, '');
      println(io.stdout, `示例市 ${year} 年度物业服务企业评价已完成（35 家企业）。`);
      for (const round of outcome.rounds) {
        const r = round.result;
        const red = r.firms.filter((f) => f.list === 'red');
        const black = r.firms.filter((f) => f.list === 'black');
        const watch = r.firms.filter((f) => f.list === 'watch');
        println(io.stdout, '');
        println(io.stdout, `【${round.code}】参与排名 ${r.ranked} 家：红榜 ${red.length} 家，黑榜 ${black.length} 家，重点监管 ${watch.length} 家`);
        for (const f of red) println(io.stdout, `  红榜 第${f.rank}名 ${f.name} ${formatScore(f.composite)}`);
        for (const f of black) println(io.stdout, `  黑榜 第${f.rank}名 ${f.name} ${formatScore(f.composite)}  ${f.reasons[0] ?? ''}`);
      }
      if (outcome.proposals.length) {
        println(io.stdout, '');
        println(io.stdout, '待住建局决定的处置建议：');
        for (const p of outcome.proposals) println(io.stdout, `  ${p.round} ${p.kind === 'disqualification' ? '取消从业资格建议' : '清退建议'}：${p.firm}——${p.reason}`);
      }
      println(io.stdout, '');
      println(io.stdout, `输入文件：${rel(outcome.inputsDir)}/`);
      if (opts.reports) println(io.stdout, `报告：${rel(outcome.reportsDir)}/<周期>/（Excel 工作簿、图表、企业评分卡、荣誉证书）`);
      else println(io.stdout, `报告：未生成（--no-reports）；需要时运行 npx hhb report --all`);
      println(io.stdout, `数据库：${rel(dataDir)}（内置 PGlite）`);
      println(io.stdout, '');
      println(io.stdout, '接下来可以：');
      const dbFlag = rel(dataDir) === 'data' ? '' : ` --db ${rel(dataDir)}`;
      println(io.stdout, `  npx hhb results ${year}-H1${dbFlag}            查看排名`);
      println(io.stdout, `  npx hhb explain ${year}-H1 <统一社会信用代码>${dbFlag}   查看某家企业的得分说明`);
      println(io.stdout, `  npx hhb rounds list${dbFlag}                 查看评价周期`);
      println(io.stdout, `  npx hhb serve${dbFlag}                       启动网站，浏览器打开 http://localhost:3000 查看公开榜单`);
      println(io.stdout, `  npx hhb users add 科员 --role bureau${dbFlag}  新增住建局账号（显示一次性密码，首次登录网站时改为自己的密码）`);
    });
}
