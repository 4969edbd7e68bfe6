/**
 * The Excel workbook of a round (SPEC §7 Reports), written with exceljs's STREAMING writer: every row
 * is committed as soon as it is written, so memory stays flat at 100,000 projects (the in-memory
 * Workbook took 1.7 GB there). No data validation and no hyperlinks: streaming plus those produced
 * files Excel calls corrupt (exceljs issue 2784).
 *
 * Text is always written as a string cell, never as a formula; a text starting with = + - @ tab or
 * CR also gets the Text number format ('@'), so that editing the cell in Excel keeps it text.
 * Scores are numbers (hundredths / 100) shown with the format '0.00'.
 */
import { type Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { DomainError } from '../domain/errors';
import { roundHalfUpToHundredths } from '../domain/rounding';
import { type Exact, type FirmResult, type Hundredths, type ListKind } from '../domain/types';
import { flagsText, listLabel, periodLabel, ROUND_KIND_LABELS, ROUND_STATUS_LABELS } from './labels';
import { type ReportData, type ReportProject, type ReportRectification } from './report-data';
import { summarizeStreets } from './street-summary';

/** How a column's cells are formatted. */
type CellKind = 'text' | 'longText' | 'int' | 'score' | 'decimal' | 'percent';
type CellValue = string | number | null;
/** A row's colour: the firm's list. */
type Tone = ListKind | null;

interface Column {
  header: string;
  width: number;
  kind: CellKind;
}

const NUMBER_FORMATS: Record<CellKind, string | undefined> = {
  text: undefined,
  longText: undefined,
  int: '0',
  score: '0.00',
  decimal: '0.00',
  percent: '0.00%',
};

const TONE_FILLS: Record<ListKind, string> = { red: 'FFFFC7CE', black: 'FF595959', watch: 'FFFFEB9C' };
const HEADER_FILL = 'FFD9E1F2';

/** Characters XML 1.0 cannot carry; exceljs would write them raw and break the file. */
// eslint-disable-next-line no-control-regex
const XML_ILLEGAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
/** A text Excel (or a CSV reader) might take for a formula. */
const FORMULA_LIKE = /^[=+\-@\t\r]/;

/**
 * Shared style objects, one per (kind, tone, forced text). exceljs caches a style's index by object
 * identity; a fresh object per cell would re-serialise the style of every one of a million cells.
 */
class StyleBook {
  private readonly cache = new Map<string, Partial<ExcelJS.Style>>();

  cell(kind: CellKind, tone: Tone, forceText: boolean, bold = false): Partial<ExcelJS.Style> {
    const key = `${kind}|${tone ?? ''}|${forceText ? 't' : ''}|${bold ? 'b' : ''}`;
    let style = this.cache.get(key);
    if (!style) {
      style = {};
      const numFmt = forceText ? '@' : NUMBER_FORMATS[kind];
      if (numFmt) style.numFmt = numFmt;
      if (tone) style.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: TONE_FILLS[tone] } };
      if (tone === 'black' || bold) style.font = { bold, ...(tone === 'black' ? { color: { argb: 'FFFFFFFF' } } : {}) };
      if (kind === 'longText') style.alignment = { wrapText: true, vertical: 'top' };
      this.cache.set(key, style);
    }
    return style;
  }

  readonly header: Partial<ExcelJS.Style> = {
    font: { bold: true },
    fill: { type: 'pattern', pattern: 'solid', fgColor: { argb: HEADER_FILL } },
    alignment: { vertical: 'middle', horizontal: 'center', wrapText: true },
    border: { bottom: { style: 'thin', color: { argb: 'FF7F7F7F' } } },
  };
}

function columnLetter(index: number): string {
  let n = index;
  let letters = '';
  while (n > 0) {
    const rest = (n - 1) % 26;
    letters = String.fromCharCode(65 + rest) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

/** One worksheet: its header row (frozen, filtered, repeated on printed pages), then rows committed one by one. */
class SheetWriter {
  /** Rows written so far (the last row's number). */
  private rows = 0;
  private tableEnd: number | null = null;

  constructor(
    private readonly sheet: ExcelJS.Worksheet,
    private readonly columns: readonly Column[],
    private readonly styles: StyleBook,
    private readonly filter: boolean,
  ) {
    this.headerRow(columns.map((column) => column.header));
  }

  /** Writes a row of `values` formatted by the sheet's columns (or `kinds`), coloured by `tone`. */
  row(values: readonly CellValue[], tone: Tone = null, kinds: readonly CellKind[] = this.columns.map((c) => c.kind), bold = false): void {
    const row = this.sheet.getRow(++this.rows);
    values.forEach((value, i) => {
      const cell = row.getCell(i + 1);
      const kind = kinds[i] ?? 'text';
      if (typeof value === 'string') {
        // XML turns a bare CR into LF when the file is read: write the line break it will become
        const text = value.replace(XML_ILLEGAL, '').replace(/\r\n?/g, '\n');
        cell.value = text === '' ? null : text;
        cell.style = this.styles.cell(kind, tone, FORMULA_LIKE.test(value), bold);
      } else {
        if (value !== null && !Number.isFinite(value)) {
          throw new DomainError('INPUT_INVALID', `工作表“${this.sheet.name}”第 ${this.rows} 行第 ${i + 1} 列的数值无效：${value}`, {
            sheet: this.sheet.name,
            row: this.rows,
            column: i + 1,
          });
        }
        cell.value = value;
        cell.style = this.styles.cell(kind, tone, false, bold);
      }
    });
    row.commit();
  }

  /** A header row inside the sheet (the start of a second table). */
  headerRow(headers: readonly string[]): void {
    const row = this.sheet.getRow(++this.rows);
    headers.forEach((header, i) => {
      const cell = row.getCell(i + 1);
      cell.value = header;
      cell.style = this.styles.header;
    });
    row.commit();
  }

  /** A one-cell line of text (a section title or a note). */
  note(text: string, bold = false): void {
    this.row([text], null, ['text'], bold);
  }

  blank(): void {
    this.rows += 1;
  }

  /** Ends the first table: the autofilter covers the header and the rows written so far. */
  endTable(): void {
    this.tableEnd ??= this.rows;
  }

  commit(): void {
    this.endTable();
    if (this.filter) {
      this.sheet.autoFilter = `A1:${columnLetter(this.columns.length)}${this.tableEnd ?? this.rows}`;
    }
    this.sheet.commit();
  }
}

/** Integer hundredths → the number Excel shows with '0.00'; null stays an empty cell. */
function score(h: Hundredths | null): number | null {
  if (h === null) return null;
  if (!Number.isInteger(h)) {
    throw new DomainError('INPUT_INVALID', `分数须为整数百分位（如 8540 表示 85.40），收到 ${h}`, { value: h });
  }
  return h / 100;
}

function per1000(x: Exact | null): number | null {
  return x === null ? null : roundHalfUpToHundredths(x) / 100;
}

function rankCell(rank: number | null): CellValue {
  return rank ?? '未排名';
}

const col = (header: string, width: number, kind: CellKind): Column => ({ header, width, kind });

/** Excel caps a cell at 32,767 characters; the rule JSON is split into pieces below that. */
const CELL_TEXT_LIMIT = 30000;

class RoundWorkbook {
  private readonly styles = new StyleBook();
  private readonly firmsByUscc: Map<string, FirmResult>;

  constructor(
    private readonly book: ExcelJS.stream.xlsx.WorkbookWriter,
    private readonly data: ReportData,
  ) {
    this.firmsByUscc = new Map(data.result.firms.map((firm) => [firm.uscc, firm]));
  }

  private sheet(name: string, columns: readonly Column[], filter = true): SheetWriter {
    const worksheet = this.book.addWorksheet(name, {
      views: [{ state: 'frozen', xSplit: 0, ySplit: 1, topLeftCell: 'A2', activeCell: 'A2' }],
      pageSetup: {
        paperSize: 9, // A4
        orientation: 'landscape',
        fitToPage: true,
        fitToWidth: 1,
        fitToHeight: 0,
        printTitlesRow: '1:1',
      },
      headerFooter: { oddFooter: `&L${this.data.round.code} ${name}&R第 &P 页，共 &N 页` },
    });
    worksheet.columns = columns.map((column) => ({ width: column.width }));
    return new SheetWriter(worksheet, columns, this.styles, filter);
  }

  async write(): Promise<void> {
    this.about();
    this.ranking();
    this.lists();
    this.sourceScores();
    this.streets();
    this.completeness();
    this.comparison();
    await this.book.commit();
  }

  /** 说明: the round, the method, the frozen rules and their hash. */
  private about(): void {
    const { round, result, generatedAt } = this.data;
    const sheet = this.sheet('说明', [col('项目', 22, 'text'), col('内容', 110, 'longText')], false);
    const count = (list: ListKind): number => result.firms.filter((firm) => firm.list === list).length;
    sheet.row(['报告', `${periodLabel(round.code)}物业服务质量评价报告`]);
    sheet.row(['评价周期', round.code]);
    sheet.row(['评价类型', ROUND_KIND_LABELS[round.kind]]);
    sheet.row(['状态', ROUND_STATUS_LABELS[round.status]]);
    sheet.row(['发布时间', round.publishedAt ?? '未发布']);
    sheet.row(['报告生成时间', generatedAt]);
    sheet.row(['参评企业', `${result.firms.length} 家，其中参与排名 ${result.ranked} 家；红榜候选段（前段）${result.sliceSize} 家，黑榜候选段（后段）${result.blackSliceSize} 家`]);
    sheet.row(['红榜', `${count('red')} 家`]);
    sheet.row(['黑榜', `${count('black')} 家`]);
    sheet.row(['重点监管', `${count('watch')} 家`]);
    round.method.forEach((line, i) => sheet.row([i === 0 ? '评价方法' : '', line]));
    sheet.row(['规则哈希（SHA-256）', round.rulesHash]);
    const pieces = Math.max(1, Math.ceil(round.rulesJson.length / CELL_TEXT_LIMIT));
    for (let i = 0; i < pieces; i++) {
      const label = pieces === 1 ? '评价规则（JSON）' : `评价规则（JSON，第 ${i + 1} 段，共 ${pieces} 段）`;
      sheet.row([label, round.rulesJson.slice(i * CELL_TEXT_LIMIT, (i + 1) * CELL_TEXT_LIMIT)]);
    }
    sheet.row(['复算说明', '评价规则为本期冻结的规范 JSON 文本（多段时按顺序连接），其 SHA-256 即上方规则哈希，可据此逐位复算本期结果。']);
    sheet.commit();
  }

  /** 综合排名: every firm in rank order, coloured by its list. */
  private ranking(): void {
    const sheet = this.sheet('综合排名', [
      col('排名', 8, 'int'),
      col('统一社会信用代码', 22, 'text'),
      col('企业名称', 36, 'text'),
      col('综合得分', 10, 'score'),
      col('居民评分', 10, 'score'),
      col('行管评分', 10, 'score'),
      col('街道评分', 10, 'score'),
      col('等级', 8, 'text'),
      col('榜单', 10, 'text'),
      col('标记', 30, 'text'),
      col('说明', 70, 'text'),
    ]);
    for (const firm of this.data.result.firms) {
      sheet.row(
        [
          rankCell(firm.rank),
          firm.uscc,
          firm.name,
          score(firm.composite),
          score(firm.scores.resident),
          score(firm.scores.regulator),
          score(firm.scores.street),
          firm.grade ?? '',
          firm.list === null ? '' : listLabel(firm.list),
          flagsText(firm.flags),
          firm.reasons.join('；'),
        ],
        firm.list,
      );
    }
    sheet.commit();
  }

  /** 红榜, 黑榜, 重点监管. */
  private lists(): void {
    const { firms } = this.data.result;
    const certificates = new Map(this.data.certificates.map((c) => [c.uscc, c.number]));
    const common = [col('序号', 6, 'int'), col('排名', 8, 'int'), col('统一社会信用代码', 22, 'text'), col('企业名称', 36, 'text'), col('综合得分', 10, 'score')];
    const sources = [col('居民评分', 10, 'score'), col('行管评分', 10, 'score'), col('街道评分', 10, 'score')];
    const complaints = [col('户数', 10, 'int'), col('投诉数', 10, 'int'), col('每千户投诉数', 12, 'decimal')];
    const lead = (firm: FirmResult, i: number): CellValue[] => [i + 1, rankCell(firm.rank), firm.uscc, firm.name, score(firm.composite)];
    const scores = (firm: FirmResult): CellValue[] => [score(firm.scores.resident), score(firm.scores.regulator), score(firm.scores.street)];
    const counts = (firm: FirmResult): CellValue[] => [firm.households, firm.complaints, per1000(firm.complaintsPer1000)];

    const red = this.sheet('红榜', [...common, ...sources, col('证书编号', 20, 'text'), col('上榜理由', 60, 'text')]);
    this.listRows(red, firms, 'red', (firm, i) => [...lead(firm, i), ...scores(firm), certificates.get(firm.uscc) ?? '', firm.reasons.join('；')]);

    const rectifications = new Map(this.data.rectifications.map((r) => [r.uscc, r]));
    const reinspection = (r: ReportRectification | undefined): string => (!r ? '' : r.result === null ? '待复查' : r.result === 'passed' ? '通过' : '未通过');
    const black = this.sheet('黑榜', [
      ...common,
      ...sources,
      ...complaints,
      col('标记', 24, 'text'),
      col('整改期限', 12, 'text'),
      col('复查期限', 12, 'text'),
      col('复查结论', 10, 'text'),
      col('上榜理由', 60, 'text'),
    ]);
    this.listRows(black, firms, 'black', (firm, i) => {
      const r = rectifications.get(firm.uscc);
      return [...lead(firm, i), ...scores(firm), ...counts(firm), flagsText(firm.flags), r?.deadline ?? '', r?.reinspectBy ?? '', reinspection(r), firm.reasons.join('；')];
    });

    const watch = this.sheet('重点监管', [...common, ...complaints, col('标记', 24, 'text'), col('理由', 60, 'text')]);
    this.listRows(watch, firms, 'watch', (firm, i) => [...lead(firm, i), ...counts(firm), flagsText(firm.flags), firm.reasons.join('；')]);
  }

  private listRows(sheet: SheetWriter, firms: readonly FirmResult[], list: ListKind, cells: (firm: FirmResult, i: number) => CellValue[]): void {
    let n = 0;
    for (const firm of firms) {
      if (firm.list === list) sheet.row(cells(firm, n++), list);
    }
    if (n === 0) sheet.note(`本期无${listLabel(list)}企业`);
    sheet.commit();
  }

  /** 分项得分: one row per project, grouped by firm in rank order, with the firm's source scores. */
  private sourceScores(): void {
    const sheet = this.sheet('分项得分', [
      col('项目编号', 14, 'text'),
      col('项目名称', 28, 'text'),
      col('街道', 14, 'text'),
      col('社区', 14, 'text'),
      col('统一社会信用代码', 22, 'text'),
      col('企业名称', 32, 'text'),
      col('户数', 8, 'int'),
      col('居民评分', 10, 'score'),
      col('有效问卷数', 10, 'int'),
      col('街道评分', 10, 'score'),
      col('投诉数', 8, 'int'),
      col('企业居民评分', 12, 'score'),
      col('企业行管评分', 12, 'score'),
      col('企业街道评分', 12, 'score'),
      col('行管评分说明', 50, 'text'),
    ]);
    const regulator = new Map(this.data.regulator.map((r) => [r.firmUscc, r.detail]));
    for (const project of this.projectsByFirm()) {
      const firm = this.firmsByUscc.get(project.firmUscc);
      sheet.row([
        project.code,
        project.name,
        project.street,
        project.community ?? '',
        project.firmUscc,
        project.firmName,
        project.households,
        score(project.resident),
        project.residentResponses,
        score(project.streetScore),
        project.complaints,
        score(firm?.scores.resident ?? null),
        score(firm?.scores.regulator ?? null),
        score(firm?.scores.street ?? null),
        regulator.get(project.firmUscc) ?? '',
      ]);
    }
    sheet.commit();
  }

  private projectsByFirm(): ReportProject[] {
    const position = new Map(this.data.result.firms.map((firm, i) => [firm.uscc, i]));
    const last = this.data.result.firms.length;
    // Array.prototype.sort is stable: within a firm the caller's order is kept.
    return [...this.data.projects].sort((a, b) => (position.get(a.firmUscc) ?? last) - (position.get(b.firmUscc) ?? last));
  }

  /** 街道汇总. */
  private streets(): void {
    const sheet = this.sheet('街道汇总', [
      col('街道', 16, 'text'),
      col('项目数', 8, 'int'),
      col('户数', 10, 'int'),
      col('物业企业数', 10, 'int'),
      col('居民评分（户数加权）', 14, 'score'),
      col('街道评分（户数加权）', 14, 'score'),
      col('红榜企业数', 10, 'int'),
      col('黑榜企业数', 10, 'int'),
      col('重点监管企业数', 12, 'int'),
    ]);
    for (const s of summarizeStreets(this.data.projects, this.data.result.firms)) {
      sheet.row([s.street, s.projects, s.households, s.firms, score(s.resident), score(s.streetScore), s.redFirms, s.blackFirms, s.watchFirms]);
    }
    sheet.commit();
  }

  /** 数据完整性: completeness by street, firms without regulator score, firms short of the survey minimum. */
  private completeness(): void {
    const { byStreet, firmsWithoutRegulator, insufficientSample } = this.data.completeness;
    const sheet = this.sheet('数据完整性', [
      col('街道', 16, 'text'),
      col('项目数', 8, 'int'),
      col('有街道评分的项目', 14, 'int'),
      col('街道评分完整率', 14, 'percent'),
      col('有居民评分的项目', 14, 'int'),
      col('居民评分完整率', 14, 'percent'),
    ]);
    const rate = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);
    let projects = 0;
    let withStreet = 0;
    let withResident = 0;
    for (const s of byStreet) {
      sheet.row([s.street, s.projects, s.withStreetScore, rate(s.withStreetScore, s.projects), s.withResident, rate(s.withResident, s.projects)]);
      projects += s.projects;
      withStreet += s.withStreetScore;
      withResident += s.withResident;
    }
    sheet.endTable();
    sheet.row(['合计', projects, withStreet, rate(withStreet, projects), withResident, rate(withResident, projects)], null, undefined, true);
    sheet.blank();
    sheet.note(`缺少行管评分的企业：${firmsWithoutRegulator} 家`, true);
    sheet.blank();
    sheet.note(`有效问卷数未达最低样本量的企业（SPEC §5.5，不得列入红榜）：${insufficientSample.length} 家`, true);
    const kinds: CellKind[] = ['text', 'text', 'int', 'int', 'int'];
    sheet.headerRow(['统一社会信用代码', '企业名称', '有效问卷数', '最低样本量', '缺口']);
    for (const firm of insufficientSample) {
      sheet.row([firm.uscc, firm.name, firm.responses, firm.required, Math.max(0, firm.required - firm.responses)], null, kinds);
    }
    if (insufficientSample.length === 0) sheet.note('（无）');
    sheet.commit();
  }

  /** 与上期对比. */
  private comparison(): void {
    const previous = this.data.previous;
    const then = previous?.code ?? '上期';
    const sheet = this.sheet('与上期对比', [
      col('统一社会信用代码', 22, 'text'),
      col('企业名称', 36, 'text'),
      col('本期排名', 10, 'int'),
      col(`上期（${then}）排名`, 14, 'int'),
      col('排名变化（正数为上升）', 14, 'int'),
      col('本期综合得分', 12, 'score'),
      col('上期综合得分', 12, 'score'),
      col('得分变化', 10, 'score'),
      col('本期榜单', 10, 'text'),
      col('上期榜单', 10, 'text'),
    ]);
    if (previous === null) {
      sheet.note('无上期数据');
      sheet.commit();
      return;
    }
    const before = new Map(previous.firms.map((firm) => [firm.uscc, firm]));
    const diff = (now: number | null, old: number | null): number | null => (now === null || old === null ? null : now - old);
    for (const firm of this.data.result.firms) {
      const old = before.get(firm.uscc);
      const rankChange = diff(old?.rank ?? null, firm.rank);
      const composite = diff(firm.composite, old?.composite ?? null);
      sheet.row([
        firm.uscc,
        firm.name,
        rankCell(firm.rank),
        old ? rankCell(old.rank) : '未参评',
        rankChange,
        score(firm.composite),
        score(old?.composite ?? null),
        score(composite),
        listLabel(firm.list),
        old ? listLabel(old.list) : '未参评',
      ]);
    }
    for (const old of previous.firms) {
      if (this.firmsByUscc.has(old.uscc)) continue;
      sheet.row([old.uscc, old.name ?? '', '未参评', rankCell(old.rank), null, null, score(old.composite), null, '未参评', listLabel(old.list)]);
    }
    sheet.commit();
  }
}

/**
 * Writes the round's workbook to `out` (a stream the caller owns, or a file path) and resolves once
 * the last byte is written. Sheets: 说明, 综合排名, 红榜, 黑榜, 重点监管, 分项得分, 街道汇总, 数据完整性, 与上期对比.
 */
export async function writeRoundWorkbook(data: ReportData, out: Writable | string): Promise<void> {
  const target = typeof out === 'string' ? { filename: out } : { stream: out };
  const book = new ExcelJS.stream.xlsx.WorkbookWriter({ ...target, useStyles: true, useSharedStrings: false });
  book.creator = 'hongheibang';
  book.created = new Date(data.generatedAt);
  if (Number.isNaN(book.created.getTime())) {
    throw new DomainError('INPUT_INVALID', `报告生成时间 generatedAt“${data.generatedAt}”不是有效的 ISO 时间`, { field: 'generatedAt' });
  }
  book.modified = book.created;
  await new RoundWorkbook(book, data).write();
}
