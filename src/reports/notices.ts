/**
 * The bureau's notices as Word documents (.docx) that staff open in WPS or Word, edit, print and
 * stamp: the public announcement of a round's draft lists (公示公告), the rectification notice to each
 * black-listed firm (整改通知书) and the notice summoning its legal representative (约谈通知).
 * Laid out the way government documents are (GB/T 9704-2012): A4, 仿宋_GB2312 三号 body on a fixed
 * 28 pt line, 黑体 headings, the issuing body in red above a red rule, page numbers "— 1 —",
 * signature and date at the right, dates as 2025年7月20日.
 */
import {
  AlignmentType,
  BorderStyle,
  Document,
  Footer,
  LineRuleType,
  Packer,
  PageNumber,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  VerticalAlignTable,
  WidthType,
  type IParagraphOptions,
} from 'docx';
import type { Hundredths } from '../domain/types';
import { DomainError } from '../domain/errors';
import { periodLabel, scoreText, shortDate } from './labels';

/** Who issues the documents, from the settings. */
export interface IssuerSettings {
  /** e.g. 磐石市住房和城乡建设局 */
  issuer: string;
  /** e.g. 磐石市 */
  city: string;
}

export interface AnnouncementFirm {
  rank: number | null;
  name: string;
  uscc: string;
  composite: Hundredths | null;
  reason: string;
}

export interface AnnouncementData extends IssuerSettings {
  roundCode: string;
  /** ISO dates. */
  issuedOn: string;
  noticeEndsOn: string | null;
  ranked: number;
  /** The weights as the rules give them, e.g. "5:3:2". */
  weights: string;
  red: AnnouncementFirm[];
  black: AnnouncementFirm[];
  watch: AnnouncementFirm[];
}

/** What the rectification notice and the interview notice say about the firm. */
interface FirmNotice extends IssuerSettings {
  roundCode: string;
  /** 通知书编号 */
  number: string;
  firmName: string;
  uscc: string;
  rank: number | null;
  ranked: number;
  composite: Hundredths | null;
  reasons: string[];
  /** ISO date. */
  issuedOn: string;
}

export interface RectificationNoticeData extends FirmNotice {
  deadline: string;
  reinspectBy: string;
  consecutiveBlack: number;
}

export interface InterviewNoticeData extends FirmNotice {
  /** 法定代表人, when the firms file gave it. */
  legalRep: string | null;
}

// Fonts as WPS and Word on a bureau's Windows PC name them; digits and Latin letters in Times New Roman.
const BODY_FONT = { eastAsia: '仿宋_GB2312', ascii: 'Times New Roman', hAnsi: 'Times New Roman' };
const HEADING_FONT = { eastAsia: '黑体', ascii: 'Times New Roman', hAnsi: 'Times New Roman' };
// Titles in 黑体 (SimHei), which every Windows and WPS installation has; 方正小标宋 is not always there.
const TITLE_FONT = HEADING_FONT;
const TABLE_FONT = { eastAsia: '仿宋_GB2312', ascii: 'Times New Roman', hAnsi: 'Times New Roman' };
const RED = 'C00000';
/** Sizes in half-points: 二号 22 pt, 三号 16 pt, 四号 14 pt, 小四 12 pt. */
const SIZE = { title: 44, body: 32, page: 28, table: 24 } as const;
const mm = (n: number): number => Math.round(n * 56.7);
/** One character of 三号 text in twips. */
const CHAR = 320;
const LINE = { line: 560, lineRule: LineRuleType.EXACT } as const;

function required(value: string, field: string, label: string): string {
  const text = value.trim();
  if (text === '') throw new DomainError('INPUT_INVALID', `通知的${label}（${field}）不能为空`, [{ row: null, column: field, message: '为空' }]);
  return text;
}

const run = (text: string, font = BODY_FONT, size: number = SIZE.body, extra: { bold?: boolean; color?: string } = {}): TextRun => new TextRun({ text, font, size, ...extra });

/** A body paragraph: two characters of first-line indent. */
const para = (text: string, opts: Partial<IParagraphOptions> = {}): Paragraph =>
  new Paragraph({ children: [run(text)], indent: { firstLine: 2 * CHAR, firstLineChars: 200 }, spacing: LINE, alignment: AlignmentType.JUSTIFIED, ...opts });

/** A level-one heading ("一、…") in 黑体. */
const heading = (text: string): Paragraph => new Paragraph({ children: [run(text, HEADING_FONT)], indent: { firstLine: 2 * CHAR, firstLineChars: 200 }, spacing: LINE });

const title = (text: string): Paragraph => new Paragraph({ children: [run(text, TITLE_FONT, SIZE.title)], alignment: AlignmentType.CENTER, spacing: { before: 240, after: 240, line: 700, lineRule: LineRuleType.EXACT } });

/** The issuing body in red, with the red rule under it (版头). */
const letterhead = (issuer: string): Paragraph[] => [
  new Paragraph({ children: [run(issuer, TITLE_FONT, 52, { color: RED })], alignment: AlignmentType.CENTER, spacing: { before: 0, after: 120 } }),
  new Paragraph({ children: [], border: { bottom: { color: RED, space: 1, style: BorderStyle.SINGLE, size: 18 } }, spacing: { after: 240 } }),
];

const numberLine = (number: string): Paragraph => new Paragraph({ children: [run(`编号：${number}`)], alignment: AlignmentType.CENTER, spacing: LINE });

/** Addressee (主送), flush left. */
const addressee = (text: string): Paragraph => new Paragraph({ children: [run(text)], spacing: LINE });

/** Signature and date at the right, four characters in (署名、成文日期). */
const signature = (issuer: string, isoDate: string): Paragraph[] => [
  new Paragraph({ children: [], spacing: LINE }),
  new Paragraph({ children: [run(issuer)], alignment: AlignmentType.RIGHT, indent: { right: 4 * CHAR }, spacing: LINE }),
  new Paragraph({ children: [run(shortDate(isoDate, '成文日期'))], alignment: AlignmentType.RIGHT, indent: { right: 4 * CHAR }, spacing: LINE }),
];

const pageFooter = (): Footer =>
  new Footer({ children: [new Paragraph({ alignment: AlignmentType.CENTER, children: [new TextRun({ children: ['— ', PageNumber.CURRENT, ' —'], font: { eastAsia: '宋体', ascii: 'Times New Roman', hAnsi: 'Times New Roman' }, size: SIZE.page })] })] });

async function pack(docTitle: string, issuer: string, children: (Paragraph | Table)[]): Promise<Buffer> {
  const doc = new Document({
    title: docTitle,
    creator: issuer,
    lastModifiedBy: issuer,
    styles: { default: { document: { run: { font: BODY_FONT, size: SIZE.body } } } },
    sections: [
      {
        properties: { page: { size: { width: mm(210), height: mm(297) }, margin: { top: mm(37), bottom: mm(35), left: mm(28), right: mm(26), footer: mm(20), header: mm(15) } } },
        footers: { default: pageFooter() },
        children,
      },
    ],
  });
  return Packer.toBuffer(doc);
}

const rankText = (rank: number | null): string => (rank === null ? '—' : String(rank));

/** A list of firms as a table: 排名, 企业名称, 统一社会信用代码, 综合得分 (and 说明). */
function firmTable(list: AnnouncementFirm[], withReason: boolean): Table {
  const headers = ['排名', '企业名称', '统一社会信用代码', '综合得分', ...(withReason ? ['说明'] : [])];
  const shares = withReason ? [8, 30, 26, 12, 24] : [10, 42, 32, 16];
  const total = mm(156);
  const widths = shares.map((s) => Math.round((total * s) / 100));
  const cell = (text: string, i: number, head = false): TableCell =>
    new TableCell({
      width: { size: widths[i] ?? 0, type: WidthType.DXA },
      verticalAlign: VerticalAlignTable.CENTER,
      children: [new Paragraph({ children: [run(text, head ? HEADING_FONT : TABLE_FONT, SIZE.table)], alignment: i === 0 || i === 3 || head ? AlignmentType.CENTER : AlignmentType.LEFT })],
    });
  const rows = [new TableRow({ tableHeader: true, children: headers.map((h, i) => cell(h, i, true)) })];
  if (list.length === 0) {
    rows.push(new TableRow({ children: [new TableCell({ columnSpan: headers.length, children: [new Paragraph({ children: [run('无', TABLE_FONT, SIZE.table)], alignment: AlignmentType.CENTER })] })] }));
  }
  for (const f of list) {
    rows.push(new TableRow({ cantSplit: true, children: [rankText(f.rank), f.name, f.uscc, scoreText(f.composite), ...(withReason ? [f.reason] : [])].map((t, i) => cell(t, i)) }));
  }
  return new Table({ width: { size: total, type: WidthType.DXA }, columnWidths: widths, rows });
}

/** 关于…评价结果的公示: the draft red, black and watch lists and how to object. */
export async function renderAnnouncement(data: AnnouncementData): Promise<Buffer> {
  const issuer = required(data.issuer, 'issuer', '发文单位');
  const city = required(data.city, 'city', '城市名称');
  const period = periodLabel(data.roundCode);
  const heading1 = `关于${city}${period}物业服务企业红黑榜评价结果的公示`;
  const until = data.noticeEndsOn ? `至 ${shortDate(data.noticeEndsOn, '公示截止日期')} 止` : '';
  return pack(heading1, issuer, [
    title(heading1),
    para(
      `根据《住宅物业服务质量评价办法》和${city}物业服务企业红黑榜评价规则，经居民群众、行业管理部门、街道社区按 ${data.weights} 权重综合评价，${period}共 ${data.ranked} 家物业服务企业参与排名。现将拟列入红榜、黑榜和重点监管的企业名单予以公示。`,
    ),
    heading(`一、拟列入红榜企业（${data.red.length} 家）`),
    firmTable(data.red, false),
    heading(`二、拟列入黑榜企业（${data.black.length} 家）`),
    firmTable(data.black, true),
    heading(`三、拟列入重点监管企业（${data.watch.length} 家）`),
    firmTable(data.watch, true),
    heading('四、公示期与异议'),
    para(
      `公示期自 ${shortDate(data.issuedOn, '公示日期')} 起${until}。有关企业对评价结果有异议的，可在公示期内向${issuer}提出书面异议，并提供相关证明材料；每家企业每个评价周期限提出一次。我局将在受理后 5 个工作日内作出答复。`,
    ),
    ...signature(issuer, data.issuedOn),
  ]);
}

/** What both firm notices open with: the firm, its result and the reasons. */
function findings(data: FirmNotice, city: string): Paragraph[] {
  return [
    para(
      `根据${city}${periodLabel(data.roundCode)}物业服务企业红黑榜评价结果，你单位综合得分 ${scoreText(data.composite)} 分，在参与排名的 ${data.ranked} 家企业中位列第 ${rankText(data.rank)} 名，列入黑榜。主要原因：`,
    ),
    ...data.reasons.map((r, i) => para(`${i + 1}. ${r}`)),
  ];
}

/** 整改通知书 to a black-listed firm: deadline, re-inspection and the consequences. */
export async function renderRectificationNotice(data: RectificationNoticeData): Promise<Buffer> {
  const issuer = required(data.issuer, 'issuer', '发文单位');
  const city = required(data.city, 'city', '城市名称');
  const firm = required(data.firmName, 'firmName', '企业名称');
  return pack(`整改通知书 ${firm}`, issuer, [
    ...letterhead(issuer),
    title('整改通知书'),
    numberLine(data.number),
    addressee(`${firm}（统一社会信用代码：${data.uscc}）：`),
    ...findings(data, city),
    para(
      `现责令你单位针对上述问题认真整改，于 ${shortDate(data.deadline, '整改期限')} 前完成整改，并向我局书面报告整改情况。我局将于 ${shortDate(data.reinspectBy, '复查日期')} 前组织复查（回头看）。逾期未完成整改或复查不合格的，视为整改未通过，依规纳入信用记录；连续 ${data.consecutiveBlack} 个半年度评价期列入黑榜且整改不到位的，将依规提出取消从业资格建议。`,
    ),
    para('你单位法定代表人须按我局约谈通知接受约谈。'),
    para('特此通知。'),
    ...signature(issuer, data.issuedOn),
  ]);
}

/** 约谈通知 to a black-listed firm: its legal representative is summoned to the bureau. */
export async function renderInterviewNotice(data: InterviewNoticeData): Promise<Buffer> {
  const issuer = required(data.issuer, 'issuer', '发文单位');
  const city = required(data.city, 'city', '城市名称');
  const firm = required(data.firmName, 'firmName', '企业名称');
  const who = data.legalRep?.trim() ? `你单位法定代表人${data.legalRep.trim()}` : '你单位法定代表人';
  return pack(`约谈通知 ${firm}`, issuer, [
    ...letterhead(issuer),
    title('约谈通知'),
    numberLine(data.number),
    addressee(`${firm}（统一社会信用代码：${data.uscc}）：`),
    ...findings(data, city),
    para(`依据${city}物业服务企业红黑榜评价规则，我局决定对你单位进行约谈。现将有关事项通知如下：`),
    heading('一、约谈对象'),
    para(`${who}。法定代表人确因特殊情况不能到场的，须书面说明理由，并委托主要负责人到场。`),
    heading('二、约谈时间和地点'),
    para('自接到本通知之日起 5 个工作日内，具体时间和地点由我局另行电话通知。'),
    heading('三、需携带的材料'),
    para('营业执照复印件、法定代表人身份证明，以及针对上述问题的整改方案和整改时间表。'),
    heading('四、其他事项'),
    para('无正当理由拒不接受约谈的，我局将依规记入企业信用记录，并作为后续监管和评价的依据。'),
    para('特此通知。'),
    ...signature(issuer, data.issuedOn),
  ]);
}
