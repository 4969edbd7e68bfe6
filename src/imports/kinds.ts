/**
 * The input files of SPEC §7: their columns (Chinese and English headers), the zod schema that turns
 * one row of cell texts into a typed row, and the key that must not repeat within one file.
 */
import { z } from 'zod';
import {
  type Parsed,
  parseAnswer,
  parseDate,
  parseInteger,
  parseMean,
  parsePoints,
  parseProjectKind,
  parseScore,
  parseSeverity,
  parseUscc,
  parseYesNo,
  quoted,
} from './values';

export type ImportKind =
  | 'streets'
  | 'firms'
  | 'projects'
  | 'street-scores'
  | 'regulator-scores'
  | 'deductions'
  | 'survey-responses'
  | 'survey-summary'
  | 'events'
  | 'complaints'
  | 'history';

export const IMPORT_KINDS: readonly ImportKind[] = [
  'streets',
  'firms',
  'projects',
  'street-scores',
  'regulator-scores',
  'deductions',
  'survey-responses',
  'survey-summary',
  'events',
  'complaints',
  'history',
];

export interface ColumnSpec {
  /** Field name in the typed row. */
  key: string;
  zh: string;
  en: string;
  required: boolean;
  /** A score-like cell (data validation 0–100 in templates). */
  score?: boolean;
  /** A score-like cell taken exactly as given, up to 15 significant digits (a survey summary's mean). */
  exact?: boolean;
  /** Shown for people (e.g. a project's name next to its code in a template): accepted, not imported. */
  info?: boolean;
}

const col = (key: string, zh: string, en: string, required = true, score = false): ColumnSpec => ({ key, zh, en, required, score });
const info = (key: string, zh: string, en: string): ColumnSpec => ({ key, zh, en, required: false, info: true });

/** Always given all keys of the kind: '' for an empty cell or an absent optional column. */
function cell<T>(parse: (text: string) => Parsed<T>) {
  return z.string().transform((text, ctx): T => {
    const result = parse(text);
    if (result.ok) return result.value;
    ctx.issues.push({ code: 'custom', message: result.message, input: text });
    return z.NEVER;
  });
}

const required = (label: string) =>
  cell((text): Parsed<string> => {
    const t = text.trim();
    return t === '' ? { ok: false, message: `${label}不能为空` } : { ok: true, value: t };
  });
/**
 * A code that identifies a street or a project (编码/编号): any letters or digits, but not the start of
 * a spreadsheet formula (= + - @) nor markup, quotes, semicolons or control characters, which only
 * a pasted formula, an injection attempt or a broken export puts there (the bad-input corpus found
 * `<script>…` and `=HYPERLINK(…)` accepted as new project codes).
 */
const code = (label: string) =>
  cell((text): Parsed<string> => {
    const t = text.trim();
    if (t === '') return { ok: false, message: `${label}不能为空` };
    if (/^[=+\-@]/.test(t)) return { ok: false, message: `${label}不能以 = + - @ 开头（像是公式）` };
    // eslint-disable-next-line no-control-regex -- control characters are what is refused here
    if (/[<>"'`;\\\u0000-\u001f\u007f]/.test(t)) return { ok: false, message: `${label}不能含有 < > " ' ; \\ 或控制字符` };
    return { ok: true, value: t };
  });
const optional = () => z.string().transform((text): string | null => (text.trim() === '' ? null : text.trim()));
const row = z.number().int();
const uscc = cell(parseUscc);
const score = (label = '得分') => cell((t) => parseScore(t, label));

const streets = z.object({ row, code: code('街道编码'), name: required('街道名称'), district: optional() });
const firms = z.object({ row, uscc, name: required('企业名称'), legalRep: optional(), phone: optional() });
const projects = z.object({
  row,
  code: code('项目编号'),
  name: required('项目名称'),
  street: code('街道'),
  community: optional(),
  firmUscc: uscc,
  households: cell((t) => parseInteger(t, 1, '户数')),
  /** null: the file does not say (an existing project keeps its kind). */
  kind: cell(parseProjectKind),
});
const streetScores = z.object({ row, projectCode: required('项目编号'), score: score(), note: optional() });
const regulatorScores = z.object({ row, firmUscc: uscc, department: required('部门'), score: score() });
const deductions = z.object({
  row,
  firmUscc: uscc,
  projectCode: optional(),
  item: required('扣分项'),
  points: cell((t) => parsePoints(t)),
  note: optional(),
});
/** Either a 0–100 score or a five-level answer (满意度), converted to hundredths here. */
const surveyResponses = z
  .object({ row, projectCode: required('项目编号'), household: required('户号'), score: z.string(), answer: z.string() })
  .transform((o, ctx) => {
    // No closure per row here: 10 million rows pass through this function.
    const hasScore = o.score.trim() !== '';
    const hasAnswer = o.answer.trim() !== '';
    let path: 'score' | 'answer';
    let message: string;
    if (hasScore && hasAnswer) {
      path = 'answer';
      message = '得分与满意度只能填写一项';
    } else if (!hasScore && !hasAnswer) {
      path = o.score === '' && o.answer !== '' ? 'answer' : 'score';
      message = '得分或满意度必须填写一项';
    } else {
      const parsed = hasScore ? parseScore(o.score) : parseAnswer(o.answer);
      if (parsed.ok) return { row: o.row, projectCode: o.projectCode, household: o.household, score: parsed.value };
      path = hasScore ? 'score' : 'answer';
      message = parsed.message;
    }
    ctx.issues.push({ code: 'custom', message, input: o[path], path: [path] });
    return z.NEVER;
  });
/** surveyResponses' output for a valid row, or null (then the schema decides). Same parsers, same trimming. */
function fastSurveyResponse(r: Record<string, unknown>): SurveyResponseRow | null {
  const projectCode = (r.projectCode as string).trim();
  const household = (r.household as string).trim();
  if (projectCode === '' || household === '') return null;
  const score = r.score as string;
  const answer = r.answer as string;
  const hasScore = score.trim() !== '';
  if (hasScore === (answer.trim() !== '')) return null;
  const parsed = hasScore ? parseScore(score) : parseAnswer(answer);
  return parsed.ok ? { row: r.row as number, projectCode, household, score: parsed.value } : null;
}
const surveySummary = z.object({
  row,
  projectCode: required('项目编号'),
  responses: cell((t) => parseInteger(t, 1, '有效样本数')),
  /** Used exactly as given (a contractor's AVERAGE has up to 15 significant digits). */
  mean: cell((t) => parseMean(t, '平均分')),
});
const events = z.object({
  row,
  firmUscc: uscc,
  projectCode: optional(),
  date: cell(parseDate),
  type: required('类型'),
  /** 一票否决 */
  veto: cell((t) => parseYesNo(t)),
  severity: cell(parseSeverity),
  note: optional(),
});
const complaints = z.object({ row, projectCode: required('项目编号'), count: cell((t) => parseInteger(t, 0, '投诉数')) });

/** 评价期 of an earlier published list: a half year, as 2023-H2 or 2023年下半年. */
function parseHalfYearCode(text: string): Parsed<string> {
  const t = text.normalize('NFKC').trim().toUpperCase();
  const m = /^(\d{4})-(H[12])$/.exec(t) ?? /^(\d{4})年?([上下])半年度?$/.exec(t);
  if (m) return { ok: true, value: `${m[1] as string}-${m[2] === '上' ? 'H1' : m[2] === '下' ? 'H2' : (m[2] as string)}` };
  if (/^\d{4}-Y$/.test(t) || /^\d{4}年度?$/.test(t)) return { ok: false, message: `评价期 ${t} 是年度综合评价：历史榜单只导入半年度评价期（如 2023-H2）` };
  return { ok: false, message: `评价期应为半年度评价期，如 2023-H1（上半年）、2023-H2（下半年）或 2023年下半年，${quoted(text)}` };
}
const LIST_WORDS: Record<string, 'red' | 'black' | 'watch' | null> = { 红榜: 'red', 黑榜: 'black', 重点监管: 'watch', 无: null, red: 'red', black: 'black', watch: 'watch', none: null };
/** 榜单: 红榜、黑榜、重点监管 or 无; an empty cell is 无. */
function parseListWord(text: string): Parsed<'red' | 'black' | 'watch' | null> {
  const t = text.normalize('NFKC').trim();
  if (t === '') return { ok: true, value: null };
  const list = LIST_WORDS[t] ?? LIST_WORDS[t.toLowerCase()];
  return list !== undefined ? { ok: true, value: list } : { ok: false, message: `榜单只能填写 红榜、黑榜、重点监管 或 无，${quoted(text)}` };
}
/** 整改结果 of a black-listed firm: 通过 or 未通过; empty when none was recorded. */
function parseRectificationWord(text: string): Parsed<'passed' | 'failed' | null> {
  const t = text.normalize('NFKC').trim().toLowerCase();
  if (t === '') return { ok: true, value: null };
  if (t === '通过' || t === 'passed') return { ok: true, value: 'passed' };
  if (t === '未通过' || t === 'failed') return { ok: true, value: 'failed' };
  return { ok: false, message: `整改结果只能填写 通过 或 未通过（没有整改结果的留空），${quoted(text)}` };
}
const history = z.object({
  row,
  roundCode: cell(parseHalfYearCode),
  uscc,
  name: required('企业名称'),
  /** null: the old list gave no rank (e.g. only the red and black lists were published). */
  rank: cell((t): Parsed<number | null> => (t.trim() === '' ? { ok: true, value: null } : parseInteger(t, 1, '排名'))),
  composite: cell((t): Parsed<number | null> => (t.trim() === '' ? { ok: true, value: null } : parseScore(t, '综合得分'))),
  list: cell(parseListWord),
  rectification: cell(parseRectificationWord),
});

export type StreetRow = z.output<typeof streets>;
export type FirmRow = z.output<typeof firms>;
export type ProjectRow = z.output<typeof projects>;
export type StreetScoreRow = z.output<typeof streetScores>;
export type RegulatorScoreRow = z.output<typeof regulatorScores>;
export type DeductionRow = z.output<typeof deductions>;
export type SurveyResponseRow = z.output<typeof surveyResponses>;
export type SurveySummaryRow = z.output<typeof surveySummary>;
export type EventRow = z.output<typeof events>;
export type ComplaintRow = z.output<typeof complaints>;
export type HistoryRow = z.output<typeof history>;

export interface RowTypes {
  streets: StreetRow;
  firms: FirmRow;
  projects: ProjectRow;
  'street-scores': StreetScoreRow;
  'regulator-scores': RegulatorScoreRow;
  deductions: DeductionRow;
  'survey-responses': SurveyResponseRow;
  'survey-summary': SurveySummaryRow;
  events: EventRow;
  complaints: ComplaintRow;
  history: HistoryRow;
}
export type RowOf<K extends ImportKind> = RowTypes[K];

/** A key that may appear once per file: its fields, the column blamed, and what the problem says. */
export interface UniqueKey {
  fields: string[];
  column: string;
  what: string;
}

/** A round's period, for dates that must fall inside it (inclusive ISO dates). */
export interface RoundPeriod {
  from: string;
  to: string;
  /** As a clerk names it, e.g. 2025年上半年. */
  label: string;
}

/** What a row is checked against beyond its own cells (the round's projects and period). */
export interface RowCheckContext {
  projects?: ReadonlyMap<string, { households?: number }>;
  period?: RoundPeriod;
  /** For imported history: the round codes already taken, and by what. */
  takenRounds?: ReadonlyMap<string, string>;
  /** For imported history: the first half-year round run in hhb; history comes before it. */
  firstRound?: string | null;
}

/** A problem a row check finds: the field blamed and the reason. */
export interface RowCheckProblem {
  field: string;
  message: string;
}

/** A survey summary's valid responses cannot exceed the project's households. */
function checkSummary(row: SurveySummaryRow, ctx: RowCheckContext): RowCheckProblem[] {
  const households = ctx.projects?.get(row.projectCode)?.households;
  if (households === undefined || row.responses <= households) return [];
  return [{ field: 'responses', message: `有效样本数 ${row.responses} 超过项目 ${row.projectCode} 的户数 ${households}` }];
}

/** An event from another period must not black-list a firm in this one. */
function checkEvent(row: EventRow, ctx: RowCheckContext): RowCheckProblem[] {
  const period = ctx.period;
  if (!period || (row.date >= period.from && row.date <= period.to)) return [];
  return [{ field: 'date', message: `日期 ${row.date} 不在本评价周期（${period.label}，${period.from} 至 ${period.to}）内` }];
}

/** An earlier list's round must be new to hhb; only a black-listed firm has a rectification result. */
function checkHistory(row: HistoryRow, ctx: RowCheckContext): RowCheckProblem[] {
  const problems: RowCheckProblem[] = [];
  const taken = ctx.takenRounds?.get(row.roundCode);
  const first = ctx.firstRound ?? null;
  if (taken !== undefined) problems.push({ field: 'roundCode', message: `评价期 ${row.roundCode} ${taken}，不能再导入` });
  else if (first !== null && row.roundCode > first) {
    problems.push({ field: 'roundCode', message: `评价期 ${row.roundCode} 晚于本系统的第一个评价周期 ${first}：历史榜单只导入启用本系统之前的评价期` });
  }
  if (row.rectification !== null && row.list !== 'black') {
    problems.push({ field: 'rectification', message: '只有列入黑榜的企业有整改结果：未列入黑榜的企业请把整改结果留空' });
  }
  return problems;
}

export interface KindSpec {
  /** Chinese name, e.g. for the template's sheet. */
  label: string;
  columns: ColumnSpec[];
  schema: z.ZodType<unknown, Record<string, unknown>>;
  unique: UniqueKey | null;
  /** Columns that hold a project code / a firm's USCC, checked against the ImportContext. */
  projectField: string | null;
  firmField: string | null;
  /** Columns of which one at least must be present (survey responses: score or answer). */
  oneOf?: string[];
  /** Row count sanity limit (SPEC §9: 10 million survey responses a half year). */
  maxRows: number;
  /**
   * Columns a template pre-fills. A row with nothing outside them has not been entered yet and is
   * skipped like an empty row (a street scores some of its projects and uploads the template).
   */
  prefill: string[];
  /**
   * For kinds with millions of rows: the same row the schema gives, computed without zod, for a row
   * that is plainly valid; null sends the row through the schema, which decides and words problems.
   */
  fast?: (record: Record<string, unknown>) => unknown;
  /** Checks of a parsed row against the round (households, period). */
  check?: (row: never, ctx: RowCheckContext) => RowCheckProblem[];
}

const MAX_ROWS = 2_000_000;

export const KINDS: Record<ImportKind, KindSpec> = {
  streets: {
    label: '街道',
    columns: [col('code', '街道编码', 'code'), col('name', '街道名称', 'name'), col('district', '区县', 'district', false)],
    schema: streets,
    unique: { fields: ['code'], column: 'code', what: '同一街道编码' },
    projectField: null,
    firmField: null,
    maxRows: MAX_ROWS,
    prefill: [],
  },
  firms: {
    label: '物业企业',
    columns: [
      col('uscc', '统一社会信用代码', 'uscc'),
      col('name', '企业名称', 'name'),
      col('legalRep', '法定代表人', 'legal_rep', false),
      col('phone', '联系电话', 'phone', false),
    ],
    schema: firms,
    unique: { fields: ['uscc'], column: 'uscc', what: '同一企业' },
    projectField: null,
    firmField: null,
    maxRows: MAX_ROWS,
    prefill: [],
  },
  projects: {
    label: '物业服务项目',
    columns: [
      col('code', '项目编号', 'code'),
      col('name', '项目名称', 'name'),
      col('street', '街道', 'street'),
      col('community', '社区', 'community', false),
      col('firmUscc', '物业企业统一社会信用代码', 'firm_uscc'),
      col('households', '户数', 'households'),
      col('kind', '类型', 'kind', false),
    ],
    schema: projects,
    unique: { fields: ['code'], column: 'code', what: '同一项目编号' },
    projectField: null,
    firmField: 'firmUscc',
    maxRows: MAX_ROWS,
    prefill: [],
  },
  'street-scores': {
    label: '街道评分',
    columns: [
      col('projectCode', '项目编号', 'project_code'),
      info('projectName', '项目名称', 'project_name'),
      col('score', '得分', 'score', true, true),
      col('note', '备注', 'note', false),
    ],
    schema: streetScores,
    unique: { fields: ['projectCode'], column: 'projectCode', what: '同一项目' },
    projectField: 'projectCode',
    firmField: null,
    maxRows: MAX_ROWS,
    prefill: ['projectCode', 'projectName'],
  },
  'regulator-scores': {
    label: '行管部门评分',
    columns: [
      col('firmUscc', '统一社会信用代码', 'firm_uscc'),
      info('firmName', '企业名称', 'firm_name'),
      col('department', '部门', 'department'),
      col('score', '得分', 'score', true, true),
    ],
    schema: regulatorScores,
    unique: { fields: ['firmUscc', 'department'], column: 'department', what: '同一企业的同一部门得分' },
    projectField: null,
    firmField: 'firmUscc',
    maxRows: MAX_ROWS,
    prefill: ['firmUscc', 'firmName', 'department'],
  },
  deductions: {
    label: '扣分表',
    columns: [
      col('firmUscc', '统一社会信用代码', 'firm_uscc'),
      info('firmName', '企业名称', 'firm_name'),
      col('projectCode', '项目编号', 'project_code', false),
      col('item', '扣分项', 'item'),
      col('points', '扣分', 'points', true, true),
      col('note', '说明', 'note', false),
    ],
    schema: deductions,
    unique: null,
    projectField: 'projectCode',
    firmField: 'firmUscc',
    maxRows: MAX_ROWS,
    prefill: [],
  },
  'survey-responses': {
    label: '居民满意度问卷',
    columns: [
      col('projectCode', '项目编号', 'project_code'),
      col('household', '户号', 'household'),
      col('score', '得分', 'score', false, true),
      col('answer', '满意度', 'answer', false),
    ],
    schema: surveyResponses,
    unique: { fields: ['projectCode', 'household'], column: 'household', what: '同一户' },
    projectField: 'projectCode',
    firmField: null,
    oneOf: ['score', 'answer'],
    maxRows: 20_000_000,
    prefill: [],
    fast: (record) => fastSurveyResponse(record),
  },
  'survey-summary': {
    label: '居民满意度汇总',
    columns: [
      col('projectCode', '项目编号', 'project_code'),
      info('projectName', '项目名称', 'project_name'),
      col('responses', '有效样本数', 'responses'),
      { ...col('mean', '平均分', 'mean', true, true), exact: true },
    ],
    schema: surveySummary,
    check: checkSummary,
    unique: { fields: ['projectCode'], column: 'projectCode', what: '同一项目' },
    projectField: 'projectCode',
    firmField: null,
    maxRows: MAX_ROWS,
    prefill: ['projectCode', 'projectName'],
  },
  events: {
    label: '违规事件',
    columns: [
      col('firmUscc', '统一社会信用代码', 'firm_uscc'),
      info('firmName', '企业名称', 'firm_name'),
      col('projectCode', '项目编号', 'project_code', false),
      col('date', '日期', 'date'),
      col('type', '类型', 'type'),
      col('veto', '一票否决', 'veto'),
      col('severity', '严重程度', 'severity', false),
      col('note', '说明', 'note', false),
    ],
    schema: events,
    check: checkEvent,
    unique: null,
    projectField: 'projectCode',
    firmField: 'firmUscc',
    maxRows: MAX_ROWS,
    prefill: [],
  },
  complaints: {
    label: '投诉',
    columns: [col('projectCode', '项目编号', 'project_code'), info('projectName', '项目名称', 'project_name'), col('count', '投诉数', 'count')],
    schema: complaints,
    unique: { fields: ['projectCode'], column: 'projectCode', what: '同一项目' },
    projectField: 'projectCode',
    firmField: null,
    maxRows: MAX_ROWS,
    prefill: ['projectCode', 'projectName'],
  },
  history: {
    label: '历史榜单',
    columns: [
      col('roundCode', '评价期', 'round'),
      col('uscc', '统一社会信用代码', 'uscc'),
      col('name', '企业名称', 'name'),
      col('rank', '排名', 'rank', false),
      col('composite', '综合得分', 'composite', false, true),
      col('list', '榜单', 'list'),
      col('rectification', '整改结果', 'rectification', false),
    ],
    schema: history,
    check: checkHistory,
    unique: { fields: ['roundCode', 'uscc'], column: 'uscc', what: '同一评价期的同一企业' },
    projectField: null,
    firmField: null,
    maxRows: MAX_ROWS,
    prefill: [],
  },
};

export function isImportKind(value: string): value is ImportKind {
  return (IMPORT_KINDS as readonly string[]).includes(value);
}
