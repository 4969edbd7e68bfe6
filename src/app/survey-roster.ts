/**
 * A household roster for the online survey (住户名册, SPEC §10): a CSV file (UTF-8 or GBK, as Excel
 * and WPS save it) or an Excel workbook (.xlsx, its first visible sheet) with the columns 项目编号
 * and 户号 (e.g. 3-2-201). With a roster each code is tied to a 户号, printed on its letter and stored as the household of its answer, so that an online
 * answer and a file answer of the same 户号 replace each
 * other. Any bad row refuses the whole file,
 * naming its row (as a spreadsheet numbers it) and column.
 */
import { extname } from 'node:path';
import { parse } from 'csv-parse/sync';
import { DomainError, type FieldProblem } from '../domain/errors';
import { EncodingError, decodeText } from '../imports/decode';
import { readXlsxRows } from '../imports/xlsx-reader';
import { bufferSource } from '../imports/zip';

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

/** A sheet row: its number as the spreadsheet shows it and its cells' text. */
interface SheetRow {
  row: number;
  cells: string[];
}

const refused = (fileName: string, text: string, message: string): DomainError =>
  new DomainError('INPUT_INVALID', `住户名册「${fileName}」${text}`, [{ row: null, column: 'roster', message }]);

/** The rows of a CSV roster (UTF-8 or GBK), numbered from 1. */
async function csvRows(bytes: Buffer, fileName: string): Promise<SheetRow[]> {
  let text = '';
  try {
    for await (const chunk of decodeText([bytes])) text += chunk;
  } catch (e) {
    if (e instanceof EncodingError) throw refused(fileName, e.message, '编码无法识别');
    throw e;
  }
  try {
    return (parse(text, { relax_column_count: true, skip_empty_lines: false }) as string[][]).map((cells, i) => ({ row: i + 1, cells }));
  } catch (e) {
    throw refused(fileName, `不是有效的 CSV：${(e as Error).message}`, 'CSV 格式错误');
  }
}

/** The rows of an XLSX roster's first visible sheet, numbered as Excel shows them. */
async function xlsxRows(bytes: Buffer, fileName: string): Promise<SheetRow[]> {
  const rows: SheetRow[] = [];
  try {
    for await (const r of readXlsxRows(bufferSource(bytes))) rows.push({ row: r.row, cells: r.cells });
  } catch (e) {
    // The zip and XML readers' errors alike: the file is not a workbook this reader can open.
    if (e instanceof Error) throw refused(fileName, '不是有效的 Excel 工作簿（.xlsx），文件损坏或无法读取：请在 Excel 或 WPS 中重新保存后再用 --roster。', 'XLSX 文件损坏或无法读取');
    throw e;
  }
  return rows;
}

export async function readRoster(bytes: Buffer, fileName: string): Promise<Roster> {
  const ext = extname(fileName).toLowerCase();
  let sheet: SheetRow[];
  if (ext === '.csv' || ext === '.txt') sheet = await csvRows(bytes, fileName);
  else if (ext === '.xlsx') sheet = await xlsxRows(bytes, fileName);
  else throw refused(fileName, '须为 CSV 或 Excel 工作簿（.xlsx）文件（列：项目编号、户号）：旧版 .xls 等格式请在 Excel 或 WPS 中「另存为」.xlsx 或 CSV 后再用 --roster。', '不是 CSV 或 XLSX 文件');
  const rows = sheet.map((r) => r.cells);
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
  sheet.slice(headerIndex + 1).forEach(({ row, cells }) => {
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
