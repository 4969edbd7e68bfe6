/**
 * The Excel workbook of a round, written with exceljs's STREAMING writer: every row is committed as
 * soon as it is written, so memory stays flat at 100,000 projects (the in-memory Workbook took
 * 1.7 GB there). No data validation and no hyperlinks: streaming plus those produced files Excel
 * calls corrupt (exceljs issue 2784).
 *
 * Each sheet is filled twice by the same function: once into a meter that measures every column's
 * widest text (a CJK character counts two), then into the sheet, whose column widths must be written
 * before its first row. So columns fit their content (firm names are not cut in print) without
 * holding the rows in memory. Every sheet prints on A4, fitted to the page width, with its header
 * row repeated on each page; dates print as China dates (2025年7月20日 09:00, UTC+8).
 *
 * Text is always written as a string cell, never as a formula; a text starting with = + - @ tab or
 * CR also gets the Text number format ('@'), so that editing the cell in Excel keeps it text.
 * Scores are numbers (hundredths / 100) shown with the format '0.00'.
 */
import { type Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { DomainError } from '../domain/errors';
import { columnLetter } from '../domain/column-letter';
import { halfYearCodes } from '../domain/round-code';
import { roundHalfUpToHundredths } from '../domain/rounding';
import { type Exact, type FirmResult, type Hundredths, type ListKind } from '../domain/types';
import { chinaDateTime, flagsText, listLabel, periodLabel, ROUND_KIND_LABELS, ROUND_STATUS_LABELS, shortDate } from './labels';
import { type ReportCompleteness, type ReportData, type ReportProject, type ReportRectification, type ReportRegulatorDetail } from './report-data';
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


/** What a sheet's fill function writes to: the sheet itself, or the meter that sizes its columns. */
interface RowSink {
  /** A row of `values` formatted by the sheet's columns (or `kinds`), coloured by `tone`. */
  row(values: readonly CellValue[], tone?: Tone, kinds?: readonly CellKind[], bold?: boolean): void;
  /** A header row inside the sheet (the start of a second table). */
  headerRow(headers: readonly string[]): void;
  /** A one-cell line of text (a section title or a note); it may run over the empty cells to its right. */
  note(text: string, bold?: boolean): void;
  blank(): void;
  /** Ends the first table: the autofilter covers the header and the rows written so far. */
  endTable(): void;
}

/** Points of one printed line of 11-point text, CJK included (LibreOffice and WPS draw CJK taller). */
const LINE_HEIGHT = 16;
const MIN_WIDTH = 6;
const MAX_WIDTH = 60;

/** Width of a text in Excel's column units: a CJK or full-width character takes two. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += (ch.codePointAt(0) ?? 0) >= 0x2e80 ? 2 : 1;
  return width;
}

/** Printed lines a text takes in a wrapped cell `width` units wide. */
function wrappedLines(text: string, width: number): number {
  const usable = Math.max(1, width - 1);
  return text.split('\n').reduce((lines, part) => lines + Math.max(1, Math.ceil(displayWidth(part) / usable)), 0);
}

/** How a value prints in its cell, for measuring. */
function printedText(value: CellValue, kind: CellKind): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (kind === 'score' || kind === 'decimal') return value.toFixed(2);
  if (kind === 'percent') return `${(value * 100).toFixed(2)}%`;
  return String(value);
}

/** First pass: the widest printed text of every column. */
class WidthMeter implements RowSink {
  readonly widths: number[];

  constructor(private readonly columns: readonly Column[]) {
    this.widths = columns.map(() => 0);
    this.headerRow(columns.map((column) => column.header));
  }

  row(values: readonly CellValue[], _tone: Tone = null, kinds: readonly CellKind[] = this.columns.map((c) => c.kind)): void {
    values.forEach((value, i) => this.measure(i, printedText(value, kinds[i] ?? 'text')));
  }

  headerRow(headers: readonly string[]): void {
    // a header wraps onto two lines before it widens its column past its values
    headers.forEach((header, i) => this.measure(i, header, Math.ceil(displayWidth(header) / 2) + 1));
  }

  note(): void {}
  blank(): void {}
  endTable(): void {}

  private measure(i: number, text: string, width = Math.max(0, ...text.split('\n').map(displayWidth))): void {
    if (i < this.widths.length) this.widths[i] = Math.max(this.widths[i] ?? 0, width);
  }
}

/** One worksheet: its header row (frozen, filtered, repeated on printed pages), then rows committed one by one. */
class SheetWriter implements RowSink {
  /** Rows written so far (the last row's number). */
  private rows = 0;
  private tableEnd: number | null = null;

  constructor(
    private readonly sheet: ExcelJS.Worksheet,
    private readonly columns: readonly Column[],
    private readonly widths: readonly number[],
    private readonly styles: StyleBook,
    private readonly filter: boolean,
  ) {
    this.headerRow(columns.map((column) => column.header));
  }

  row(values: readonly CellValue[], tone: Tone = null, kinds: readonly CellKind[] = this.columns.map((c) => c.kind), bold = false): void {
    const row = this.sheet.getRow(++this.rows);
    let lines = 1;
    values.forEach((value, i) => {
      const cell = row.getCell(i + 1);
      const kind = kinds[i] ?? 'text';
      if (typeof value === 'string') {
        // XML turns a bare CR into LF when the file is read: write the line break it will become
        const text = value.replace(XML_ILLEGAL, '').replace(/\r\n?/g, '\n');
        cell.value = text === '' ? null : text;
        cell.style = this.styles.cell(kind, tone, FORMULA_LIKE.test(value), bold);
        if (kind === 'longText') lines = Math.max(lines, wrappedLines(text, this.widths[i] ?? MAX_WIDTH));
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
    // LibreOffice does not grow a row to its wrapped text on opening: give it its height
    if (lines > 1) row.height = lines * LINE_HEIGHT + 4;
    row.commit();
  }

  headerRow(headers: readonly string[]): void {
    const row = this.sheet.getRow(++this.rows);
    let lines = 1;
    headers.forEach((header, i) => {
      const cell = row.getCell(i + 1);
      cell.value = header;
      cell.style = this.styles.header;
      lines = Math.max(lines, wrappedLines(header, (this.widths[i] ?? MAX_WIDTH) - (this.filter ? 2 : 0)));
    });
    if (lines > 1) row.height = lines * LINE_HEIGHT + 4;
    row.commit();
  }

  note(text: string, bold = false): void {
    this.row([text], null, ['text'], bold);
  }

  blank(): void {
    this.rows += 1;
  }

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

/** Excel caps a cell at 32,767 characters; a rule longer than this (a long catalogue) is split. */
const CELL_TEXT_LIMIT = 30000;
/** A rule printed longer than this is shown part by part (one row each), so no row outgrows a page. */
const RULE_ROW_TEXT = 240;

/** The Chinese name of each section of the rule document. */
const RULE_LABELS: Record<string, string> = {
  annual: '年度综合评价',
  black: '黑榜',
  consequences: '后续处理',
  deductions: '行管扣分',
  grades: '等级',
  missingSource: '缺少评分来源',
  red: '红榜',
  rounding: '候选段取整',
  survey: '问卷样本量',
  tieAtCutoff: '分界处并列',
  tieBreak: '并列比较顺序',
  watch: '重点监管',
  weights: '来源权重',
};

interface RuleRow {
  /** Where the part sits in the rule document: 'red', 'deductions.catalogue[3]'. */
  path: string;
  /** Its canonical JSON text. */
  json: string;
}

/**
 * The canonical rule JSON as one row per rule: each top-level section; a section printed longer than
 * RULE_ROW_TEXT goes part by part (its keys, or its list's items). Every part is the canonical text of
 * that value, so the rows put back together give the hashed text again.
 */
function ruleRows(rulesJson: string): RuleRow[] {
  let doc: unknown;
  try {
    doc = JSON.parse(rulesJson);
  } catch {
    throw new DomainError('INPUT_INVALID', '评价规则（rulesJson）不是有效的 JSON', { field: 'round.rulesJson' });
  }
  const rows: RuleRow[] = [];
  const walk = (value: unknown, path: string): void => {
    const json = JSON.stringify(value);
    if (json.length > RULE_ROW_TEXT && typeof value === 'object' && value !== null && Object.keys(value).length > 0) {
      if (Array.isArray(value)) value.forEach((item, i) => walk(item, `${path}[${i}]`));
      else for (const [key, item] of Object.entries(value)) walk(item, `${path}.${key}`);
      return;
    }
    for (let i = 0; i < json.length; i += CELL_TEXT_LIMIT) rows.push({ path, json: json.slice(i, i + CELL_TEXT_LIMIT) });
  };
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    rows.push({ path: '', json: rulesJson });
    return rows;
  }
  for (const [key, value] of Object.entries(doc)) walk(value, key);
  return rows;
}

/** One period's detail: a half year's own, or each half of a year-end round. */
interface Period {
  /** null: the round itself (a half year); else the half year's code, shown in a first column. */
  code: string | null;
  firms: readonly FirmResult[];
  projects: readonly ReportProject[];
  regulator: readonly ReportRegulatorDetail[];
  completeness: ReportCompleteness;
}

type Fill = (sheet: RowSink) => void;

class RoundWorkbook {
  private readonly styles = new StyleBook();
  private readonly periods: Period[];

  constructor(
    private readonly book: ExcelJS.stream.xlsx.WorkbookWriter,
    private readonly data: ReportData,
  ) {
    this.periods =
      data.round.kind === 'annual'
        ? data.halves.map((half) => ({ ...half }))
        : [{ code: null, firms: data.result.firms, projects: data.projects, regulator: data.regulator, completeness: data.completeness }];
  }

  /** Measures the sheet with `fill`, then writes it with the widths found. */
  private sheet(name: string, columns: readonly Column[], fill: Fill, filter = true): void {
    const meter = new WidthMeter(columns);
    fill(meter);
    const widths = columns.map((column, i) =>
      column.kind === 'longText' ? column.width : Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, column.width, (meter.widths[i] ?? 0) + (filter ? 4 : 2))),
    );
    const worksheet = this.book.addWorksheet(name, {
      views: [{ state: 'frozen', xSplit: 0, ySplit: 1, topLeftCell: 'A2', activeCell: 'A2' }],
      pageSetup: {
        paperSize: 9, // A4
        orientation: widths.reduce((a, b) => a + b, 0) > 100 ? 'landscape' : 'portrait',
        fitToPage: true,
        fitToWidth: 1,
        fitToHeight: 0,
        printTitlesRow: '1:1',
        horizontalCentered: true,
        margins: { left: 0.5, right: 0.5, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 },
      },
      headerFooter: { oddFooter: `&L${this.data.round.code} ${name}&R第 &P 页，共 &N 页` },
    });
    worksheet.columns = widths.map((width) => ({ width }));
    const writer = new SheetWriter(worksheet, columns, widths, this.styles, filter);
    fill(writer);
    writer.commit();
  }

  /** The half years whose detail a year-end round's sheet points to. */
  private halvesText(): string {
    return halfYearCodes(this.data.round.code).join('、');
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

  /** 说明: the round, the method, the frozen rules (one row per rule) and their hash. */
  private about(): void {
    const { round, result, generatedAt } = this.data;
    const count = (list: ListKind): number => result.firms.filter((firm) => firm.list === list).length;
    const rules = ruleRows(round.rulesJson);
    this.sheet(
      '说明',
      [col('项目', 24, 'text'), col('内容', 100, 'longText')],
      (sheet) => {
        sheet.row(['报告', `${periodLabel(round.code)}物业服务质量评价报告`]);
        sheet.row(['评价周期', round.code]);
        sheet.row(['评价类型', ROUND_KIND_LABELS[round.kind]]);
        sheet.row(['状态', ROUND_STATUS_LABELS[round.status]]);
        sheet.row(['发布时间', round.publishedAt === null ? '未发布' : chinaDateTime(round.publishedAt, '发布时间')]);
        sheet.row(['报告生成时间', chinaDateTime(generatedAt, '报告生成时间')]);
        sheet.row(['参评企业', `${result.firms.length} 家，其中参与排名 ${result.ranked} 家；红榜候选段（前段）${result.sliceSize} 家，黑榜候选段（后段）${result.blackSliceSize} 家`]);
        sheet.row(['红榜', `${count('red')} 家`]);
        sheet.row(['黑榜', `${count('black')} 家`]);
        sheet.row(['重点监管', `${count('watch')} 家`]);
        if (round.kind === 'annual') {
          const found = this.data.halves.map((half) => half.code);
          sheet.row(['半年度明细', found.length ? `分项得分、街道汇总、数据完整性按半年度列出（${found.join('、')}）；详见各半年度报表。` : `分项明细见 ${this.halvesText()} 报表。`]);
        }
        round.method.forEach((line, i) => sheet.row([i === 0 ? '评价方法' : '', line]));
        sheet.row(['规则哈希（SHA-256）', round.rulesHash]);
        for (const rule of rules) {
          const top = rule.path.split(/[.[]/)[0] ?? '';
          const label = rule.path === '' ? '评价规则' : `评价规则·${RULE_LABELS[top] ?? top}（${rule.path}）`;
          sheet.row([label, rule.json]);
        }
        sheet.row([
          '复算说明',
          '以上各条评价规则为本期冻结的规范 JSON 文本的各部分（括号内为其在规则文本中的位置）；按位置组合为一个 JSON 对象，键按字母顺序、无空白，即得规范文本，其 SHA-256 即上方规则哈希，可据此逐位复算本期结果。',
        ]);
      },
      false,
    );
  }

  /** 综合排名: every firm in rank order, coloured by its list. */
  private ranking(): void {
    this.sheet(
      '综合排名',
      [
        col('排名', 6, 'int'),
        col('统一社会信用代码', 20, 'text'),
        col('企业名称', 16, 'text'),
        col('综合得分', 8, 'score'),
        col('居民评分', 8, 'score'),
        col('行管评分', 8, 'score'),
        col('街道评分', 8, 'score'),
        col('等级', 6, 'text'),
        col('榜单', 8, 'text'),
        col('标记', 8, 'text'),
        col('说明', 20, 'text'),
      ],
      (sheet) => {
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
      },
    );
  }

  /** 红榜, 黑榜, 重点监管. */
  private lists(): void {
    const { firms } = this.data.result;
    const certificates = new Map(this.data.certificates.map((c) => [c.uscc, c.number]));
    const common = [col('序号', 6, 'int'), col('排名', 6, 'int'), col('统一社会信用代码', 20, 'text'), col('企业名称', 16, 'text'), col('综合得分', 8, 'score')];
    const sources = [col('居民评分', 8, 'score'), col('行管评分', 8, 'score'), col('街道评分', 8, 'score')];
    const complaints = [col('户数', 6, 'int'), col('投诉数', 6, 'int'), col('每千户投诉数', 8, 'decimal')];
    const lead = (firm: FirmResult, i: number): CellValue[] => [i + 1, rankCell(firm.rank), firm.uscc, firm.name, score(firm.composite)];
    const scores = (firm: FirmResult): CellValue[] => [score(firm.scores.resident), score(firm.scores.regulator), score(firm.scores.street)];
    const counts = (firm: FirmResult): CellValue[] => [firm.households, firm.complaints, per1000(firm.complaintsPer1000)];
    const date = (iso: string | undefined, field: string): string => (iso === undefined ? '' : shortDate(iso, field));

    this.listSheet('红榜', [...common, ...sources, col('证书编号', 12, 'text'), col('上榜理由', 20, 'text')], firms, 'red', (firm, i) => [
      ...lead(firm, i),
      ...scores(firm),
      certificates.get(firm.uscc) ?? '',
      firm.reasons.join('；'),
    ]);

    const rectifications = new Map(this.data.rectifications.map((r) => [r.uscc, r]));
    const reinspection = (r: ReportRectification | undefined): string => (!r ? '' : r.result === null ? '待复查' : r.result === 'passed' ? '通过' : '未通过');
    this.listSheet(
      '黑榜',
      [
        ...common,
        ...sources,
        ...complaints,
        col('标记', 8, 'text'),
        col('整改期限', 8, 'text'),
        col('复查期限', 8, 'text'),
        col('复查结论', 8, 'text'),
        col('上榜理由', 20, 'text'),
      ],
      firms,
      'black',
      (firm, i) => {
        const r = rectifications.get(firm.uscc);
        return [
          ...lead(firm, i),
          ...scores(firm),
          ...counts(firm),
          flagsText(firm.flags),
          date(r?.deadline, '整改期限'),
          date(r?.reinspectBy, '复查期限'),
          reinspection(r),
          firm.reasons.join('；'),
        ];
      },
    );

    this.listSheet('重点监管', [...common, ...complaints, col('标记', 8, 'text'), col('理由', 20, 'text')], firms, 'watch', (firm, i) => [
      ...lead(firm, i),
      ...counts(firm),
      flagsText(firm.flags),
      firm.reasons.join('；'),
    ]);
  }

  private listSheet(name: string, columns: readonly Column[], firms: readonly FirmResult[], list: ListKind, cells: (firm: FirmResult, i: number) => CellValue[]): void {
    this.sheet(name, columns, (sheet) => {
      let n = 0;
      for (const firm of firms) {
        if (firm.list === list) sheet.row(cells(firm, n++), list);
      }
      if (n === 0) sheet.note(`本期无${listLabel(list)}企业`);
    });
  }

  /** A first column naming the half year, on a year-end round's detail sheets. */
  private periodColumns(): Column[] {
    return this.data.round.kind === 'annual' ? [col('半年度', 8, 'text')] : [];
  }

  private periodCells(period: Period): CellValue[] {
    return period.code === null ? [] : [period.code];
  }

  /** Where a year-end round with no half-year detail sends the reader. */
  private noHalves(sheet: RowSink): boolean {
    if (this.periods.length > 0) return false;
    sheet.note(`年度综合评价按两个半年度的公布成绩计算，分项明细见 ${this.halvesText()} 报表。`);
    return true;
  }

  /** 分项得分: one row per project, grouped by firm in rank order, with the firm's source scores (a year-end round: per half year). */
  private sourceScores(): void {
    const lead = this.periodColumns();
    // sorted once, read by both passes
    const ordered = this.periods.map(projectsByFirm);
    this.sheet(
      '分项得分',
      [
        ...lead,
        col('项目编号', 8, 'text'),
        col('项目名称', 10, 'text'),
        col('街道', 8, 'text'),
        col('社区', 8, 'text'),
        col('统一社会信用代码', 20, 'text'),
        col('企业名称', 16, 'text'),
        col('户数', 6, 'int'),
        col('居民评分', 8, 'score'),
        col('有效问卷数', 8, 'int'),
        col('街道评分', 8, 'score'),
        col('投诉数', 6, 'int'),
        col('企业居民评分', 8, 'score'),
        col('企业行管评分', 8, 'score'),
        col('企业街道评分', 8, 'score'),
        col('行管评分说明', 20, 'text'),
      ],
      (sheet) => {
        if (this.noHalves(sheet)) return;
        for (const [p, period] of this.periods.entries()) {
          const firms = new Map(period.firms.map((firm) => [firm.uscc, firm]));
          const regulator = new Map(period.regulator.map((r) => [r.firmUscc, r.detail]));
          for (const project of ordered[p] ?? []) {
            const firm = firms.get(project.firmUscc);
            sheet.row([
              ...this.periodCells(period),
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
        }
      },
    );
  }

  /** 街道汇总 (a year-end round: per half year, with that half year's lists). */
  private streets(): void {
    this.sheet(
      '街道汇总',
      [
        ...this.periodColumns(),
        col('街道', 8, 'text'),
        col('项目数', 6, 'int'),
        col('户数', 6, 'int'),
        col('物业企业数', 6, 'int'),
        col('居民评分（户数加权）', 10, 'score'),
        col('街道评分（户数加权）', 10, 'score'),
        col('红榜企业数', 6, 'int'),
        col('黑榜企业数', 6, 'int'),
        col('重点监管企业数', 8, 'int'),
      ],
      (sheet) => {
        if (this.noHalves(sheet)) return;
        for (const period of this.periods) {
          for (const s of summarizeStreets(period.projects, period.firms)) {
            sheet.row([...this.periodCells(period), s.street, s.projects, s.households, s.firms, score(s.resident), score(s.streetScore), s.redFirms, s.blackFirms, s.watchFirms]);
          }
        }
      },
    );
  }

  /** 数据完整性: completeness by street, firms without regulator score, firms short of the survey minimum (a year-end round: per half year). */
  private completeness(): void {
    const lead = this.periodColumns();
    const rate = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);
    this.sheet(
      '数据完整性',
      [
        ...lead,
        col('街道', 8, 'text'),
        col('项目数', 6, 'int'),
        col('有街道评分的项目', 8, 'int'),
        col('街道评分完整率', 8, 'percent'),
        col('有居民评分的项目', 8, 'int'),
        col('居民评分完整率', 8, 'percent'),
      ],
      (sheet) => {
        if (this.noHalves(sheet)) return;
        for (const period of this.periods) {
          let projects = 0;
          let withStreet = 0;
          let withResident = 0;
          for (const s of period.completeness.byStreet) {
            sheet.row([...this.periodCells(period), s.street, s.projects, s.withStreetScore, rate(s.withStreetScore, s.projects), s.withResident, rate(s.withResident, s.projects)]);
            projects += s.projects;
            withStreet += s.withStreetScore;
            withResident += s.withResident;
          }
          sheet.row([...this.periodCells(period), '合计', projects, withStreet, rate(withStreet, projects), withResident, rate(withResident, projects)], null, undefined, true);
        }
        sheet.endTable();
        for (const period of this.periods) {
          const { firmsWithoutRegulator, insufficientSample } = period.completeness;
          const of = period.code === null ? '' : `${period.code} `;
          sheet.blank();
          sheet.note(`${of}缺少行管评分的企业：${firmsWithoutRegulator} 家`, true);
          sheet.blank();
          sheet.note(`${of}有效问卷数未达最低样本量的企业（不得列入红榜）：${insufficientSample.length} 家`, true);
          const kinds: CellKind[] = [...lead.map(() => 'text' as const), 'text', 'text', 'int', 'int', 'int'];
          sheet.headerRow([...lead.map((c) => c.header), '统一社会信用代码', '企业名称', '有效问卷数', '最低样本量', '缺口']);
          for (const firm of insufficientSample) {
            sheet.row([...this.periodCells(period), firm.uscc, firm.name, firm.responses, firm.required, Math.max(0, firm.required - firm.responses)], null, kinds);
          }
          if (insufficientSample.length === 0) sheet.note('（无）');
          const exclusions = period.completeness.surveyExclusions ?? [];
          sheet.blank();
          sheet.note(`${of}扫码评价中排除的网上答案（疑似刷票，不计入居民评分和样本量）：${exclusions.length} 项，共 ${exclusions.reduce((n, e) => n + e.households, 0)} 户`, true);
          if (exclusions.length === 0) continue;
          const exclusionKinds: CellKind[] = [...lead.map(() => 'text' as const), 'text', 'text', 'text', 'int', 'text', 'text', 'text'];
          sheet.headerRow([...lead.map((c) => c.header), '项目编号', '项目名称', '物业企业', '排除户数', '排除日期', '操作人', '理由']);
          for (const e of exclusions) sheet.row([...this.periodCells(period), e.projectCode, e.projectName, e.firmName, e.households, e.day, e.by, e.reason], null, exclusionKinds);
        }
      },
    );
  }

  /** 与上期对比. */
  private comparison(): void {
    const previous = this.data.previous;
    const named = previous === null ? null : previous.imported === true ? `${previous.code}，历史导入` : previous.code;
    const then = named === null ? '上期排名（无上期）' : `上期（${named}）排名`;
    const thenScore = named === null ? '上期综合得分（无上期）' : `上期（${named}）综合得分`;
    const thenList = named === null ? '上期榜单（无上期）' : `上期（${named}）榜单`;
    const current = new Set(this.data.result.firms.map((firm) => firm.uscc));
    this.sheet(
      '与上期对比',
      [
        col('统一社会信用代码', 20, 'text'),
        col('企业名称', 16, 'text'),
        col(`本期（${this.data.round.code}）排名`, 8, 'int'),
        col(then, 8, 'int'),
        col('排名变化（正数为上升）', 8, 'int'),
        col('本期综合得分', 8, 'score'),
        col(thenScore, 8, 'score'),
        col('得分变化', 8, 'score'),
        col('本期榜单', 8, 'text'),
        col(thenList, 8, 'text'),
      ],
      (sheet) => {
        if (previous === null) {
          sheet.note(`无上期数据：${this.data.round.code} 之前没有已计算的同类评价周期。`);
          return;
        }
        const before = new Map(previous.firms.map((firm) => [firm.uscc, firm]));
        const diff = (now: number | null, old: number | null): number | null => (now === null || old === null ? null : now - old);
        for (const firm of this.data.result.firms) {
          const old = before.get(firm.uscc);
          sheet.row([
            firm.uscc,
            firm.name,
            rankCell(firm.rank),
            old ? rankCell(old.rank) : '未参评',
            diff(old?.rank ?? null, firm.rank),
            score(firm.composite),
            score(old?.composite ?? null),
            score(diff(firm.composite, old?.composite ?? null)),
            listLabel(firm.list),
            old ? listLabel(old.list) : '未参评',
          ]);
        }
        for (const old of previous.firms) {
          if (current.has(old.uscc)) continue;
          sheet.row([old.uscc, old.name ?? '', '未参评', rankCell(old.rank), null, null, score(old.composite), null, '未参评', listLabel(old.list)]);
        }
        if (previous.imported === true) {
          sheet.endTable();
          sheet.blank();
          sheet.note(`上期 ${previous.code} 为启用本系统之前发布的榜单（历史导入），只有当时公布的排名、综合得分和榜单。`);
        }
      },
    );
  }
}

/** A period's projects grouped by firm in the period's rank order. */
function projectsByFirm(period: Period): ReportProject[] {
  const position = new Map(period.firms.map((firm, i) => [firm.uscc, i]));
  const last = period.firms.length;
  // Array.prototype.sort is stable: within a firm the caller's order is kept.
  return [...period.projects].sort((a, b) => (position.get(a.firmUscc) ?? last) - (position.get(b.firmUscc) ?? last));
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
