/**
 * `hhb` loads only the module of the command it runs: each module must register exactly the
 * top-level commands the table lists, so that none is missed when it is run alone, and argv must
 * name the command as commander will read it.
 */
import { Command } from 'commander';
import { COMMAND_MODULES, buildProgram } from '../../../cli/program';
import type { CliIo } from '../../../cli/io';
import { PassThrough } from 'node:stream';

const io: CliIo = { stdout: new PassThrough(), stderr: new PassThrough(), env: {}, cwd: '/tmp', now: () => new Date('2025-07-01T02:00:00Z') };
const names = (program: Command): string[] => program.commands.map((c) => c.name());

describe('the command modules of hhb', () => {
  it('each registers exactly the top-level commands listed for it', () => {
    for (const module of COMMAND_MODULES) {
      const program = new Command('hhb');
      module.load()(program, io, () => ({}));
      expect(names(program)).toEqual(module.names);
    }
  });

  it('lists every command once, and the whole program has them in the listed order', () => {
    const listed = COMMAND_MODULES.flatMap((m) => m.names);
    expect(new Set(listed).size).toBe(listed.length);
    expect(names(buildProgram(io))).toEqual(listed);
    expect(names(buildProgram(io, ['node', 'hhb', '--help']))).toEqual(listed);
    expect(names(buildProgram(io, ['node', 'hhb', 'no-such-command']))).toEqual(listed);
  });

  it('builds only the named command (after --db and its value), and nothing for --version', () => {
    expect(names(buildProgram(io, ['node', 'hhb', '--db', 'results', 'rounds', 'list']))).toEqual(['rounds']);
    expect(names(buildProgram(io, ['node', 'hhb', 'explain', '2025-H1', 'x']))).toEqual(['results', 'explain']);
    expect(names(buildProgram(io, ['node', 'hhb', '--version']))).toEqual([]);
    expect(names(buildProgram(io, ['node', 'hhb', 'rounds', '--version']))).toEqual(['rounds']);
  });

  it('reads the command name as commander does', () => {
    const listed = COMMAND_MODULES.flatMap((m) => m.names);
    expect(names(buildProgram(io, ['node', 'hhb']))).toEqual(listed);
    expect(names(buildProgram(io, ['node', 'hhb', '--db', './data', 'firms', 'import', 'a.csv']))).toEqual(['streets', 'firms', 'projects']);
    expect(names(buildProgram(io, ['node', 'hhb', '-h']))).toEqual(listed);
    expect(names(buildProgram(io, ['node', 'hhb', '-h', 'rounds']))).toEqual(listed);
    expect(names(buildProgram(io, ['node', 'hhb', '-h', '-V']))).toEqual(listed);
    expect(names(buildProgram(io, ['node', 'hhb', 'rounds', '--help']))).toEqual(['rounds']);
    expect(names(buildProgram(io, ['node', 'hhb', 'help', 'rounds']))).toEqual(listed);
  });
});
