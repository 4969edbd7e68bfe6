/**
 * A household roster for the online survey (住户名册, SPEC §10): a CSV file with the columns 项目编号
 * and 户号 (e.g. 3-2-201), in UTF-8 or GBK as Excel and WPS save it. With a roster each code is tied
 * to a 户号, printed on its letter and stored as the household of its answer, so that an online
 * answer and a file answer of the same 户号 replace each other. Any bad row refuses the whole file,
 * naming its row (as a spreadsheet numbers it) and column.
 */
import { extname } from 'node:path';
import { parse } from 'csv-parse/sync';
import { DomainError, type FieldProblem } from '../domain/errors';
import { EncodingError, decodeText } from '../imports/decode';

/** 户号 as written, at most this many characters. */
const MAX_HOUSEHOLD = 40;
const HEADER_ROWS = 10;

export interface RosterHousehold {
  household: string;
  /** Row as the spreadsheet shows it (the header row counted). */
  row: number;
}

/** 户号 per project code, in file order. */
export type Roster = Map<string, RosterHousehold[]>;

const clean = (v: unknown): string => (typeof v === 'string' ? v.replace(/\s+/g, ' ').trim() : '');

export async function readRoster(bytes: Buffer, fileName: string): Promise<Roster> {
  const ext = extname(fileName).toLowerCase();
  if (ext !== '.csv' && ext !== '.txt') {
    throw new DomainError('INPUT_INVALID', `住户名册「${fileName}」须为 CSV 文件（列：项目编号、户号）：请在 Excel 或 WPS 中「另存为」CSV 后再用 --roster。`, [
      { row: null, column: 'roster', message: '不是 CSV 文件' },
    ]);
  }
  let text = '';
  try {
    for await (const chunk of decodeText([bytes])) text += chunk;
  } catch (e) {
    if (e instanceof EncodingError) throw new DomainError('INPUT_INVALID', `住户名册「${fileName}」${e.message}`, [{ row: null, column: 'roster', message: '编码无法识别' }]);
    throw e;
  }
  let rows: string[][];
  try {
    rows = parse(text, { relax_column_count: true, skip_empty_lines: false }) as string[][];
  } catch (e) {
    throw new DomainError('INPUT_INVALID', `住户名册「${fileName}」不是有效的 CSV：${(e as Error).message}`, [{ row: null, column: 'roster', message: 'CSV 格式错误' }]);
  }
  const headerIndex = rows.slice(0, HEADER_ROWS).findIndex((r) => r.map(clean).includes('项目编号') && r.map(clean).includes('户号'));
  if (headerIndex < 0) {
    throw new DomainError('INPUT_INVALID', `住户名册「${fileName}」前 ${HEADER_ROWS} 行中没有含「项目编号」和「户号」两列的表头。`, [{ row: null, column: '项目编号', message: '缺少表头' }]);
  }
  const header = (rows[headerIndex] as string[]).map(clean);
  const projectCol = header.indexOf('项目编号');
  const householdCol = header.indexOf('户号');
  const roster: Roster = new Map();
  const seen = new Map<string, number>();
  const problems: FieldProblem[] = [];
  rows.slice(headerIndex + 1).forEach((cells, i) => {
    const row = headerIndex + 2 + i;
    const project = clean(cells[projectCol]);
    const household = clean(cells[householdCol]);
    if (project === '' && household === '') return;
    if (project === '') return void problems.push({ row, column: '项目编号', message: '项目编号为空' });
    if (household === '') return void problems.push({ row, column: '户号', message: '户号为空' });
    if ([...household].length > MAX_HOUSEHOLD) return void problems.push({ row, column: '户号', message: `户号超过 ${MAX_HOUSEHOLD} 个字` });
    const key = `${project}\u0000${household}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) return void problems.push({ row, column: '户号', message: `项目 ${project} 的户号 ${household} 与第 ${earlier} 行重复` });
    seen.set(key, row);
    const list = roster.get(project) ?? [];
    list.push({ household, row });
    roster.set(project, list);
  });
  if (problems.length > 0) throw rosterProblems(fileName, problems);
  if (roster.size === 0) throw new DomainError('INPUT_INVALID', `住户名册「${fileName}」没有任何住户。`, [{ row: null, column: '户号', message: '没有数据行' }]);
  return roster;
}

export function rosterProblems(fileName: string, problems: FieldProblem[]): DomainError {
  const shown = problems.slice(0, 20).map((p) => `${p.row === null ? '' : `第 ${p.row} 行`}「${p.column}」：${p.message}`);
  return new DomainError('INPUT_INVALID', `住户名册「${fileName}」有 ${problems.length} 处错误，未发放任何户码：${shown.join('；')}${problems.length > 20 ? ' 等' : ''}。`, problems);
}
