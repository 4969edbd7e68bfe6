import type { Readable } from 'node:stream';
import { type Command, Option } from 'commander';
import { ROLE_LABELS, ROLES, addUser, changePassword, createToken, listUsers, resetPassword, revokeTokens, setUserDisabled } from '../../src/app/accounts';
import { DomainError } from '../../src/domain/errors';
import { withApp } from '../app';
import { type CliIo, printJson, println } from '../io';
import type { Globals } from '../program';

/** The first line of standard input (a password piped in: `echo … | hhb users add … --password-stdin`). */
async function firstLine(stdin: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return (Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '').trim();
}

export function registerUsers(program: Command, io: CliIo, globals: Globals): void {
  const stdin = (): Readable => (io as CliIo & { stdin?: Readable }).stdin ?? process.stdin;
  const users = program.command('users').description('账号管理');
  users
    .command('add <name>')
    .description('新增账号；密码从标准输入读入（--password-stdin），否则生成一个一次性密码（只显示这一次，首次登录须修改）')
    .addOption(new Option('--role <role>', '角色').choices([...ROLES]).makeOptionMandatory())
    .option('--street <编码或名称>', '街道账号所属街道（编码或名称）')
    .option('--firm <uscc>', '企业账号的统一社会信用代码')
    .option('--password-stdin', '从标准输入读取密码（第一行）')
    .action(async (name: string, opts: { role: string; street?: string; firm?: string; passwordStdin?: boolean }) => {
      const password = opts.passwordStdin ? await firstLine(stdin()) : undefined;
      if (opts.passwordStdin && !password) throw new DomainError('INPUT_INVALID', '标准输入中没有密码。');
      const out = await withApp(io, globals(), (ctx) => addUser(ctx, { name, role: opts.role, street: opts.street, firm: opts.firm, password }));
      println(io.stdout, `已新增账号 ${out.user.name}（${out.user.role}${out.user.street ? `，街道 ${out.user.street}` : ''}${out.user.firmUscc ? `，企业 ${out.user.firmUscc}` : ''}）。`);
      if (out.generated) println(io.stdout, `一次性初始密码（只显示这一次，请妥善转交；首次登录须修改）：${out.password}`);
    });
  users
    .command('list')
    .description('列出账号')
    .option('--json', '以 JSON 输出')
    .action(async (opts: { json?: boolean }) => {
      const list = await withApp(io, globals(), (ctx) => listUsers(ctx));
      if (opts.json) return printJson(io, { users: list });
      for (const u of list) println(io.stdout, [u.name, ROLE_LABELS[u.role], u.street ?? u.firmUscc ?? '', u.disabled ? '已停用' : u.mustChangePassword ? '待改密码' : ''].join('\t').trimEnd());
    });
  users
    .command('passwd <name>')
    .description('为账号设置新密码（从标准输入第一行读入）；该账号已登录的会话结束')
    .requiredOption('--password-stdin', '从标准输入读取新密码（第一行）')
    .action(async (name: string) => {
      const password = await firstLine(stdin());
      if (!password) throw new DomainError('INPUT_INVALID', '标准输入中没有密码。', { field: 'password' });
      const out = await withApp(io, globals(), (ctx) => changePassword(ctx, { name, next: password }));
      println(io.stdout, `已为账号 ${out.user} 设置新密码，结束会话 ${out.sessionsEnded} 个。`);
    });
  users
    .command('reset <name>')
    .description('重置忘记的密码：生成一次性密码（只显示这一次），该账号下次登录须改为自己的密码；已登录的会话结束')
    .option('--reason <text>', '重置理由（记入审计日志）')
    .action(async (name: string, opts: { reason?: string }) => {
      const out = await withApp(io, globals(), (ctx) => resetPassword(ctx, name, opts.reason));
      println(io.stdout, `已重置账号 ${out.user} 的密码，结束会话 ${out.sessionsEnded} 个。`);
      println(io.stdout, `一次性密码（只显示这一次，请妥善转交；登录后须立即修改）：${out.password}`);
    });
  users
    .command('disable <name>')
    .description('停用账号：不能再登录，已登录的会话结束，令牌全部作废')
    .option('--reason <text>', '停用理由（记入审计日志）')
    .action(async (name: string, opts: { reason?: string }) => {
      const out = await withApp(io, globals(), (ctx) => setUserDisabled(ctx, name, true, opts.reason));
      println(io.stdout, `已停用账号 ${out.user}：结束会话 ${out.sessions} 个，作废令牌 ${out.tokens} 个。`);
    });
  users
    .command('enable <name>')
    .description('重新启用账号（原有令牌仍作废，需要时另行创建）')
    .action(async (name: string) => {
      const out = await withApp(io, globals(), (ctx) => setUserDisabled(ctx, name, false));
      println(io.stdout, `已重新启用账号 ${out.user}。`);
    });

  const tokens = program.command('tokens').description('访问令牌（脚本调用 API 用）');
  tokens
    .command('revoke <name>')
    .description('作废账号 <name> 的令牌（全部，或 --label 指定用途的）')
    .option('--label <label>', '只作废此用途的令牌')
    .action(async (name: string, opts: { label?: string }) => {
      const out = await withApp(io, globals(), (ctx) => revokeTokens(ctx, name, { label: opts.label }));
      println(io.stdout, `已作废 ${out.user} 的令牌 ${out.revoked} 个。`);
    });
  tokens
    .command('create <name>')
    .description('为账号 <name> 创建访问令牌；令牌只显示这一次，数据库只存其哈希')
    .option('--label <label>', '令牌用途说明')
    .option('--days <n>', '有效天数（默认不过期）')
    .action(async (name: string, opts: { label?: string; days?: string }) => {
      const days = opts.days === undefined ? undefined : Number(opts.days);
      if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > 3650)) throw new DomainError('INPUT_INVALID', `--days 应为 1–3650 的整数：${opts.days}`);
      const out = await withApp(io, globals(), (ctx) => createToken(ctx, name, { label: opts.label, days }));
      println(io.stdout, `已为 ${out.user} 创建访问令牌（只显示这一次）：`);
      println(io.stdout, out.token);
      println(io.stdout, `用法：curl -H "Authorization: Bearer <令牌>" http://localhost:3000/api/v1/rounds`);
    });
}
