/**
 * Imports of a round's inputs (SPEC §4, §7): survey responses and summaries, regulator scores and
 * deduction sheets, street scores, events and complaints. The round must be open. All-or-nothing:
 * every problem of the file is reported by row and column and nothing is written.
 *
 * A corrected entry supersedes the current one, which is kept (superseded_at / superseded_by).
 */
import type { Knex } from 'knex';
import { readImport, streamImport, type DeductionRow, type ImportContext, type RoundPeriod } from '../imports';
import { DomainError, type FieldProblem } from '../domain/errors';
import { parseRules } from '../rules';
import { formatHundredths } from '../domain/rounding';
import { appendAudit } from '../db/audit';
import { getRound, type RoundRecord } from '../db/rounds-repo';
import { loadSurveyResponses } from '../db/survey-bulk';
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

/** The round's snapshot, as the checks of an import need it. */
export interface RoundScope {
  projects: Map<string, { id: number; street: string; firmUscc: string; firmId: number; households: number }>;
  firms: Map<string, number>;
}

export async function loadRoundScope(db: Knex | Knex.Transaction, roundId: number): Promise<RoundScope> {
  const projects = new Map<string, { id: number; street: string; firmUscc: string; firmId: number; households: number }>();
  const rows: { id: number; code: string; street_code: string; uscc: string; firm_id: number; households: number }[] = await db('round_projects as rp')
    .join('projects as p', 'p.id', 'rp.project_id')
    .join('firms as f', 'f.id', 'rp.firm_id')
    .where('rp.round_id', roundId)
    .select('p.id', 'p.code', 'rp.street_code', 'f.uscc', 'rp.firm_id', 'rp.households');
  for (const r of rows) {
    projects.set(r.code, { id: Number(r.id), street: r.street_code, firmUscc: r.uscc, firmId: Number(r.firm_id), households: Number(r.households) });
  }
  const firms = new Map<string, number>(
    (await db('round_firms as rf').join('firms as f', 'f.id', 'rf.firm_id').where('rf.round_id', roundId).select('f.id', 'f.uscc')).map(
      (r: { id: number; uscc: string }) => [r.uscc, Number(r.id)],
    ),
  );
  return { projects, firms };
}

export function importContextOf(scope: RoundScope, streetScope?: string, period?: RoundPeriod): ImportContext {
  const projects = new Map<string, { street: string; firmUscc: string; households: number }>();
  for (const [code, p] of scope.projects) projects.set(code, { street: p.street, firmUscc: p.firmUscc, households: p.households });
  return { projects, firms: new Set(scope.firms.keys()), ...(streetScope ? { streetScope } : {}), ...(period ? { period } : {}) };
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

/**
 * Marks the current entries with the given keys superseded, inserts the new ones, and links each old
 * entry to its successor. Returns how many were replaced.
 *
 * Keys are matched through `unnest` of one array per key column, 5,000 rows a statement, and the
 * successor links are set in one statement per batch: the province benchmark took 27 s for 100,000
 * street scores with a 500-term row-value IN list per batch (38 ms to plan each) and one UPDATE per
 * replaced row.
 */
export async function supersedeAndInsert(
  trx: Knex.Transaction,
  table: string,
  keyColumns: string[],
  rows: Record<string, unknown>[],
  at: Date,
): Promise<number> {
  let replaced = 0;
  const keyOf = (r: Record<string, unknown>) => keyColumns.map((k) => String(r[k] ?? '')).join('\u0000');
  for (let i = 0; i < rows.length; i += 5000) {
    const batch = rows.slice(i, i + 5000);
    const types = keyColumns.map((k) => (batch.every((r) => typeof r[k] === 'number') ? 'int' : 'text'));
    const columns = keyColumns.map((k) => `"${k}"`).join(', ');
    const old: Record<string, unknown>[] = await trx(table)
      .whereNull('superseded_at')
      .whereRaw(`(${columns}) in (select * from unnest(${types.map((t) => `?::${t}[]`).join(', ')}))`, keyColumns.map((k, j) => batch.map((r) => (types[j] === 'int' ? r[k] : String(r[k])))) as unknown as readonly Knex.RawBinding[])
      .update({ superseded_at: at })
      .returning(['id', ...keyColumns]);
    replaced += old.length;
    const inserted: Record<string, unknown>[] = await trx(table).insert(batch).returning(['id', ...keyColumns]);
    if (old.length) {
      const newId = new Map(inserted.map((r) => [keyOf(r), Number(r.id)]));
      const pairs = old.map((o) => [Number(o.id), newId.get(keyOf(o)) ?? null] as const);
      await trx.raw(`update ?? t set superseded_by = l.new_id from unnest(?::bigint[], ?::bigint[]) as l(old_id, new_id) where t.id = l.old_id`, [
        table,
        pairs.map((p) => p[0]),
        pairs.map((p) => p[1]),
      ] as unknown as readonly Knex.RawBinding[]);
    }
  }
  return replaced;
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
  const scope = await loadRoundScope(ctx.knex, round.id);
  const check = importContextOf(scope, opts.streetScope, roundPeriod(round.code));
  const sha256 = await fileSha256(file);
  const at = ctx.now();
  const entry = { round_id: round.id, entered_by: ctx.actor, entered_at: at };
  const projectId = (c: string) => (scope.projects.get(c) as { id: number }).id;
  const firmId = (u: string) => scope.firms.get(u) as number;

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
        await trx('imports').where({ id: importId }).update({ rows: count });
        await appendAudit(trx, { actor: ctx.actor, action: 'scores.import.resident', entity: 'round', entityId: code, after: { file: file.split(/[\\/]/).pop(), rows: count, replaced, sha256 } });
      });
      return { label: LABELS[kind], rows: count, replaced };
    }
    case 'resident-summary': {
      const { rows } = await readImport('survey-summary', file, check);
      return write(rows.length, (trx) =>
        supersedeAndInsert(trx, 'survey_summaries', ['round_id', 'project_id'], rows.map((r) => ({ ...entry, project_id: projectId(r.projectCode), responses: r.responses, mean: meanToStoredHundredths(r.mean.decimal) })), at),
      );
    }
    case 'regulator': {
      const { rows } = await readImport('regulator-scores', file, check);
      return write(rows.length, (trx) =>
        supersedeAndInsert(trx, 'regulator_scores', ['round_id', 'firm_id', 'department'], rows.map((r) => ({ ...entry, firm_id: firmId(r.firmUscc), department: r.department, score: r.score })), at),
      );
    }
    case 'deductions': {
      const { rows } = await readImport('deductions', file, check);
      checkDeductionItems(round, rows);
      return write(rows.length, async (trx) => {
        if (rows.length === 0) return 0;
        // A firm's deduction sheet is replaced as a whole by a new one.
        const firmIds = [...new Set(rows.map((r) => firmId(r.firmUscc)))];
        const old = await trx('deductions').where({ round_id: round.id }).whereIn('firm_id', firmIds).whereNull('superseded_at').update({ superseded_at: at }).returning('id');
        await trx('deductions').insert(
          rows.map((r) => ({ ...entry, firm_id: firmId(r.firmUscc), project_id: r.projectCode ? projectId(r.projectCode) : null, item: r.item, points: r.points, note: r.note ?? null })),
        );
        return old.length;
      });
    }
    case 'street': {
      const { rows } = await readImport('street-scores', file, check);
      return write(rows.length, (trx) =>
        supersedeAndInsert(trx, 'street_scores', ['round_id', 'project_id'], rows.map((r) => ({ ...entry, project_id: projectId(r.projectCode), score: r.score, note: r.note ?? null })), at),
      );
    }
    case 'events': {
      const { rows } = await readImport('events', file, check);
      return write(rows.length, async (trx) => {
        // a half year without violations: the file has its header and no rows
        if (rows.length === 0) return 0;
        await trx('events').insert(
          rows.map((r) => ({
            ...entry,
            firm_id: firmId(r.firmUscc),
            project_id: r.projectCode ? projectId(r.projectCode) : null,
            occurred_on: r.date,
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
      return write(rows.length, (trx) =>
        supersedeAndInsert(trx, 'complaints', ['round_id', 'project_id'], rows.map((r) => ({ ...entry, project_id: projectId(r.projectCode), count: r.count })), at),
      );
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
