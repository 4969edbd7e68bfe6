/**
 * History from before the system (SPEC §11): `hhb history import <file>` takes the half-year lists the
 * bureau published before it ran hhb (评价期, USCC, name, rank, composite, list, rectification result)
 * so that the consecutive-black rule (§5.9) and the firms' histories work from the first round run
 * here. All-or-nothing like every import; the rounds it writes are final (the database refuses any
 * change), and a round code is either run in hhb or imported, never both.
 */
import { basename } from 'node:path';
import { DomainError, type FieldProblem } from '../domain/errors';
import { readImport } from '../imports';
import type { HistoryRow, RowCheckContext } from '../imports/kinds';
import type { ImportContext } from '../imports/read-import';
import { appendAudit } from '../db/audit';
import { type HistoryRoundSummary, insertHistory, listHistoryRounds, takenRoundCodes } from '../db/history-repo';
import type { AppContext } from './context';
import { fileSha256, recordImport } from './import-master-data';
import { statusLabel } from './labels';

export interface HistoryImportSummary {
  rows: number;
  rounds: { code: string; firms: number; red: number; black: number; watch: number }[];
}

/**
 * The same firm twice in one round, spelt differently (2023-H2 and 2023年下半年): the file's own
 * check compares cell texts, this one the codes read.
 */
function repeatedFirms(rows: readonly HistoryRow[]): FieldProblem[] {
  const seen = new Map<string, number>();
  const problems: FieldProblem[] = [];
  for (const r of rows) {
    const key = `${r.roundCode}\u0000${r.uscc}`;
    const earlier = seen.get(key);
    if (earlier === undefined) seen.set(key, r.row);
    else problems.push({ row: r.row, column: '统一社会信用代码', message: `同一评价期的同一企业在本文件中出现两次（第 ${earlier} 行与第 ${r.row} 行）` });
  }
  return problems;
}

export async function importHistory(ctx: AppContext, file: string): Promise<HistoryImportSummary> {
  const sha256 = await fileSha256(file);
  const { run, imported } = await takenRoundCodes(ctx.knex);
  const takenRounds = new Map<string, string>();
  for (const r of run) takenRounds.set(r.code, `已在本系统中建立（${statusLabel(r.status)}）`);
  for (const code of imported) takenRounds.set(code, '已作为历史榜单导入');
  const check: ImportContext & RowCheckContext = { takenRounds, firstRound: run.find((r) => r.kind === 'half')?.code ?? null };
  const { rows } = await readImport('history', file, check);
  const repeated = repeatedFirms(rows);
  if (repeated.length > 0) throw new DomainError('IMPORT_INVALID', `文件有 ${repeated.length} 处错误`, repeated);
  if (rows.length === 0) throw new DomainError('IMPORT_INVALID', '文件中没有数据行，未导入', [{ row: null, column: null, message: '表头下没有任何企业的行' }]);

  const rounds = new Map<string, HistoryImportSummary['rounds'][number]>();
  for (const r of rows) {
    const round = rounds.get(r.roundCode) ?? { code: r.roundCode, firms: 0, red: 0, black: 0, watch: 0 };
    round.firms += 1;
    if (r.list !== null) round[r.list] += 1;
    rounds.set(r.roundCode, round);
  }
  const summary: HistoryImportSummary = { rows: rows.length, rounds: [...rounds.values()].sort((a, b) => (a.code < b.code ? -1 : 1)) };
  return ctx.knex.transaction(async (trx) => {
    const importId = await recordImport(trx, ctx, { roundId: null, kind: 'history', file, sha256, rows: rows.length });
    await insertHistory(
      trx,
      importId,
      rows.map((r) => ({ roundCode: r.roundCode, uscc: r.uscc, name: r.name, rank: r.rank, composite: r.composite, list: r.list, rectification: r.rectification })),
    );
    await appendAudit(trx, {
      actor: ctx.actor,
      action: 'history.import',
      entity: 'history',
      entityId: summary.rounds.map((r) => r.code).join(','),
      after: { file: basename(file), sha256, ...summary },
    });
    return summary;
  });
}

export async function historyRounds(ctx: AppContext): Promise<HistoryRoundSummary[]> {
  return listHistoryRounds(ctx.knex);
}
