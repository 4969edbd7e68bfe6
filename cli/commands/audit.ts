import type { Command } from 'commander';
import { verifyAudit } from '../../src/db/audit';
import { DomainError } from '../../src/domain/errors';
import { readAuditLog } from '../../src/app/audit-log';
import { withApp } from '../app';
import { type CliIo, println, printJson } from '../io';
import type { Globals } from '../program';

export function registerAudit(program: Command, io: CliIo, globals: Globals): void {
  const audit = program.command('audit').description('审计日志：谁在何时改了什么、为什么');
  audit
    .command('log')
    .description('列出最近的审计记录（最新的在前）')
    .option('--limit <n>', '条数', '50')
    .option('--entity <id>', '只看某个对象，如评价周期编号 2025-H1 或统一社会信用代码')
    .option('--json', '以 JSON 输出')
    .action(async (opts: { limit: string; entity?: string; json?: boolean }) => {
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 10000) throw new DomainError('INPUT_INVALID', `--limit 应为 1–10000 的整数：${opts.limit}`);
      const rows = await withApp(io, globals(), (ctx) => readAuditLog(ctx, { limit, entityId: opts.entity }));
      if (opts.json) return printJson(io, rows);
      for (const r of rows) {
        println(io.stdout, `#${r.id} ${r.at} ${r.actor} ${r.action} ${r.entity}${r.entityId ? `:${r.entityId}` : ''}${r.reason ? ` 理由：${r.reason}` : ''}`);
      }
    });
  audit
    .command('verify')
    .description('校验审计日志的哈希链，报告第一处断裂')
    .action(async () => {
      const r = await withApp(io, globals(), (ctx) => verifyAudit(ctx.knex));
      if (!r.ok) throw new DomainError('AUDIT_BROKEN', `审计日志在第 ${r.brokenAt} 条记录处断裂：该记录或其之前的记录被篡改（共 ${r.rows} 条）。`);
      println(io.stdout, `审计日志完整：${r.rows} 条记录，哈希链无断裂。`);
    });
}
