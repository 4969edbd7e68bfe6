import type { AddressInfo } from 'node:net';
import type { Command } from 'commander';
import { loadConfig } from '../../src/config';
import { DomainError } from '../../src/domain/errors';
import { createApp } from '../../src/http/app';
import { withApp } from '../app';
import { type CliIo, println } from '../io';
import type { Globals } from '../program';

/** Stops on SIGINT/SIGTERM (or when `stop` resolves, in tests): no new connections, open requests finish, then the database closes. */
export function registerServe(program: Command, io: CliIo, globals: Globals, stop?: Promise<void>): void {
  program
    .command('serve')
    .description('启动网站与 API（公开榜单、工作台、街道录入、企业评分卡、/api/v1）')
    .option('--port <port>', '端口（默认 PORT 环境变量或 3000）')
    .option('--host <host>', '监听地址', '0.0.0.0')
    .option('--trust-proxy', '位于 HTTPS 反向代理之后（按 X-Forwarded-Proto 设置 Secure Cookie）')
    .action(async (opts: { port?: string; host: string; trustProxy?: boolean }) => {
      const config = loadConfig(io.env, { db: globals().db });
      const port = opts.port === undefined ? config.port : Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new DomainError('INPUT_INVALID', `端口「${opts.port}」无效：应为 0–65535 的整数。`);
      await withApp(io, globals(), async (ctx) => {
        const app = createApp({ knex: ctx.knex, dbKind: ctx.dbKind, now: io.now, trustProxy: opts.trustProxy ? 1 : undefined, sessionIdleMinutes: config.sessionIdleMinutes, log: (line) => io.stderr.write(`${line}\n`) });
        const server = app.listen(port, opts.host);
        await new Promise<void>((resolve, reject) => {
          server.once('listening', resolve);
          server.once('error', (e: NodeJS.ErrnoException) => reject(e.code === 'EADDRINUSE' ? new DomainError('INPUT_INVALID', `端口 ${port} 已被占用。`) : e));
        });
        const bound = (server.address() as AddressInfo).port;
        println(io.stdout, `网站已启动：http://localhost:${bound}/（按 Ctrl+C 停止）`);
        await new Promise<void>((resolve) => {
          const shutdown = () => {
            process.off('SIGINT', shutdown);
            process.off('SIGTERM', shutdown);
            println(io.stdout, '正在停止……');
            server.close(() => resolve());
            server.closeIdleConnections();
            // Requests still running after 10 s are cut off.
            setTimeout(() => server.closeAllConnections(), 10_000).unref();
          };
          process.once('SIGINT', shutdown);
          process.once('SIGTERM', shutdown);
          void stop?.then(shutdown);
        });
        println(io.stdout, '已停止。');
      });
    });
}
