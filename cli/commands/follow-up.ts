import { type Command, Option } from 'commander';
import { decideObjection, fileObjection, listObjections } from '../../src/app/objections';
import { decideProposal, listInterviews, listProposals, recordInterview, recordReinspection } from '../../src/app/follow-up';
import { firmHistory } from '../../src/app/firm-history';
import { formatScore, listLabel, statusLabel } from '../../src/app/labels';
import { DomainError } from '../../src/domain/errors';
import { withApp } from '../app';
import { type CliIo, println, printJson } from '../io';
import type { Globals } from '../program';

const PROPOSAL_KIND = { disqualification: '取消从业资格建议', exit: '清退建议' } as const;
const PROPOSAL_STATUS = { pending: '待决定', approved: '已批准', rejected: '已驳回' } as const;

export function registerFollowUp(program: Command, io: CliIo, globals: Globals): void {
  const app = <T>(fn: Parameters<typeof withApp<T>>[2]) => withApp(io, globals(), fn);

  const objections = program.command('objections').description('异议：公示期内企业（或住建局代为）提出，住建局在 5 个工作日内作出决定');
  objections
    .command('file <code> <uscc>')
    .description('提出异议（每家企业每个评价周期一次）')
    .requiredOption('--reason <text>', '异议理由')
    .option('--evidence <names...>', '证明材料名称（可多个）')
    .action(async (code: string, uscc: string, opts: { reason: string; evidence?: string[] }) => {
      const o = await app((ctx) => fileObjection(ctx, { round: code, uscc, reason: opts.reason, evidence: opts.evidence ?? [] }));
      println(io.stdout, `已受理 ${o.firmName} 对 ${code} 的异议（${o.filedOn}），住建局须在 5 个工作日内作出决定。`);
    });
  objections
    .command('decide <code> <uscc>')
    .description('对异议作出决定：成立（upheld）或不成立（rejected），须写明理由')
    .addOption(new Option('--decision <decision>', '决定').choices(['upheld', 'rejected']).makeOptionMandatory())
    .requiredOption('--reason <text>', '决定理由')
    .action(async (code: string, uscc: string, opts: { decision: 'upheld' | 'rejected'; reason: string }) => {
      const o = await app((ctx) => decideObjection(ctx, { round: code, uscc, decision: opts.decision, reason: opts.reason }));
      println(io.stdout, `已决定：${o.firmName} 的异议${o.decision === 'upheld' ? '成立' : '不成立'}。`);
      if (o.decision === 'upheld') {
        println(io.stdout, `下一步：hhb rounds reopen ${code} --reason "…" 后更正数据，再 close、compute（会列出排名和榜单的变化）、publicize。`);
      }
    });
  objections
    .command('list <code>')
    .description('列出异议及其处理情况（超过 5 个工作日未决定的标出）')
    .option('--json', '以 JSON 输出')
    .action(async (code: string, opts: { json?: boolean }) => {
      const list = await app((ctx) => listObjections(ctx, code));
      if (opts.json) return printJson(io, list);
      if (!list.length) return println(io.stdout, `${code} 没有异议。`);
      for (const o of list) {
        const state = o.decision ? (o.decision === 'upheld' ? '成立' : '不成立') : o.overdue ? `待决定（已 ${o.workingDays} 个工作日，超期）` : `待决定（${o.workingDays} 个工作日）`;
        println(io.stdout, `${o.filedOn}  ${o.firmName}  ${state}  理由：${o.reason}`);
      }
    });

  const proposals = program.command('proposals').description('处置建议：取消从业资格建议、清退建议，待住建局决定');
  proposals
    .command('list')
    .description('列出处置建议')
    .option('--pending', '只列待决定的')
    .option('--json', '以 JSON 输出')
    .action(async (opts: { pending?: boolean; json?: boolean }) => {
      const list = await app((ctx) => listProposals(ctx, opts.pending ? { status: 'pending' } : {}));
      if (opts.json) return printJson(io, list);
      if (!list.length) return println(io.stdout, '没有处置建议。');
      for (const p of list) println(io.stdout, `#${p.id}  ${p.round}  ${PROPOSAL_KIND[p.kind]}  ${p.firmName}  ${PROPOSAL_STATUS[p.status]}  ${p.reason}`);
    });
  proposals
    .command('decide <id>')
    .description('批准（approved）或驳回（rejected）一条处置建议；批准取消从业资格后，该企业不再参加以后的评价')
    .addOption(new Option('--decision <decision>', '决定').choices(['approved', 'rejected']).makeOptionMandatory())
    .requiredOption('--reason <text>', '决定理由')
    .action(async (id: string, opts: { decision: 'approved' | 'rejected'; reason: string }) => {
      const n = Number(id);
      if (!Number.isInteger(n) || n < 1) throw new DomainError('INPUT_INVALID', `处置建议编号应为正整数：${id}`);
      const p = await app((ctx) => decideProposal(ctx, { id: n, decision: opts.decision, reason: opts.reason }));
      println(io.stdout, `已${p.status === 'approved' ? '批准' : '驳回'}：${PROPOSAL_KIND[p.kind]}——${p.firmName}。`);
    });

  program
    .command('rectifications')
    .description('整改通知书的复查（回头看）')
    .command('reinspect <code> <uscc>')
    .description('录入复查结论：passed（通过）或 failed（未通过）')
    .addOption(new Option('--result <result>', '复查结论').choices(['passed', 'failed']).makeOptionMandatory())
    .option('--note <text>', '复查说明')
    .action(async (code: string, uscc: string, opts: { result: 'passed' | 'failed'; note?: string }) => {
      await app((ctx) => recordReinspection(ctx, { round: code, uscc, result: opts.result, note: opts.note }));
      println(io.stdout, `已录入 ${code} 整改复查结论：${opts.result === 'passed' ? '通过' : '未通过'}。`);
    });

  const interviews = program.command('interviews').description('约谈：黑榜企业法定代表人的约谈记录');
  interviews
    .command('list')
    .description('列出约谈（--pending 只列尚未约谈的）')
    .option('--round <code>', '只列此评价周期的')
    .option('--pending', '只列尚未记录约谈的')
    .option('--json', '以 JSON 输出')
    .action(async (opts: { round?: string; pending?: boolean; json?: boolean }) => {
      const list = await app((ctx) => listInterviews(ctx, { round: opts.round, pending: Boolean(opts.pending) }));
      if (opts.json) return printJson(io, { interviews: list });
      if (!list.length) println(io.stdout, '没有约谈记录。');
      for (const i of list) println(io.stdout, `${i.round}  ${i.firmName}（${i.uscc}）  安排于 ${i.scheduledOn ?? '—'}  ${i.heldOn ? `已约谈 ${i.heldOn}：${i.note ?? ''}` : '尚未约谈'}`);
    });
  interviews
    .command('record <code> <uscc>')
    .description('记录约谈已进行：日期（默认今天）和约谈情况')
    .option('--on <date>', '约谈日期 YYYY-MM-DD（默认今天）')
    .requiredOption('--note <text>', '约谈情况：约谈对象、提出的要求、企业的承诺')
    .action(async (code: string, uscc: string, opts: { on?: string; note: string }) => {
      const out = await app((ctx) => recordInterview(ctx, { round: code, uscc, heldOn: opts.on, note: opts.note }));
      println(io.stdout, `已记录 ${out.firmName} 在 ${code} 的约谈（${out.heldOn}）。`);
    });

  program
    .command('firm <uscc>')
    .description('一家企业的历次评价：排名、综合得分、榜单、证书、整改、约谈和处置决定')
    .option('--json', '以 JSON 输出')
    .option('--published', '只含已发布的评价周期（公众所见）')
    .action(async (uscc: string, opts: { json?: boolean; published?: boolean }) => {
      const h = await app((ctx) => firmHistory(ctx, uscc, { publishedOnly: Boolean(opts.published) }));
      if (opts.json) return printJson(io, h);
      println(io.stdout, `${h.name}（${h.uscc}）状态：${{ active: '正常', suspended: '暂停', disqualified: '已取消从业资格' }[h.status]}`);
      if (!h.rounds.length) println(io.stdout, '尚无评价结果。');
      for (const r of h.rounds) {
        println(io.stdout, `${r.round}（${r.imported ? '历史导入' : statusLabel(r.status)}）第 ${r.rank ?? '—'}/${r.ranked} 名  综合 ${formatScore(r.composite)}  ${listLabel(r.list)}${r.certificate ? `  证书 ${r.certificate}` : ''}`);
        if (r.rectification) {
          const res = r.rectification.result ? (r.rectification.result === 'passed' ? '复查通过' : '复查未通过') : `待复查（复查期限 ${r.rectification.reinspectBy}）`;
          println(io.stdout, `    整改通知：${r.rectification.issuedOn} 下发，期限 ${r.rectification.deadline}，${res}`);
        }
        if (r.importedRectification) println(io.stdout, `    整改结果：${r.importedRectification === 'passed' ? '通过' : '未通过'}（历史记录）`);
        for (const p of r.proposals) println(io.stdout, `    ${PROPOSAL_KIND[p.kind]}：${PROPOSAL_STATUS[p.status]}——${p.reason}`);
      }
    });
}
