/**
 * 企业评分卡: one firm's result on one picture — composite, rank, list, grade, the three source
 * scores, the reasons and flags, and a Chart.js trend line of its composite over rounds.
 */
import { type Canvas, createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import type { ChartConfiguration, Plugin } from 'chart.js' with { 'resolution-mode': 'import' };
import { type FirmResult, type Hundredths } from '../domain/types';
import { fitFont, wrapText } from './canvas-text';
import { type Cutoffs, flagsText, listLabel, periodLabel, scoreText } from './labels';
import { LIST_COLORS, listColor, SOURCE_COLORS } from './palette';
import { encodeCanvasPng } from './png';
import { ensureChartSetup, font, type KeptChart, keptChart, releaseNativeMemory } from './render-chart';
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

const colorOf = listColor;

/** Horizontal dashed lines at the red and black cut-offs (of the card being drawn) of a 0–100 y scale. */
function cutoffLines(cutoffsNow: () => Cutoffs): Plugin<'line'> {
  return {
    id: 'hhbTrendCutoffs',
    afterDatasetsDraw(chart) {
      const y = chart.scales.y;
      if (!y) return;
      const cutoffs = cutoffsNow();
      const { ctx, chartArea } = chart;
      ctx.save();
      for (const [at, text, color] of [
        [cutoffs.red, `红榜线 ${cutoffs.red / 100}`, LIST_COLORS.red],
        [cutoffs.black, `黑榜线 ${cutoffs.black / 100}`, LIST_COLORS.black],
      ] as const) {
        const py = y.getPixelForValue(at / 100);
        if (py < chartArea.top || py > chartArea.bottom) continue;
        ctx.strokeStyle = color;
        ctx.setLineDash([6, 4]);
        ctx.lineWidth = 1.5;
        ctx.beginPath();
        ctx.moveTo(chartArea.left, py);
        ctx.lineTo(chartArea.right, py);
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.font = font(13);
        ctx.fillStyle = color;
        ctx.textAlign = 'right';
        ctx.fillText(text, chartArea.right - 4, py - 4);
      }
      ctx.restore();
    },
  };
}

type TrendConfig = ChartConfiguration<'line', (number | null)[], string>;

/** The trend's data and y scale for `points`; its cut-off lines are drawn where `cutoffsNow` says. */
function trendConfig(points: FirmHistoryPoint[], cutoffs: Cutoffs, cutoffsNow: () => Cutoffs): TrendConfig {
  const values = points.map((p) => (p.composite === null ? null : p.composite / 100));
  const lowest = Math.min(cutoffs.black / 100, ...values.filter((v): v is number => v !== null));
  return {
    type: 'line',
    data: {
      labels: points.map((p) => p.roundCode),
      datasets: [
        {
          label: '综合得分',
          data: values,
          borderColor: '#4e79a7',
          borderWidth: 3,
          pointRadius: 6,
          pointBackgroundColor: points.map((p) => colorOf(p.list)),
          pointBorderColor: points.map((p) => colorOf(p.list)),
          spanGaps: true,
        },
      ],
    },
    options: {
      plugins: {
        title: { display: true, text: '历次评价综合得分走势（点的颜色为当期榜单）', font: { size: 16, weight: 'bold' } },
        legend: { display: false },
      },
      scales: { y: { min: Math.max(0, Math.floor(lowest / 10) * 10 - 10), max: 100 } },
    },
    plugins: [cutoffLines(cutoffsNow)],
  };
}

/** This thread's trend chart, drawn again for every card (see keptChart), and the cut-offs of the card being drawn. */
let trend: { chart: KeptChart<'line', (number | null)[], string>; cutoffs: Cutoffs } | null = null;

/** The trend of `points` on the kept chart's canvas: use it before the next card is drawn. */
function drawTrend(points: FirmHistoryPoint[], cutoffs: Cutoffs): Canvas {
  const now = (): Cutoffs => trend?.cutoffs ?? cutoffs;
  const config = trendConfig(points, cutoffs, now);
  trend ??= { chart: keptChart(config, TREND), cutoffs };
  trend.cutoffs = cutoffs;
  return trend.chart.draw((chart) => {
    chart.data = config.data;
    chart.options = config.options ?? {};
  });
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

  const scratch = createCanvas(1, 1).getContext('2d');
  scratch.font = font(21);
  const reasonLines = firm.reasons.flatMap((reason) => wrapText(scratch, `· ${reason}`, WIDTH - 2 * MARGIN));
  if (firm.flags.length > 0) reasonLines.push(...wrapText(scratch, `标记：${flagsText(firm.flags)}`, WIDTH - 2 * MARGIN));
  const lines = reasonLines.length > MAX_REASON_LINES ? [...reasonLines.slice(0, MAX_REASON_LINES - 1), '……（完整说明见评价报告）'] : reasonLines;
  const height = REASONS_TOP + 40 + Math.max(1, lines.length) * LINE + 40;

  const canvas = createCanvas(WIDTH, height);
  const ctx = canvas.getContext('2d');
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

  ctx.drawImage(drawTrend(points, cutoffs), TREND.x, TREND.y);

  ctx.textAlign = 'left';
  ctx.fillStyle = '#111111';
  ctx.font = font(24, 'bold');
  ctx.fillText('评价说明', MARGIN, REASONS_TOP);
  ctx.fillStyle = '#333333';
  ctx.font = font(21);
  (lines.length > 0 ? lines : ['（无）']).forEach((line, i) => ctx.fillText(line, MARGIN, REASONS_TOP + 40 + i * LINE));

  const png = encodeCanvasPng(canvas);
  await releaseNativeMemory();
  return png;
}
