/**
 * A newcomer's first commands: `hhb` alone prints the help and exits 0; a command group without its
 * subcommand (`hhb rounds`, `hhb users`…) prints that group's help and exits 2 (bad usage).
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hhb, closeCliDatabases } from './cli-harness';

afterAll(closeCliDatabases);

describe('hhb help', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hhb-help-'));
  const db = join(dir, 'data');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the whole help on stdout and exits 0 when run with no command', async () => {
    const r = await hhb([], { db, cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Usage: hhb');
    expect(r.stdout).toContain('物业服务企业红黑榜评价引擎');
    for (const command of ['rounds', 'scores', 'results', 'demo', 'serve', 'template']) expect(r.stdout).toContain(`  ${command}`);
    expect(r.stderr).toBe('');
  });

  it.each([
    ['rounds', ['create', 'close', 'compute', 'publish']],
    ['users', ['add', 'list', 'disable']],
    ['scores', ['import']],
    ['audit', ['log', 'verify']],
  ])('prints the help of `hhb %s` without its subcommand and exits 2', async (group, subcommands) => {
    const r = await hhb([group], { db, cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`Usage: hhb ${group}`);
    for (const sub of subcommands) expect(r.stderr).toContain(`  ${sub}`);
    expect(r.stderr).toContain('缺少子命令');
  });

  it('keeps --help and help <command> at exit 0, and an unknown command at exit 2', async () => {
    expect((await hhb(['--help'], { db, cwd: dir })).code).toBe(0);
    const rounds = await hhb(['help', 'rounds'], { db, cwd: dir });
    expect(rounds.code).toBe(0);
    expect(rounds.stdout).toContain('Usage: hhb rounds');
    const unknown = await hhb(['nonsense'], { db, cwd: dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('未知的命令');
  });

  it('opens no database to print help', () => {
    expect(readdirSync(dir)).toEqual([]);
  });
});
