import { Command } from 'commander';
import type { CliIo } from './io';
import type { registerDb } from './commands/db';
import type { registerMasterData } from './commands/master-data';
import type { registerRounds } from './commands/rounds';
import type { registerRoundImports } from './commands/round-imports';
import type { registerResults } from './commands/results';
import type { registerAudit } from './commands/audit';
import type { registerFollowUp } from './commands/follow-up';
import type { registerTemplates } from './commands/templates';
import type { registerReport } from './commands/report';
import type { registerDemo } from './commands/demo';
import type { registerServe } from './commands/serve';
import type { registerUsers } from './commands/users';
import type { registerSettings } from './commands/settings';
import type { registerHistory } from './commands/history';
import type { registerSurvey } from './commands/survey';

type Register = (program: Command, io: CliIo, globals: Globals) => void;

/** A module of `hhb`'s commands and the top-level command names it registers. */
export interface CommandModule {
  names: readonly string[];
  load: () => Register;
}

/**
 * `hhb`'s command modules in the order `hhb --help` lists their commands. `hhb <command> …` loads
 * only the module of that command, so a command starts without loading every other command's code
 * (the workbook, PDF, chart and web-server libraries took about 1.5 s of each start); `hhb` alone,
 * its help and an unknown command load them all. A test checks each module registers the names
 * listed here.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- each command's module is loaded when that command runs */
export const COMMAND_MODULES: readonly CommandModule[] = [
  { names: ['db'], load: () => (require('./commands/db') as { registerDb: typeof registerDb }).registerDb },
  { names: ['streets', 'firms', 'projects'], load: () => (require('./commands/master-data') as { registerMasterData: typeof registerMasterData }).registerMasterData },
  { names: ['rounds'], load: () => (require('./commands/rounds') as { registerRounds: typeof registerRounds }).registerRounds },
  { names: ['scores', 'events', 'complaints'], load: () => (require('./commands/round-imports') as { registerRoundImports: typeof registerRoundImports }).registerRoundImports },
  { names: ['results', 'explain'], load: () => (require('./commands/results') as { registerResults: typeof registerResults }).registerResults },
  { names: ['audit'], load: () => (require('./commands/audit') as { registerAudit: typeof registerAudit }).registerAudit },
  { names: ['objections', 'proposals', 'rectifications', 'interviews', 'firm'], load: () => (require('./commands/follow-up') as { registerFollowUp: typeof registerFollowUp }).registerFollowUp },
  { names: ['template'], load: () => (require('./commands/templates') as { registerTemplates: typeof registerTemplates }).registerTemplates },
  { names: ['report'], load: () => (require('./commands/report') as { registerReport: typeof registerReport }).registerReport },
  { names: ['demo'], load: () => (require('./commands/demo') as { registerDemo: typeof registerDemo }).registerDemo },
  { names: ['serve'], load: () => (require('./commands/serve') as { registerServe: typeof registerServe }).registerServe },
  { names: ['users', 'tokens'], load: () => (require('./commands/users') as { registerUsers: typeof registerUsers }).registerUsers },
  { names: ['settings'], load: () => (require('./commands/settings') as { registerSettings: typeof registerSettings }).registerSettings },
  { names: ['history'], load: () => (require('./commands/history') as { registerHistory: typeof registerHistory }).registerHistory },
  { names: ['survey'], load: () => (require('./commands/survey') as { registerSurvey: typeof registerSurvey }).registerSurvey },
];
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * The command modules argv needs, its words read left to right: the module of the top-level command
 * it names (after the global `--db <value>`); none for `-V`/`--version` before any command (commander
 * prints the version and stops there); every module for the root's help, no command or an unknown
 * one.
 */
export function modulesFor(argv: readonly string[]): readonly CommandModule[] {
  const args = argv.slice(2);
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i] as string;
    if (arg === '--db') i += 1;
    else if (arg === '-V' || arg === '--version') return [];
    else if (arg === '--' || arg === '-h' || arg === '--help') return COMMAND_MODULES;
    else if (!arg.startsWith('-')) {
      const named = COMMAND_MODULES.find((m) => m.names.includes(arg));
      return named ? [named] : COMMAND_MODULES;
    }
  }
  return COMMAND_MODULES;
}

/**
 * Builds the `hhb` command tree for argv (every command when argv names none of them, or is not
 * given); `runCli` parses it.
 */
export function buildProgram(io: CliIo, argv?: readonly string[]): Command {
  const program = new Command('hhb')
    .description('物业服务企业红黑榜评价引擎（hongheibang）')
    .version('0.1.0', '-V, --version', '显示版本号')
    .helpOption('-h, --help', '显示帮助')
    .addHelpCommand('help [command]', '显示某个命令的帮助')
    .option('--db <path|url>', '数据库：内置数据库目录（默认 ./data），或 postgres:// 连接串；也可用 DATABASE_URL 指定')
    .showSuggestionAfterError(true);
  const globals = () => program.opts<{ db?: string }>();
  for (const module of argv === undefined ? COMMAND_MODULES : modulesFor(argv)) module.load()(program, io, globals);
  return program;
}

export type Globals = () => { db?: string };
