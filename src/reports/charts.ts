/**
 * The round's PNG charts (SPEC §7 Reports), drawn by Chart.js through render-chart.ts:
 * ranking coloured by list, score distribution with the red and black cut-offs, source breakdown of
 * the listed firms, per-street averages. Score cards and certificates are in their own modules and
 * re-exported here, so the caller finds every picture in one place.
 *
 * At 20,000 firms a chart with a bar or a label per firm is unreadable and slow: the ranking shows
 * the top and bottom 30, the breakdown at most 30 red and 30 black firms, the streets the 20 highest
 * and 20 lowest; each title says what was left out.
 */
import type { ChartConfiguration, Plugin } from 'chart.js' with { 'resolution-mode': 'import' };
import { halfYearCodes } from '../domain/round-code';
import { roundRatioHalfUpToHundredths } from '../domain/rounding';
import { type FirmResult, type Hundredths } from '../domain/types';
import { truncate } from './canvas-text';
import { type Cutoffs, cutoffsOf, listLabel } from './labels';
import { LIST_COLORS, listColor, SOURCE_COLORS } from './palette';
import { font, renderChart } from './render-chart';
import { type ReportData, type ReportProject } from './report-data';

export { renderScoreCard, type ScoreCardOptions } from './score-card';
export { renderCertificate, type CertificateInput } from './certificate';

export interface RenderedChart {
  /** File name, e.g. 'ranking.png'. */
  name: string;
  png: Buffer;
}


/** Firms per end of the ranking chart when there are too many to show them all. */
const RANKING_END = 30;
const BREAKDOWN_PER_LIST = 30;
const STREETS_PER_END = 20;

const colorOf = listColor;

/** A legend of the four list colours (the bars of one dataset carry different colours). */
function listLegend(): NonNullable<NonNullable<ChartConfiguration<'bar'>['options']>['plugins']>['legend'] {
  return {
    display: true,
    position: 'top',
    labels: {
      generateLabels: () =>
        (['red', 'black', 'watch', null] as const).map((list) => ({
          text: listLabel(list),
          fillStyle: colorOf(list),
          strokeStyle: colorOf(list),
          lineWidth: 0,
          hidden: false,
        })),
    },
  };
}

/** Writes `message` in the middle of the chart area when a chart has nothing to show. */
function emptyMessage(message: string): Plugin<'bar'> {
  return {
    id: 'hhbEmpty',
    afterDraw(chart) {
      const { ctx, chartArea } = chart;
      ctx.save();
      ctx.font = font(22);
      ctx.fillStyle = '#666666';
      ctx.textAlign = 'center';
      ctx.fillText(message, (chartArea.left + chartArea.right) / 2, (chartArea.top + chartArea.bottom) / 2);
      ctx.restore();
    },
  };
}

const title = (text: string) => ({ display: true, text, font: { size: 18, weight: 'bold' as const }, padding: { top: 8, bottom: 12 } });

/** 综合得分排名, horizontal bars coloured by list. */
export function rankingChart(data: ReportData): Promise<Buffer> {
  const ranked = data.result.firms.filter((firm): firm is FirmResult & { rank: number; composite: number } => firm.rank !== null && firm.composite !== null);
  const shown: (FirmResult | null)[] =
    ranked.length <= RANKING_END * 2 ? ranked : [...ranked.slice(0, RANKING_END), null, ...ranked.slice(-RANKING_END)];
  const omitted = ranked.length - shown.filter(Boolean).length;
  const labels = shown.map((firm) => (firm ? `${firm.rank} ${truncate(firm.name, 18)}` : `…… 中间 ${omitted} 家未显示 ……`));
  const values = shown.map((firm) => (firm?.composite == null ? null : firm.composite / 100));
  const lowest = Math.min(100, ...values.filter((v): v is number => v !== null));
  const config: ChartConfiguration<'bar', (number | null)[], string> = {
    type: 'bar',
    data: {
      labels,
      datasets: [{ label: '综合得分', data: values, backgroundColor: shown.map((firm) => colorOf(firm?.list ?? null)), barPercentage: 0.8, categoryPercentage: 0.9 }],
    },
    options: {
      indexAxis: 'y',
      plugins: {
        title: title(`${data.round.code} 综合得分排名（共 ${ranked.length} 家${omitted > 0 ? `，显示前 ${RANKING_END} 名与后 ${RANKING_END} 名` : ''}）`),
        legend: listLegend(),
      },
      scales: {
        x: { min: Math.max(0, Math.floor(lowest / 10) * 10 - 10), max: 100, title: { display: true, text: '综合得分' } },
        y: { ticks: { autoSkip: false, font: { size: 11 } } },
      },
    },
    plugins: ranked.length === 0 ? [emptyMessage('本期无参与排名的企业')] : [],
  };
  return renderChart(config, { width: 1000, height: Math.max(400, 100 + shown.length * 15) });
}

/** Dashed vertical lines at the cut-offs over a histogram whose category i is the bin [first + i, first + i + 1). */
function cutoffLines(cutoffs: Cutoffs, firstBin: number): Plugin<'bar'> {
  return {
    id: 'hhbCutoffs',
    afterDatasetsDraw(chart) {
      const x = chart.scales.x;
      if (!x) return;
      const { ctx, chartArea } = chart;
      const step = x.getPixelForValue(1) - x.getPixelForValue(0);
      const lines = [
        { at: cutoffs.red, text: `红榜线 ${cutoffs.red / 100}`, color: LIST_COLORS.red },
        { at: cutoffs.black, text: `黑榜线 ${cutoffs.black / 100}`, color: LIST_COLORS.black },
      ];
      ctx.save();
      for (const line of lines) {
        // the left edge of the bin holding the cut-off, plus its fraction of a bin
        const px = x.getPixelForValue(0) - step / 2 + (line.at / 100 - firstBin) * step;
        ctx.strokeStyle = line.color;
        ctx.lineWidth = 2;
        ctx.setLineDash([8, 5]);
        ctx.beginPath();
        ctx.moveTo(px, chartArea.top);
        ctx.lineTo(px, chartArea.bottom);
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.font = font(14, 'bold');
        ctx.fillStyle = line.color;
        ctx.textAlign = 'left';
        ctx.fillText(line.text, px + 4, chartArea.top + 16);
      }
      ctx.restore();
    },
  };
}

/** 得分分布: firms per 1-point bin of the composite, with the red and black cut-offs marked. */
export function distributionChart(data: ReportData, cutoffs: Cutoffs = cutoffsOf(data.round.rulesJson)): Promise<Buffer> {
  const composites = data.result.firms.map((firm) => firm.composite).filter((c): c is Hundredths => c !== null);
  const lowest = Math.min(cutoffs.black, ...composites);
  const firstBin = Math.max(0, Math.floor(lowest / 500) * 5 - 5);
  const bins = 101 - firstBin; // the last bin holds exactly 100.00
  const counts = new Array<number>(bins).fill(0);
  for (const c of composites) {
    const bin = Math.min(100, Math.floor(c / 100)) - firstBin;
    counts[bin] = (counts[bin] ?? 0) + 1;
  }
  const colors = counts.map((_, i) => {
    const lower = (firstBin + i) * 100;
    return lower >= cutoffs.red ? LIST_COLORS.red : lower + 100 <= cutoffs.black ? LIST_COLORS.black : LIST_COLORS.none;
  });
  const config: ChartConfiguration<'bar', number[], string> = {
    type: 'bar',
    data: {
      labels: counts.map((_, i) => String(firstBin + i)),
      datasets: [{ label: '企业数', data: counts, backgroundColor: colors, barPercentage: 1, categoryPercentage: 0.95 }],
    },
    options: {
      plugins: {
        title: title(`${data.round.code} 综合得分分布（共 ${composites.length} 家，每 1 分一组）`),
        legend: { display: false },
      },
      scales: {
        x: { title: { display: true, text: '综合得分（分组下限）' }, ticks: { autoSkip: true, maxRotation: 0 } },
        y: { beginAtZero: true, title: { display: true, text: '企业数' }, ticks: { precision: 0 } },
      },
    },
    plugins: [cutoffLines(cutoffs, firstBin)],
  };
  return renderChart(config, { width: 1000, height: 560 });
}

/** 分项得分: resident / regulator / street scores of the red- and black-listed firms, grouped. */
export function sourcesChart(data: ReportData): Promise<Buffer> {
  const red = data.result.firms.filter((firm) => firm.list === 'red');
  const black = data.result.firms.filter((firm) => firm.list === 'black');
  const shown = [...red.slice(0, BREAKDOWN_PER_LIST), ...black.slice(-BREAKDOWN_PER_LIST)];
  const cut = red.length + black.length - shown.length;
  const source = (key: 'resident' | 'regulator' | 'street') => shown.map((firm) => (firm.scores[key] === null ? null : firm.scores[key] / 100));
  const config: ChartConfiguration<'bar', (number | null)[], string> = {
    type: 'bar',
    data: {
      labels: shown.map((firm) => `${firm.list === 'red' ? '【红】' : '【黑】'}${truncate(firm.name, 10)}`),
      datasets: [
        { label: '居民评分', data: source('resident'), backgroundColor: SOURCE_COLORS.resident },
        { label: '行管评分', data: source('regulator'), backgroundColor: SOURCE_COLORS.regulator },
        { label: '街道评分', data: source('street'), backgroundColor: SOURCE_COLORS.street },
      ],
    },
    options: {
      plugins: {
        title: title(`${data.round.code} 红黑榜企业分项得分（红榜 ${red.length} 家，黑榜 ${black.length} 家${cut > 0 ? `，各显示至多 ${BREAKDOWN_PER_LIST} 家` : ''}）`),
        legend: { display: true, position: 'top' },
      },
      scales: {
        x: { ticks: { autoSkip: false, maxRotation: 60, minRotation: shown.length > 12 ? 45 : 0, font: { size: 12 } } },
        y: { min: 0, max: 100, title: { display: true, text: '得分' } },
      },
    },
    plugins: shown.length === 0 ? [emptyMessage('本期无红榜、黑榜企业')] : [],
  };
  return renderChart(config, { width: Math.min(1400, Math.max(1000, 160 + shown.length * 40)), height: 620 });
}

export interface StreetAverages {
  street: string;
  resident: Hundredths | null;
  streetScore: Hundredths | null;
}

/**
 * Per street, in the order of its first project, the household-weighted means of the projects'
 * resident and street scores over the projects that have them (integer sums, rounded half-up to
 * hundredths once): the same figures as the workbook's street summary (summarizeStreets), without
 * its firm counts, which the chart does not show and which cost most of its time (a map of every
 * firm and a set per street) at 100,000 projects.
 */
export function streetAverages(projects: readonly ReportProject[]): StreetAverages[] {
  const sums = new Map<string, { residentSum: number; residentWeight: number; streetSum: number; streetWeight: number }>();
  for (const project of projects) {
    let acc = sums.get(project.street);
    if (!acc) {
      acc = { residentSum: 0, residentWeight: 0, streetSum: 0, streetWeight: 0 };
      sums.set(project.street, acc);
    }
    if (project.resident !== null) {
      acc.residentSum += project.households * project.resident;
      acc.residentWeight += project.households;
    }
    if (project.streetScore !== null) {
      acc.streetSum += project.households * project.streetScore;
      acc.streetWeight += project.households;
    }
  }
  const mean = (sum: number, weight: number): Hundredths | null => {
    if (weight === 0) return null;
    if (!Number.isSafeInteger(sum)) throw new RangeError(`household-weighted sum out of exact range: ${sum} / ${weight}`);
    // sum / weight hundredths = sum / (100 × weight) points
    return roundRatioHalfUpToHundredths(BigInt(sum), BigInt(weight) * 100n);
  };
  return [...sums].map(([street, acc]) => ({ street, resident: mean(acc.residentSum, acc.residentWeight), streetScore: mean(acc.streetSum, acc.streetWeight) }));
}

/**
 * 街道平均分: household-weighted resident and street scores per street. A year-end round has no
 * projects of its own: its two half years' projects are taken together (each half year's households
 * weigh its scores).
 */
export function streetsChart(data: ReportData): Promise<Buffer> {
  const annual = data.round.kind === 'annual';
  const projects = annual ? data.halves.flatMap((half) => half.projects) : data.projects;
  const all = streetAverages(projects);
  const over = annual && data.halves.length > 0 ? `，${data.halves.map((half) => half.code).join('、')} 合计` : '';
  const byResident = [...all].sort((a, b) => (b.resident ?? -1) - (a.resident ?? -1));
  const shown = byResident.length <= STREETS_PER_END * 2 ? byResident : [...byResident.slice(0, STREETS_PER_END), ...byResident.slice(-STREETS_PER_END)];
  const config: ChartConfiguration<'bar', (number | null)[], string> = {
    type: 'bar',
    data: {
      labels: shown.map((s) => truncate(s.street, 10)),
      datasets: [
        { label: '居民评分（户数加权）', data: shown.map((s) => (s.resident === null ? null : s.resident / 100)), backgroundColor: SOURCE_COLORS.resident },
        { label: '街道评分（户数加权）', data: shown.map((s) => (s.streetScore === null ? null : s.streetScore / 100)), backgroundColor: SOURCE_COLORS.street },
      ],
    },
    options: {
      plugins: {
        title: title(
          `${data.round.code} 各街道平均得分（共 ${all.length} 个街道${over}${shown.length < all.length ? `，显示居民评分最高与最低各 ${STREETS_PER_END} 个` : ''}）`,
        ),
        legend: { display: true, position: 'top' },
      },
      scales: {
        x: { ticks: { autoSkip: false, maxRotation: 60, font: { size: 12 } } },
        y: { min: 0, max: 100, title: { display: true, text: '得分' } },
      },
    },
    plugins: shown.length === 0 ? [emptyMessage(annual ? `各街道明细见 ${halfYearCodes(data.round.code).join('、')} 报表` : '本期无项目数据')] : [],
  };
  return renderChart(config, { width: Math.min(1200, Math.max(1000, 160 + shown.length * 26)), height: 560 });
}

/** The round's four charts, in the order a report shows them. One at a time: each canvas is freed before the next. */
export async function renderRoundCharts(data: ReportData): Promise<RenderedChart[]> {
  const cutoffs = cutoffsOf(data.round.rulesJson);
  return [
    { name: 'ranking.png', png: await rankingChart(data) },
    { name: 'distribution.png', png: await distributionChart(data, cutoffs) },
    { name: 'sources.png', png: await sourcesChart(data) },
    { name: 'streets.png', png: await streetsChart(data) },
  ];
}
