/**
 * Imports of a round's inputs (SPEC §4, §7): survey responses and summaries, regulator scores and
 * deduction sheets, street scores, events and complaints. The round must be open. All-or-nothing:
 * every problem of the file is reported by row and column and nothing is written.
 *
 * A corrected entry supersedes the current one, which is kept (src/db/entries-repo.ts).
 */
import type { Knex } from 'knex';
import { readImport, streamImport, type DeductionRow, type ImportContext, type RoundPeriod } from '../imports';
import { DomainError, type FieldProblem } from '../domain/errors';
import { parseRules } from '../rules';
import { formatHundredths } from '../domain/rounding';
import { appendAudit } from '../db/audit';
import { getRound, type RoundRecord } from '../db/rounds-repo';
import { loadSurveyResponses } from '../db/survey-bulk';
import {
  type EntryMeta,
  type RoundScope,
  insertEvents,
  loadRoundScope,
  replaceComplaints,
  replaceDeductionSheets,
  replaceRegulatorScores,
  replaceStreetScores,
  replaceSurveySummaries,
} from '../db/entries-repo';
import { setImportRows } from '../db/imports-repo';
import { fileSha256, recordImport } from './import-master-data';
import type { AppContext } from './context';
import { statusLabel } from './labels';
import { roundPeriod } from '../domain/round-code';
import { acceptsEntries } from '../domain/round-lifecycle';

export type RoundDataKind = 'resident' | 'resident-summary' | 'regulator' | 'deductions' | 'street' | 'events' | 'complaints';

const LABELS: Record<RoundDataKind, string> = {
  resident: '居民问卷',
  'resident-summary': '居民问卷汇总',
  regulator: '行管部门评分',
  deductions: '扣分表',
  street: '街道评分',
  events: '事件',
  complaints: '投诉数',
};

export interface RoundImportSummary {
  label: string;
  rows: number;
  replaced: number;
}

export { loadRoundScope, type RoundScope };

export function importContextOf(scope: RoundScope, streetScope?: string, period?: RoundPeriod): ImportContext {
  // The scope's own maps, not copies: a province round has 100,000 projects.
  return { projects: scope.projects, firms: scope.firms, ...(streetScope ? { streetScope } : {}), ...(period ? { period } : {}) };
}

/** A summary mean in points as given ("78.6666666666667") → hundredths as stored ("7866.66666666667"). */
export function meanToStoredHundredths(points: string): string {
  const [integer = '0', decimals = ''] = points.split('.');
  const shifted = `${integer}${decimals.padEnd(2, '0').slice(0, 2)}`.replace(/^0+(?=\d)/, '');
  const rest = decimals.slice(2);
  return rest === '' ? shifted : `${shifted}.${rest}`;
}

function requireOpen(round: RoundRecord): void {
  if (!acceptsEntries(round.status)) {
    throw new DomainError('ROUND_STATE', `评价周期 ${round.code} 当前状态为「${statusLabel(round.status)}」，只有「录入中」的评价周期可以导入评分数据。`);
  }
}

export async function importRoundData(
  ctx: AppContext,
  code: string,
  kind: RoundDataKind,
  file: string,
  opts: { streetScope?: string; onRows?: (rowsSoFar: number) => void } = {},
): Promise<RoundImportSummary> {
  const round = await getRound(ctx.knex, code);
  requireOpen(round);
  // The file's hash is read while the round's projects come from the database.
  const [scope, sha256] = await Promise.all([loadRoundScope(ctx.knex, round.id), fileSha256(file)]);
  const check = importContextOf(scope, opts.streetScope, roundPeriod(round.code));
  const at = ctx.now();
  const meta: EntryMeta = { roundId: round.id, enteredBy: ctx.actor, enteredAt: at };
  // The rows were checked against the scope: every project and firm they name is in it.
  const projectId = (c: string): number => {
    const project = scope.projects.get(c);
    if (!project) throw new DomainError('INPUT_INVALID', `评价周期 ${code} 中没有项目「${c}」。`);
    return project.id;
  };
  const firmId = (u: string): number => {
    const id = scope.firms.get(u);
    if (id === undefined) throw new DomainError('FIRM_NOT_FOUND', `评价周期 ${code} 中没有统一社会信用代码为「${u}」的企业。`);
    return id;
  };

  const write = async (rows: number, fn: (trx: Knex.Transaction) => Promise<number>): Promise<RoundImportSummary> =>
    ctx.knex.transaction(async (trx) => {
      // The state is checked again under the row lock: a round closed meanwhile takes no entries.
      requireOpen(await getRound(trx, code, { forUpdate: true }));
      const replaced = await fn(trx);
      await recordImport(trx, ctx, { roundId: round.id, kind, file, sha256, rows });
      await appendAudit(trx, {
        actor: ctx.actor,
        action: `scores.import.${kind}`,
        entity: 'round',
        entityId: code,
        after: { file: file.split(/[\\/]/).pop(), rows, replaced, sha256 },
      });
      return { label: LABELS[kind], rows, replaced };
    });

  switch (kind) {
    case 'resident': {
      let count = 0;
      let replaced = 0;
      await ctx.knex.transaction(async (trx) => {
        requireOpen(await getRound(trx, code, { forUpdate: true }));
        const importId = await recordImport(trx, ctx, { roundId: round.id, kind, file, sha256, rows: 0 });
        async function* batches() {
          for await (const batch of streamImport('survey-responses', file, check)) {
            count += batch.length;
            opts.onRows?.(count);
            yield batch.map((r) => ({ projectId: projectId(r.projectCode), household: r.household, score: r.score }));
          }
        }
        const loaded = await loadSurveyResponses(trx, { roundId: round.id, enteredBy: ctx.actor, importId }, batches());
        replaced = loaded.replaced;
        await setImportRows(trx, importId, count);
        await appendAudit(trx, { actor: ctx.actor, action: 'scores.import.resident', entity: 'round', entityId: code, after: { file: file.split(/[\\/]/).pop(), rows: count, replaced, sha256 } });
      });
      return { label: LABELS[kind], rows: count, replaced };
    }
    case 'resident-summary': {
      const { rows } = await readImport('survey-summary', file, check);
      return write(rows.length, (trx) =>
        replaceSurveySummaries(trx, meta, rows.map((r) => ({ projectId: projectId(r.projectCode), responses: r.responses, mean: meanToStoredHundredths(r.mean.decimal) }))),
      );
    }
    case 'regulator': {
      const { rows } = await readImport('regulator-scores', file, check);
      return write(rows.length, (trx) => replaceRegulatorScores(trx, meta, rows.map((r) => ({ firmId: firmId(r.firmUscc), department: r.department, score: r.score }))));
    }
    case 'deductions': {
      const { rows } = await readImport('deductions', file, check);
      checkDeductionItems(round, rows);
      // A firm's deduction sheet is replaced as a whole by a new one.
      return write(rows.length, (trx) =>
        replaceDeductionSheets(
          trx,
          meta,
          rows.map((r) => ({ firmId: firmId(r.firmUscc), projectId: r.projectCode ? projectId(r.projectCode) : null, item: r.item, points: r.points, note: r.note ?? null })),
        ),
      );
    }
    case 'street': {
      const { rows } = await readImport('street-scores', file, check);
      return write(rows.length, (trx) => replaceStreetScores(trx, meta, rows.map((r) => ({ projectId: projectId(r.projectCode), score: r.score, note: r.note ?? null }))));
    }
    case 'events': {
      const { rows } = await readImport('events', file, check);
      return write(rows.length, async (trx) => {
        // a half year without violations: the file has its header and no rows
        await insertEvents(
          trx,
          meta,
          rows.map((r) => ({
            firmId: firmId(r.firmUscc),
            projectId: r.projectCode ? projectId(r.projectCode) : null,
            occurredOn: r.date,
            type: r.type,
            veto: r.veto,
            severity: r.severity,
            note: r.note ?? null,
          })),
        );
        return 0;
      });
    }
    case 'complaints': {
      const { rows } = await readImport('complaints', file, check);
      return write(rows.length, (trx) => replaceComplaints(trx, meta, rows.map((r) => ({ projectId: projectId(r.projectCode), count: r.count }))));
    }
  }
}

/** Every deduction row names an item of the round's catalogue and deducts no more than the item allows. */
function checkDeductionItems(round: RoundRecord, rows: DeductionRow[]): void {
  const catalogue = new Map(parseRules(round.rules).deductions.catalogue.map((i) => [i.code, i]));
  const problems: FieldProblem[] = [];
  for (const r of rows) {
    const item = catalogue.get(r.item);
    if (!item) {
      problems.push({ row: r.row, column: '扣分项', message: `扣分项「${r.item}」不在本周期规则的扣分目录中（可用：${[...catalogue.keys()].join('、')}）` });
    } else if (r.points > Math.round(item.points * 100)) {
      problems.push({ row: r.row, column: '扣分', message: `扣分项 ${item.code}（${item.description}）每处最多 ${item.points} 分，读到的是「${formatHundredths(r.points)}」` });
    } else if (r.points === 0 && item.points > 0) {
      problems.push({ row: r.row, column: '扣分', message: `扣分项 ${item.code}（${item.description}）的分值必须大于 0，读到的是「0」` });
    }
  }
  if (problems.length) throw new DomainError('IMPORT_INVALID', `文件有 ${problems.length} 处错误，未导入任何数据。`, problems);
}
