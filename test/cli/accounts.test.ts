/**
 * Accounts through the CLI on both databases: disabling an account reports how many sessions it
 * ended and tokens it revoked as numbers, and revoking tokens counts them — on the embedded database
 * too, whose driver answers a result object where PostgreSQL's answers a row count.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hhb, closeCliDatabases } from './cli-harness';
import { backends, testDatabase } from './backends';

afterAll(closeCliDatabases);

describe.each(backends())('hhb users and tokens on %s', (backend) => {
  let dir: string;
  let db: string;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hhb-accounts-'));
    ({ url: db, drop } = await testDatabase(backend, dir));
  });
  afterAll(async () => {
    await drop();
    rmSync(dir, { recursive: true, force: true });
  });
  const run = (...args: string[]) => hhb(args, { db, cwd: dir });

  it('counts the tokens revoked and the sessions ended', async () => {
    expect((await run('users', 'add', 'clerk', '--role', 'bureau')).code).toBe(0);
    for (const label of ['导入脚本', '报表脚本', '备用']) expect((await run('tokens', 'create', 'clerk', '--label', label)).code).toBe(0);

    const revoked = await run('tokens', 'revoke', 'clerk', '--label', '备用');
    expect(revoked).toMatchObject({ code: 0 });
    expect(revoked.stdout).toContain('令牌 1 个');
    expect(revoked.stdout).not.toContain('[object');

    const disabled = await run('users', 'disable', 'clerk', '--reason', '调离');
    expect(disabled).toMatchObject({ code: 0 });
    expect(disabled.stdout).toContain('结束会话 0 个，作废令牌 2 个');

    const again = await run('tokens', 'revoke', 'clerk');
    expect(again.code).toBe(2);
  });

  it('sets a password from standard input with the password rules, and resets a forgotten one to a one-time password', async () => {
    expect((await run('users', 'add', 'keeper', '--role', 'bureau')).code).toBe(0);
    const short = await hhb(['users', 'passwd', 'keeper', '--password-stdin'], { db, cwd: dir, stdin: 'short\n' });
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('至少 12 个字符');
    const common = await hhb(['users', 'passwd', 'keeper', '--password-stdin'], { db, cwd: dir, stdin: 'password1234\n' });
    expect(common.code).toBe(2);
    expect(common.stderr).toContain('常见密码');
    const set = await hhb(['users', 'passwd', 'keeper', '--password-stdin'], { db, cwd: dir, stdin: 'a long and private passphrase\n' });
    expect(set).toMatchObject({ code: 0 });
    expect(set.stdout).toContain('已为账号 keeper 设置新密码');
    expect((await run('users', 'list')).stdout).toMatch(/^keeper\t住建局$/m);

    const reset = await run('users', 'reset', 'keeper', '--reason', '忘记密码');
    expect(reset).toMatchObject({ code: 0 });
    expect(reset.stdout).toMatch(/一次性密码.*：[\w-]{16}$/m);
    expect((await run('users', 'list')).stdout).toMatch(/^keeper\t住建局\t\t待改密码$/m);
    expect((await run('users', 'reset', 'nobody')).code).toBe(2);
  });
});

