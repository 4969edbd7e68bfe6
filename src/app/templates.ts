/**
 * Entry templates (SPEC §7): an XLSX of a kind pre-filled with the rows of the person's scope — a
 * round's projects (of one street for a street clerk) or its firms — for them to fill in and upload.
 */
import type { Writable } from 'node:stream';
import { DomainError } from '../domain/errors';
import { writeTemplate, type ImportKind } from '../imports';
import type { TemplateRow } from '../imports/template';
import { roundFirmNames, roundProjectNames } from '../db/entries-repo';
import { getRound } from '../db/rounds-repo';
import { resolveStreet } from '../db/streets-repo';
import type { AppContext } from './context';

/** The kinds a template is offered for, and what each is pre-filled with. */
export const TEMPLATE_KINDS = {
  streets: 'none',
  firms: 'none',
  projects: 'none',
  'street-scores': 'projects',
  'survey-summary': 'projects',
  'survey-responses': 'none',
  complaints: 'projects',
  'regulator-scores': 'firms',
  deductions: 'none',
  events: 'none',
  history: 'none',
} as const satisfies Record<ImportKind, 'none' | 'projects' | 'firms'>;

export type TemplateKind = keyof typeof TEMPLATE_KINDS;

export async function templateRows(ctx: AppContext, kind: TemplateKind, scope: { round?: string | undefined; street?: string | undefined }): Promise<TemplateRow[]> {
  const prefill = TEMPLATE_KINDS[kind];
  if (prefill === 'none') return [];
  if (!scope.round) throw new DomainError('INPUT_INVALID', `「${kind}」模板按评价周期预填，请指定评价周期（如 --round 2025-H1）。`);
  const round = await getRound(ctx.knex, scope.round);
  if (round.kind !== 'half') throw new DomainError('INPUT_INVALID', `年度综合评价 ${round.code} 由两个半年度结果生成，不需要录入模板。`);
  if (prefill === 'projects') {
    // The street is named by its code or its name (SPEC §7).
    const street = scope.street ? await resolveStreet(ctx.knex, scope.street) : null;
    const rows = await roundProjectNames(ctx.knex, round.id, street?.code);
    if (street && rows.length === 0) throw new DomainError('NOT_FOUND', `评价周期 ${round.code} 中没有${street.name}（${street.code}）的项目。`);
    return rows.map((r) => ({ projectCode: r.code, projectName: r.name }));
  }
  if (scope.street) throw new DomainError('INPUT_INVALID', '行管部门评分模板按企业预填，不按街道划分。');
  const firms = await roundFirmNames(ctx.knex, round.id);
  return firms.map((f) => ({ firmUscc: f.uscc, firmName: f.name }));
}

/** Writes the template; `open` is called only once the rows are known, so a refused request leaves no file. */
export async function writeEntryTemplate(
  ctx: AppContext,
  kind: TemplateKind,
  scope: { round?: string | undefined; street?: string | undefined },
  open: () => Writable,
): Promise<number> {
  const rows = await templateRows(ctx, kind, scope);
  await writeTemplate(kind, rows, open());
  return rows.length;
}
