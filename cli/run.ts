import { type Command, CommanderError } from 'commander';
import type { FieldProblem } from '../src/domain/errors';
import { toDomainError } from '../src/db/sqlstate';
import { buildProgram } from './program';
import { EXIT, exitCodeFor } from './exit-codes';
import { type CliIo, println } from './io';

/** Commander's own usage errors, said in Chinese. */
const usageMessages: Record<string, string> = {
  'commander.unknownOption': '未知的选项',
  'commander.unknownCommand': '未知的命令',
  'commander.missingArgument': '缺少参数',
  'commander.optionMissingArgument': '选项缺少取值',
  'commander.missingMandatoryOptionValue': '缺少必填选项',
  'commander.excessArguments': '参数过多',
  'commander.invalidArgument': '参数无效',
  'commander.conflictingOption': '选项冲突',
};

function printProblems(io: CliIo, problems: FieldProblem[]): void {
  for (const p of problems) {
    const column = p.column ? (p.letter && !p.column.startsWith('第 ') ? `${p.letter} 列「${p.column}」` : `「${p.column}」列`) : null;
    const where = [p.sheet ? `工作表「${p.sheet}」` : null, p.row !== null ? `第 ${p.row} 行` : null, column].filter(Boolean).join(' ');
    println(io.stderr, `  - ${where ? `${where}：` : ''}${p.message}`);
  }
}

function isProblemList(details: unknown): details is FieldProblem[] {
  return Array.isArray(details) && details.every((d) => typeof d === 'object' && d !== null && 'message' in d);
}

/** Parses argv, runs one command, and turns every failure into a Chinese message and an exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const program = buildProgram(io, argv);
  // Every command, not only the root: commander copies these settings only to subcommands made
  // after them, and a subcommand without them calls process.exit(1) with an English message on a
  // bad option value (found by the bad-input corpus: `--source mayor`).
  const everyCommand = (c: Command): Command[] => [c, ...c.commands.flatMap(everyCommand)];
  // A command that has subcommands, called without one, shows its help through writeErr: caught
  // here and printed as help (bare `hhb`, exit 0; a group such as `hhb rounds`, exit 2). Commander's
  // own English error lines are dropped (outputError); runCli says them in Chinese.
  let implicitHelp: { command: Command; text: string } | null = null;
  for (const command of everyCommand(program)) {
    command.exitOverride();
    command.configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => {
        implicitHelp = { command, text: (implicitHelp?.command === command ? implicitHelp.text : '') + s };
      },
      outputError: () => {},
    });
  }
  try {
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      const shown = implicitHelp as { command: Command; text: string } | null;
      if (error.code === 'commander.help' && shown !== null && error.exitCode !== 0) {
        if (shown.command === program) {
          io.stdout.write(shown.text);
          return EXIT.ok;
        }
        println(io.stderr, `错误：缺少子命令。运行 hhb ${shown.command.name()} <子命令>，如下所列。`);
        io.stderr.write(shown.text);
        return EXIT.badInput;
      }
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return EXIT.ok;
      const zh = usageMessages[error.code] ?? '用法错误';
      println(io.stderr, `错误：${zh}（${error.message.replace(/^error: /, '')}）。运行 hhb --help 查看用法。`);
      return EXIT.badInput;
    }
    // A database error the db layer did not translate (e.g. the server went away) still gets its Chinese message.
    const domain = toDomainError(error);
    if (domain) {
      println(io.stderr, `错误：${domain.message}`);
      if (isProblemList(domain.details)) printProblems(io, domain.details);
      return exitCodeFor(domain);
    }
    println(io.stderr, `意外错误：${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return EXIT.failure;
  }
}
