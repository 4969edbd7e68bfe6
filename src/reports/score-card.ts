/**
 * 企业评分卡: one firm's result on one picture — composite, rank, list, grade, the three source
 * scores, the reasons and flags, and the trend of its composite over rounds.
 */
import { type Canvas, createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import { type FirmResult, type Hundredths } from '../domain/types';
import { fitFont, wrapText } from './canvas-text';
import { type Cutoffs, flagsText, listLabel, periodLabel, scoreText } from './labels';
import { LIST_COLORS, listColor, SOURCE_COLORS } from './palette';
import { encodeRgbaPng } from './png';
import { ensureChartSetup, font, releaseNativeMemory } from './render-chart';
import { type FirmHistoryPoint } from './report-data';

/** What a score card shows of a firm's result (not its explanation): small enough to hand to a worker thread. */
export type ScoreCardFirm = Pick<FirmResult, 'uscc' | 'name' | 'rank' | 'composite' | 'scores' | 'grade' | 'list' | 'flags' | 'reasons'>;

/** The fields of `firm` a score card shows. */
export function scoreCardFirm(firm: ScoreCardFirm): ScoreCardFirm {
  const { uscc, name, rank, composite, scores, grade, list, flags, reasons } = firm;
  return { uscc, name, rank, composite, scores, grade, list, flags, reasons };
}

export interface ScoreCardOptions {
  /** The round the card is for; added to the trend when `history` does not end with it. */
  roundCode?: string;
  /** Lines on the trend; default 85 and 60. */
  cutoffs?: Cutoffs;
  /** Ranked firms in the round, to print "第 3 名 / 共 35 家". */
  rankedFirms?: number;
}

const WIDTH = 1000;
const MARGIN = 50;
const TREND = { x: 40, y: 700, width: 920, height: 380 };
const REASONS_TOP = TREND.y + TREND.height + 50;
const LINE = 32;
const MAX_REASON_LINES = 14;
const MAX_HEIGHT = REASONS_TOP + 40 + MAX_REASON_LINES * LINE + 40;

/**
 * One canvas of the tallest card, kept by each thread and drawn over for every card (the picture is
 * its top rows): a fresh 5 MB canvas a card cost more in allocation and garbage collection than
 * drawing the card. Drawing and encoding a card never wait in between (no await), so cards
 * rendered at the same time in one thread cannot draw over each other.
 */
let page: Canvas | null = null;

const colorOf = listColor;

/**
 * 历次评价综合得分走势, drawn straight onto the card: a line over the rounds on a y scale from a
 * multiple of 10 below the lowest point (or the black cut-off) up to 100, grid lines every 5 or 10, a
 * point per round coloured by its list, dashed red and black cut-off lines. Drawn by hand, not by
 * Chart.js: for a line of a few points, building and laying out a Chart.js chart took a quarter of
 * a card's time, and a province renders thousands of cards.
 */
function drawTrend(ctx: SKRSContext2D, points: readonly FirmHistoryPoint[], cutoffs: Cutoffs): void {
  const values = points.map((p) => (p.composite === null ? null : p.composite / 100));
  const lowest = Math.min(cutoffs.black / 100, ...values.filter((v): v is number => v !== null));
  const min = Math.max(0, Math.floor(lowest / 10) * 10 - 10);
  const step = 100 - min <= 50 ? 5 : 10; // about 10 grid lines, as Chart.js picked them
  const area = { left: TREND.x + 40, right: TREND.x + TREND.width - 30, top: TREND.y + 44, bottom: TREND.y + TREND.height - 32 };
  const yOf = (v: number): number => area.bottom - ((v - min) / (100 - min)) * (area.bottom - area.top);
  const xOf = (i: number): number => (points.length <= 1 ? (area.left + area.right) / 2 : area.left + (i * (area.right - area.left)) / (points.length - 1));

  ctx.save();
  ctx.fillStyle = '#222222';
  ctx.textAlign = 'center';
  ctx.font = font(16, 'bold');
  ctx.fillText('历次评价综合得分走势（点的颜色为当期榜单）', TREND.x + TREND.width / 2, TREND.y + 24);

  // grid and axes
  ctx.lineWidth = 1;
  ctx.strokeStyle = '#e6e6e6';
  ctx.beginPath();
  for (let v = min; v <= 100; v += step) {
    const y = Math.round(yOf(v)) + 0.5;
    ctx.moveTo(area.left, y);
    ctx.lineTo(area.right, y);
  }
  points.forEach((_, i) => {
    const x = Math.round(xOf(i)) + 0.5;
    ctx.moveTo(x, area.top);
    ctx.lineTo(x, area.bottom);
  });
  ctx.stroke();
  ctx.strokeStyle = '#bbbbbb';
  ctx.beginPath();
  ctx.moveTo(area.left + 0.5, area.top);
  ctx.lineTo(area.left + 0.5, area.bottom + 0.5);
  ctx.lineTo(area.right, area.bottom + 0.5);
  ctx.stroke();

  ctx.font = font(13);
  ctx.fillStyle = '#222222';
  ctx.textAlign = 'right';
  for (let v = min; v <= 100; v += step) ctx.fillText(String(v), area.left - 8, yOf(v) + 4);
  ctx.textAlign = 'center';
  points.forEach((p, i) => ctx.fillText(p.roundCode, xOf(i), area.bottom + 22));

  // the cut-offs
  ctx.lineWidth = 1.5;
  ctx.setLineDash([6, 4]);
  for (const [at, text, color] of [
    [cutoffs.red, `红榜线 ${cutoffs.red / 100}`, LIST_COLORS.red],
    [cutoffs.black, `黑榜线 ${cutoffs.black / 100}`, LIST_COLORS.black],
  ] as const) {
    if (at / 100 < min || at / 100 > 100) continue;
    const y = yOf(at / 100);
    ctx.strokeStyle = color;
    ctx.beginPath();
    ctx.moveTo(area.left, y);
    ctx.lineTo(area.right, y);
    ctx.stroke();
    ctx.fillStyle = color;
    ctx.textAlign = 'right';
    ctx.fillText(text, area.right - 4, y - 5);
  }
  ctx.setLineDash([]);

  // the line, across rounds without a score, then the points
  ctx.strokeStyle = '#4e79a7';
  ctx.lineWidth = 3;
  ctx.lineJoin = 'round';
  ctx.beginPath();
  let started = false;
  values.forEach((v, i) => {
    if (v === null) return;
    if (started) ctx.lineTo(xOf(i), yOf(v));
    else ctx.moveTo(xOf(i), yOf(v));
    started = true;
  });
  ctx.stroke();
  values.forEach((v, i) => {
    if (v === null) return;
    ctx.fillStyle = colorOf(points[i]?.list ?? null);
    ctx.strokeStyle = ctx.fillStyle;
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.arc(xOf(i), yOf(v), 6.5, 0, Math.PI * 2);
    ctx.fill();
    ctx.stroke();
  });
  ctx.restore();
}

function box(ctx: SKRSContext2D, x: number, label: string, value: string, color: string): void {
  const width = 280;
  ctx.fillStyle = '#f5f6f8';
  ctx.fillRect(x, 250, width, 160);
  ctx.fillStyle = '#666666';
  ctx.textAlign = 'center';
  ctx.font = font(20);
  ctx.fillText(label, x + width / 2, 290);
  ctx.fillStyle = color;
  fitFont(ctx, value, width - 20, 56, 'bold');
  ctx.fillText(value, x + width / 2, 370);
}

function sourceBar(ctx: SKRSContext2D, y: number, label: string, value: Hundredths | null, color: string): void {
  const left = 230;
  const width = 560;
  ctx.textAlign = 'left';
  ctx.fillStyle = '#333333';
  ctx.font = font(22);
  ctx.fillText(label, MARGIN, y + 24);
  ctx.fillStyle = '#eceef1';
  ctx.fillRect(left, y, width, 32);
  if (value !== null) {
    ctx.fillStyle = color;
    ctx.fillRect(left, y, (width * Math.max(0, Math.min(10000, value))) / 10000, 32);
  }
  ctx.fillStyle = '#222222';
  ctx.font = font(22, 'bold');
  ctx.fillText(value === null ? '缺失' : scoreText(value), left + width + 20, y + 24);
}

/** The firm's score card as PNG. `history` is oldest first. */
export async function renderScoreCard(firm: ScoreCardFirm, history: readonly FirmHistoryPoint[], options: ScoreCardOptions = {}): Promise<Buffer> {
  ensureChartSetup();
  const cutoffs = options.cutoffs ?? { red: 8500, black: 6000 };
  const points = [...history];
  if (options.roundCode && points[points.length - 1]?.roundCode !== options.roundCode) {
    points.push({ roundCode: options.roundCode, rank: firm.rank, composite: firm.composite, list: firm.list });
  }

  page ??= createCanvas(WIDTH, MAX_HEIGHT);
  const canvas = page;
  const ctx = canvas.getContext('2d');
  ctx.save();
  ctx.font = font(21);
  const reasonLines = firm.reasons.flatMap((reason) => wrapText(ctx, `· ${reason}`, WIDTH - 2 * MARGIN));
  if (firm.flags.length > 0) reasonLines.push(...wrapText(ctx, `标记：${flagsText(firm.flags)}`, WIDTH - 2 * MARGIN));
  const lines = reasonLines.length > MAX_REASON_LINES ? [...reasonLines.slice(0, MAX_REASON_LINES - 1), '……（完整说明见评价报告）'] : reasonLines;
  const height = REASONS_TOP + 40 + Math.max(1, lines.length) * LINE + 40;

  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, WIDTH, height);

  ctx.fillStyle = colorOf(firm.list);
  ctx.fillRect(0, 0, WIDTH, 110);
  ctx.fillStyle = '#ffffff';
  ctx.textAlign = 'left';
  ctx.font = font(32, 'bold');
  ctx.fillText('物业服务质量评价 · 企业评分卡', MARGIN, 68);
  if (options.roundCode) {
    ctx.textAlign = 'right';
    ctx.font = font(24);
    ctx.fillText(periodLabel(options.roundCode), WIDTH - MARGIN, 68);
  }

  ctx.textAlign = 'left';
  ctx.fillStyle = '#111111';
  fitFont(ctx, firm.name, WIDTH - 2 * MARGIN, 36, 'bold');
  ctx.fillText(firm.name, MARGIN, 170);
  ctx.fillStyle = '#666666';
  ctx.font = font(20);
  ctx.fillText(`统一社会信用代码：${firm.uscc}`, MARGIN, 212);

  const rank = firm.rank === null ? '未排名' : `第 ${firm.rank} 名${options.rankedFirms ? ` / ${options.rankedFirms}` : ''}`;
  box(ctx, MARGIN, '综合得分', firm.composite === null ? '缺失' : scoreText(firm.composite), '#111111');
  box(ctx, MARGIN + 310, '排名', rank, '#111111');
  box(ctx, MARGIN + 620, firm.grade ? `榜单 · 等级 ${firm.grade}` : '榜单', listLabel(firm.list), colorOf(firm.list));

  ctx.textAlign = 'left';
  ctx.fillStyle = '#111111';
  ctx.font = font(24, 'bold');
  ctx.fillText('分项得分', MARGIN, 470);
  sourceBar(ctx, 500, '居民群众', firm.scores.resident, SOURCE_COLORS.resident);
  sourceBar(ctx, 550, '行管部门', firm.scores.regulator, SOURCE_COLORS.regulator);
  sourceBar(ctx, 600, '街道社区', firm.scores.street, SOURCE_COLORS.street);

  drawTrend(ctx, points, cutoffs);

  ctx.textAlign = 'left';
  ctx.fillStyle = '#111111';
  ctx.font = font(24, 'bold');
  ctx.fillText('评价说明', MARGIN, REASONS_TOP);
  ctx.fillStyle = '#333333';
  ctx.font = font(21);
  (lines.length > 0 ? lines : ['（无）']).forEach((line, i) => ctx.fillText(line, MARGIN, REASONS_TOP + 40 + i * LINE));

  ctx.restore();
  // every pixel of the top `height` rows was painted over (the white fill first)
  const png = encodeRgbaPng(canvas.data().subarray(0, WIDTH * 4 * height), WIDTH, height);
  await releaseNativeMemory();
  return png;
}
