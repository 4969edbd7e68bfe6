import { Command } from 'commander';
import type { CliIo } from './io';
import { registerDb } from './commands/db';
import { registerMasterData } from './commands/master-data';
import { registerRounds } from './commands/rounds';
import { registerRoundImports } from './commands/round-imports';
import { registerResults } from './commands/results';
import { registerAudit } from './commands/audit';
import { registerReport } from './commands/report';
import { registerDemo } from './commands/demo';
import { registerFollowUp } from './commands/follow-up';
import { registerTemplates } from './commands/templates';
import { registerServe } from './commands/serve';
import { registerUsers } from './commands/users';
import { registerSettings } from './commands/settings';
import { registerHistory } from './commands/history';
import { registerSurvey } from './commands/survey';

/** Builds the whole `hhb` command tree; `runCli` parses it. */
export function buildProgram(io: CliIo): Command {
  const program = new Command('hhb')
    .description('物业服务企业红黑榜评价引擎（hongheibang）')
    .version('0.1.0', '-V, --version', '显示版本号')
    .helpOption('-h, --help', '显示帮助')
    .addHelpCommand('help [command]', '显示某个命令的帮助')
    .option('--db <path|url>', '数据库：内置数据库目录（默认 ./data），或 postgres:// 连接串；也可用 DATABASE_URL 指定')
    .showSuggestionAfterError(true);
  const globals = () => program.opts<{ db?: string }>();
  registerDb(program, io, globals);
  registerMasterData(program, io, globals);
  registerRounds(program, io, globals);
  registerRoundImports(program, io, globals);
  registerResults(program, io, globals);
  registerAudit(program, io, globals);
  registerFollowUp(program, io, globals);
  registerTemplates(program, io, globals);
  registerReport(program, io, globals);
  registerDemo(program, io, globals);
  registerServe(program, io, globals);
  registerUsers(program, io, globals);
  registerSettings(program, io, globals);
  registerHistory(program, io, globals);
  registerSurvey(program, io, globals);
  return program;
}

export type Globals = () => { db?: string };
